"""The FAQ gap report: questions the knowledge base could not answer.

Every unanswered question is recorded (:func:`record_unanswered`) with how it went unanswered:
``none`` (nothing matched), ``suggest`` (the citizen rejected every suggestion) or
``not_helpful`` (an answer was shown and the citizen said it did not help). Administrators read
:func:`top_unanswered`: the same question asked in slightly different ways (case, spacing,
punctuation) counts as one line, the most asked first.

The report is anonymous: no citizen is recorded, and phone and ID numbers in a question are
replaced by ``***`` before it is stored (the report needs the question, not the number).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.models import UnansweredQuestion
from tickets.privacy import scrub_text

__all__ = [
    "DECISIONS",
    "GapLine",
    "link_ticket",
    "normalize_question",
    "record_unanswered",
    "top_unanswered",
]

DECISIONS = ("none", "suggest", "not_helpful")
TEXT_MAX = 1000  # what the report needs; the whole message stays in the ticket if one is made
_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def normalize_question(text: str) -> str:
    """Case, width, punctuation and spacing folded: ``"Where's my card?!"`` = ``"wheres my card"``."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("'", "").replace("’", "")
    return " ".join(_PUNCT.sub(" ", text).split())


async def record_unanswered(
    session: AsyncSession,
    *,
    text: str,
    lang: str | None,
    decision: str,
    now: datetime,
    best_entry_id: str | None = None,
    score: float | None = None,
) -> UnansweredQuestion:
    """Add one unanswered question to the gap report (in the caller's transaction), without
    its phone or ID numbers."""
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r} (known: {', '.join(DECISIONS)})")
    row = UnansweredQuestion(
        at=now,
        text=scrub_text(text.strip())[:TEXT_MAX],
        lang=(lang or None) and lang[:8],
        decision=decision,
        best_entry_id=best_entry_id[:100] if best_entry_id else None,
        score=round(float(score), 2) if score is not None else None,
    )
    session.add(row)
    await session.flush()
    return row


async def link_ticket(session: AsyncSession, question_id: int, ticket_id: int) -> None:
    """Remember that the unanswered question became this ticket."""
    row = await session.get(UnansweredQuestion, question_id)
    if row is not None:
        row.ticket_id = ticket_id
        session.add(row)
        await session.flush()


@dataclass(frozen=True)
class GapLine:
    text: str  # the most recent wording of the question
    count: int
    decisions: dict[str, int]
    lang: str | None
    best_entry_id: str | None
    tickets: int  # how many of them became tickets
    last_at: datetime


async def top_unanswered(
    session: AsyncSession, *, since: datetime, limit: int = 20
) -> list[GapLine]:
    """The most asked unanswered questions since ``since``, most asked (then latest) first."""
    stmt = (
        select(UnansweredQuestion)
        .where(col(UnansweredQuestion.at) >= since)
        .order_by(col(UnansweredQuestion.at).desc(), col(UnansweredQuestion.id).desc())
    )
    groups: dict[str, list[UnansweredQuestion]] = {}
    for row in (await session.exec(stmt)).all():
        key = normalize_question(row.text) or row.text
        groups.setdefault(key, []).append(row)
    lines = []
    for rows in groups.values():
        latest = rows[0]
        entries = Counter(r.best_entry_id for r in rows if r.best_entry_id)
        lines.append(
            GapLine(
                text=latest.text,
                count=len(rows),
                decisions=dict(Counter(r.decision for r in rows)),
                lang=latest.lang,
                best_entry_id=entries.most_common(1)[0][0] if entries else None,
                tickets=sum(1 for r in rows if r.ticket_id is not None),
                last_at=latest.at,
            )
        )
    lines.sort(key=lambda g: (-g.count, -g.last_at.timestamp()))
    return lines[: max(0, limit)]
