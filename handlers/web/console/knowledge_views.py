"""The knowledge page: FAQ entries with their 👍/👎, entries with no recorded match, review
dates when entries carry them, and the questions the FAQ could not answer.

Gap clusters plug in through :data:`GAP_SOURCE`: a function ``(session, since, limit) ->
list[GapCluster]``. Today's source is :func:`tickets.gaps.top_unanswered` (the same question
worded alike counts once); a smarter clusterer with a suggested YAML entry per cluster can
replace it without touching the page (``GapCluster.suggested_yaml``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from aiohttp import web
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.web.console.context import console_of, render
from handlers.web.console.period import parse_period
from tickets.faq_feedback import EntrySignals, entry_signals
from tickets.gaps import top_unanswered
from tickets.privacy import redact_text

__all__ = ["GAP_SOURCE", "GapCluster", "gap_clusters", "knowledge"]


@dataclass(frozen=True)
class GapCluster:
    text: str  # a representative wording (redacted)
    count: int
    examples: tuple[str, ...] = ()
    closest_entry: str | None = None
    tickets: int = 0
    decisions: dict[str, int] = field(default_factory=dict)
    suggested_yaml: str | None = None


async def _unanswered_lines(
    session: AsyncSession, *, since: datetime, limit: int
) -> list[GapCluster]:
    lines = await top_unanswered(session, since=since, limit=limit)
    return [
        GapCluster(
            text=redact_text(g.text),
            count=g.count,
            closest_entry=g.best_entry_id,
            tickets=g.tickets,
            decisions=dict(g.decisions),
        )
        for g in lines
    ]


GapSource = Callable[..., Awaitable[list[GapCluster]]]
GAP_SOURCE: list[GapSource] = [_unanswered_lines]


async def gap_clusters(session: AsyncSession, *, since: datetime, limit: int) -> list[GapCluster]:
    return await GAP_SOURCE[0](session, since=since, limit=limit)


@dataclass(frozen=True)
class EntryRow:
    id: str
    question: str
    department: str | None
    source: str
    signals: EntrySignals
    reviewed: Any = None
    expires: Any = None


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


async def knowledge(request: web.Request) -> web.StreamResponse:
    """``GET /console/knowledge?days=30``."""
    console = console_of(request)
    now = console.now()
    period = parse_period(request.query, now=now, tz=console.deps.tz)
    kb = console.deps.knowledge
    async with console.session() as session:
        signals = await entry_signals(session, since=period.start)
        gaps = await gap_clusters(session, since=period.start, limit=50)
    rows = [
        EntryRow(
            id=e.id,
            question=e.questions[0] if e.questions else "",
            department=e.department,
            source=f"{e.source_file}:{e.source_line}" if e.source_file else "",
            signals=signals.get(e.id, EntrySignals()),
            reviewed=_as_date(getattr(e, "reviewed", None)),
            expires=_as_date(getattr(e, "expires", None)),
        )
        for e in (kb.entries if kb is not None else ())
    ]
    rows.sort(key=lambda r: (-(r.signals.not_helpful - r.signals.helpful), r.id))
    today = now.astimezone(console.deps.tz).date()
    dated = any(r.reviewed is not None or r.expires is not None for r in rows)
    stale = [
        r
        for r in rows
        if (r.expires is not None and r.expires <= today)
        or (r.reviewed is not None and r.reviewed <= today - timedelta(days=365))
    ]
    return render(
        request,
        "knowledge.html",
        status=400 if period.error else 200,
        period=period,
        loaded=kb is not None,
        rows=rows,
        never=[r for r in rows if not r.signals.matched],
        dated=dated,
        stale=stale,
        today=today,
        gaps=gaps,
    )
