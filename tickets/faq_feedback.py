"""Citizens' 👍 / 👎 on FAQ answers, and which entries show any sign of use.

:func:`record_feedback` is called by the citizen's "Did this help?" buttons (anonymous: only
the entry and the time are kept). :func:`entry_signals` tells, per entry, what was recorded
about it in a period: 👍, 👎, how often it was the closest entry of an unanswered question, and
how many tickets came from it. An entry with none of these is shown as never matched (the
bot does not record every answer it gives, so "never matched" means "no recorded match").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.models import FaqFeedback, Ticket, UnansweredQuestion

__all__ = ["EntrySignals", "entry_signals", "record_feedback"]

_F = FaqFeedback.__table__  # type: ignore[attr-defined]
_U = UnansweredQuestion.__table__  # type: ignore[attr-defined]
_T = Ticket.__table__  # type: ignore[attr-defined]


async def record_feedback(
    session: AsyncSession, entry_id: str | None, *, helpful: bool, now: datetime
) -> None:
    """One 👍 (``helpful``) or 👎 on ``entry_id``'s answer, in the caller's transaction."""
    if entry_id:
        session.add(FaqFeedback(entry_id=str(entry_id)[:100], helpful=bool(helpful), at=now))


@dataclass
class EntrySignals:
    helpful: int = 0
    not_helpful: int = 0
    closest: int = 0  # the closest entry of an unanswered question
    tickets: int = 0

    @property
    def matched(self) -> bool:
        return bool(self.helpful or self.not_helpful or self.closest or self.tickets)


async def entry_signals(session: AsyncSession, *, since: datetime) -> dict[str, EntrySignals]:
    """What was recorded about each FAQ entry since ``since`` (entries with nothing: absent)."""
    out: dict[str, EntrySignals] = {}

    def get(entry_id: object) -> EntrySignals:
        return out.setdefault(str(entry_id), EntrySignals())

    stmt = (
        select(
            _F.c.entry_id,
            func.sum(case((_F.c.helpful.is_(True), 1), else_=0)),
            func.sum(case((_F.c.helpful.is_(True), 0), else_=1)),
        )
        .where(_F.c.at >= since)
        .group_by(_F.c.entry_id)
    )
    for entry, up, down in (await session.exec(stmt)).all():
        signals = get(entry)
        signals.helpful, signals.not_helpful = int(up or 0), int(down or 0)
    stmt = (
        select(_U.c.best_entry_id, func.count())
        .where(_U.c.at >= since, _U.c.best_entry_id.is_not(None))
        .group_by(_U.c.best_entry_id)
    )
    for entry, n in (await session.exec(stmt)).all():
        get(entry).closest = int(n)
    stmt = (
        select(_T.c.faq_entry_id, func.count())
        .where(_T.c.created_at >= since, _T.c.faq_entry_id.is_not(None))
        .group_by(_T.c.faq_entry_id)
    )
    for entry, n in (await session.exec(stmt)).all():
        get(entry).tickets = int(n)
    return out
