"""The FAQ gap report: questions the knowledge base could not answer.

Every unanswered question is recorded (:func:`record_unanswered`) with how it went unanswered:
``none`` (nothing matched), ``suggest`` (the citizen rejected every suggestion) or
``not_helpful`` (an answer was shown and the citizen said it did not help). Administrators read
:func:`top_unanswered`: the same question asked in slightly different ways (case, spacing,
punctuation) counts as one line, the most asked first; and :func:`gap_clusters`: the
questions grouped by the need they express (:mod:`faq.clusters`), largest first, each with its
most typical questions, the departments its tickets went to and a YAML skeleton of the FAQ
entry that would answer it.

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

from tickets.models import Department, Ticket, UnansweredQuestion
from tickets.privacy import scrub_text

__all__ = [
    "DECISIONS",
    "GapCluster",
    "GapLine",
    "gap_clusters",
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


@dataclass(frozen=True)
class GapCluster:
    """Unanswered questions of one need (see :func:`gap_clusters`)."""

    size: int  # questions asked (with repeats)
    typical: tuple[str, ...]  # its most typical questions (closest to the centroid) first
    decisions: dict[str, int]
    departments: tuple[tuple[str, str, str, int], ...]  # (slug, name zh, name en, tickets)
    tickets: int
    closest_entry: str | None  # the FAQ entry most often closest to it
    terms: tuple[str, ...]
    suggested_id: str
    lang: str | None
    last_at: datetime

    def department_name(self, index: int, lang: str | None) -> str:
        slug, zh, en, _n = self.departments[index]
        return (en if (lang or "").startswith("en") else zh) or slug

    def yaml_skeleton(self, today: datetime | None = None) -> str:
        """A new FAQ entry to paste into the FAQ folder (answer left to write)."""
        dept = self.departments[0][0] if self.departments else "TODO-department"
        lines = [f"  - id: {self.suggested_id}", "    questions:"]
        lines += [f"      - {_yaml_text(q)}" for q in self.typical]
        if self.lang and self.lang.startswith("en"):
            lines += ["    answer:", "      en: TODO write the answer"]
        else:
            lines += ["    answer:", "      zh: TODO 请填写答复", "      en: TODO write the answer"]
        if self.terms:
            lines.append("    keywords: [" + ", ".join(_yaml_text(t) for t in self.terms) + "]")
        lines.append(f"    department: {dept}")
        if today is not None:
            lines.append(f"    reviewed: {today.date().isoformat()}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        return {
            "size": self.size,
            "typical": list(self.typical),
            "decisions": self.decisions,
            "departments": [
                {"slug": s, "name_zh": zh, "name_en": en, "tickets": n}
                for s, zh, en, n in self.departments
            ],
            "tickets": self.tickets,
            "closest_entry": self.closest_entry,
            "terms": list(self.terms),
            "suggested_id": self.suggested_id,
            "last_at": self.last_at.isoformat(),
            "yaml": self.yaml_skeleton(),
        }


def _yaml_text(text: str) -> str:
    """A YAML plain scalar when safe, else a double-quoted one."""
    import json

    plain = text.strip().replace("\n", " ")
    risky = not plain or plain[0] in "-?:,[]{}#&*!|>'\"%@`" or ": " in plain or " #" in plain
    return json.dumps(plain, ensure_ascii=False) if risky or plain != plain.strip() else plain


async def gap_clusters(
    session: AsyncSession,
    *,
    since: datetime,
    until: datetime | None = None,
    limit: int = 10,
    typical: int = 3,
    threshold: float | None = None,
) -> list[GapCluster]:
    """The unanswered and not-helpful questions of a period grouped by need, largest first."""
    from faq.clusters import DEFAULT_THRESHOLD, cluster

    stmt = select(UnansweredQuestion).where(col(UnansweredQuestion.at) >= since)
    if until is not None:
        stmt = stmt.where(col(UnansweredQuestion.at) < until)
    stmt = stmt.order_by(col(UnansweredQuestion.at).desc(), col(UnansweredQuestion.id).desc())
    rows = list((await session.exec(stmt)).all())
    if not rows:
        return []
    ticket_ids = {r.ticket_id for r in rows if r.ticket_id is not None}
    dept_of: dict[int, tuple[str, str, str]] = {}
    if ticket_ids:
        q = (
            select(Ticket.id, Department.slug, Department.name_zh, Department.name_en)
            .join(Department, col(Department.id) == col(Ticket.department_id))
            .where(col(Ticket.id).in_(ticket_ids))
        )
        for tid, slug, zh, en in (await session.exec(q)).all():
            dept_of[int(tid)] = (str(slug), str(zh), str(en))  # type: ignore[arg-type]
    found = cluster(
        [r.text for r in rows], threshold if threshold is not None else DEFAULT_THRESHOLD
    )
    out: list[GapCluster] = []
    for c in found[: max(0, limit)]:
        members = [rows[i] for i in c.members]
        shown: list[str] = []
        seen: set[str] = set()
        for r in members:
            key = normalize_question(r.text)
            if key not in seen:
                seen.add(key)
                shown.append(r.text)
            if len(shown) >= typical:
                break
        depts = Counter(dept_of[r.ticket_id] for r in members if r.ticket_id in dept_of)
        entries = Counter(r.best_entry_id for r in members if r.best_entry_id)
        langs = Counter(r.lang for r in members if r.lang)
        out.append(
            GapCluster(
                size=c.size,
                typical=tuple(shown),
                decisions=dict(Counter(r.decision for r in members)),
                departments=tuple((*d, n) for d, n in depts.most_common()),
                tickets=sum(1 for r in members if r.ticket_id is not None),
                closest_entry=entries.most_common(1)[0][0] if entries else None,
                terms=c.terms,
                suggested_id=c.suggested_id(),
                lang=langs.most_common(1)[0][0] if langs else None,
                last_at=max(r.at for r in members),
            )
        )
    return out
