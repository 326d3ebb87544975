"""After the answer: auto-close answered tickets, and the post-closure callback (回访).

* :func:`sweep_auto_close`: an ``answered`` ticket the citizen did not react to (no follow-up,
  no confirmation, no reopening: any of those changes its status) is closed once
  ``auto_close_after`` of working time has passed since ``answered_at``, by
  :meth:`tickets.service.TicketService.auto_close` (the lifecycle's ``auto_close``, the
  service's conditional ``UPDATE ... WHERE version = :seen``, so it is exactly-once and never
  overrides a concurrent citizen action); the citizen is told, with the rating buttons and
  [Reopen] (:class:`~tickets.notify.TicketAutoClosed`).
* :func:`sweep_closure_callbacks`: on the working day after a ticket was closed, a citizen who
  has not rated it (nor confirmed it solved) and can be reached is asked whether the problem was
  really solved (:class:`~tickets.notify.ClosureCallback`: [Solved] and [Not solved]). Once per
  ticket (``TicketAlert`` ``closure``/``callback``); not after ``callback_max_age``. What the
  buttons do is :meth:`tickets.service.TicketService.answer_closure_callback`.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import exists, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.clock import FixedClock
from tickets.models import Citizen, CitizenIdentity, Department, Ticket, TicketAlert, TicketEvent
from tickets.notify import ClosureCallback, TicketRef, ToCitizen
from tickets.sweeps.base import (
    SweepContext,
    SweepResult,
    add_events,
    claim_alerts,
    is_postgres,
)
from tickets.worktime.durations import WindowKind, WorkWindow

if TYPE_CHECKING:
    from tickets.service import TicketService

__all__ = [
    "callback_due_at",
    "sweep_auto_close",
    "sweep_closure_callbacks",
]

_T = Ticket.__table__  # type: ignore[attr-defined]
_C = Citizen.__table__  # type: ignore[attr-defined]
_I = CitizenIdentity.__table__  # type: ignore[attr-defined]
_D = Department.__table__  # type: ignore[attr-defined]
_E = TicketEvent.__table__  # type: ignore[attr-defined]
_A = TicketAlert.__table__  # type: ignore[attr-defined]


def _wall_lower_bound(window: WorkWindow) -> timedelta:
    """A wall-clock span that ``window`` always takes at least (for a cheap SQL pre-filter)."""
    if window.kind is WindowKind.WORKING_TIME:
        return window.working_time
    if window.kind is WindowKind.WORKING_DAYS:
        return timedelta(days=max(0, window.working_days - 1))
    return timedelta(0)


def _wall_upper_bound(window: WorkWindow) -> timedelta:
    """A wall-clock span ``window`` never exceeds in practice (holidays included)."""
    if window.kind is WindowKind.WORKING_TIME:
        return timedelta(days=int(window.working_time / timedelta(hours=7)) * 3 + 14)
    if window.kind is WindowKind.WORKING_DAYS:
        return timedelta(days=window.working_days * 3 + 14)
    return timedelta(days=14)


# The citizen can be reached: an identity with an address on some channel.
_REACHABLE = exists().where(_I.c.citizen_id == _C.c.id, _I.c.address.is_not(None))


def _service(session: AsyncSession, ctx: SweepContext) -> TicketService:
    """The ticket service as the system uses it, as of the round's moment."""
    from tickets.config.desk import DeskConfig  # import cycle: the config reads the policy
    from tickets.service import TicketService

    return TicketService(
        session,
        clock=FixedClock(ctx.now),
        config=DeskConfig(departments={}),  # auto-closing needs no department's SLA
        calendar=ctx.calendar,
        tz=ctx.calendar.tz,
        admin_ids=ctx.admin_chat_ids,
        notifier=ctx.notifier(session),
    )


# --- auto-close ---------------------------------------------------------------------------


async def sweep_auto_close(
    session: AsyncSession, ctx: SweepContext, *, limit: int | None = None
) -> tuple[int, SweepResult]:
    """Close one batch of answered tickets past ``auto_close_after``; returns (tickets due,
    result). The caller commits and calls again while the first value is > 0."""
    result = SweepResult("auto-close", verb="closed")
    if not ctx.may_send():
        result.note = "quiet hours"
        return 0, result
    window = ctx.policy.auto_close_after
    stmt = (
        select(_T.c.id, _T.c.answered_at)
        .where(
            _T.c.status == "answered",
            _T.c.answered_at <= ctx.now - _wall_lower_bound(window),
        )
        .order_by(_T.c.answered_at, _T.c.id)
        .limit(limit or ctx.policy.batch_size)
    )
    if is_postgres(session):
        stmt = stmt.with_for_update(of=_T, skip_locked=True)
    rows = (await session.exec(stmt)).all()
    due = [r for r in rows if ctx.calendar.deadline(r.answered_at, window) <= ctx.now]
    service = _service(session, ctx) if due else None
    for r in due:
        assert service is not None
        closed = await service.auto_close(r.id, ctx.now, window)
        if closed is None:
            continue  # the citizen (or another instance) acted first
        result.count += 1
        result.messages.extend(closed[1])
    # Due tickets are a prefix of the order (the deadline grows with answered_at): stop once a
    # batch closes none.
    return len(due), result


# --- post-closure callback ----------------------------------------------------------------


def callback_due_at(ctx: SweepContext, closed_at: datetime) -> datetime:
    """The start of the first working period on a later local date than the closure."""
    cal = ctx.calendar
    next_day = closed_at.astimezone(cal.tz).date() + timedelta(days=1)
    return cal.next_working_start(datetime.combine(next_day, time(0), tzinfo=cal.tz))


async def sweep_closure_callbacks(
    session: AsyncSession, ctx: SweepContext, *, limit: int | None = None
) -> tuple[int, SweepResult]:
    """Ask one batch of citizens "really solved?"; returns (tickets asked, result)."""
    result = SweepResult("callbacks")
    if not ctx.policy.closure_callback:
        result.note = "disabled"
        return 0, result
    if not ctx.may_send():
        result.note = "quiet hours"
        return 0, result
    max_age = ctx.policy.callback_max_age
    asked = exists().where(
        _A.c.ticket_id == _T.c.id, _A.c.deadline == "closure", _A.c.alert == "callback"
    )
    verdict = exists().where(
        _E.c.ticket_id == _T.c.id,
        _E.c.kind.in_(("confirmed", "callback_solved", "callback_unsolved")),
        _E.c.at >= _T.c.closed_at,
    )
    stmt = (
        select(
            _T.c.id,
            _T.c.number,
            _T.c.closed_at,
            _T.c.lang,
            _T.c.citizen_id,
            _D.c.slug,
            _REACHABLE.label("reachable"),
        )
        .select_from(
            _T.join(_C, _C.c.id == _T.c.citizen_id).join(_D, _D.c.id == _T.c.department_id)
        )
        .where(
            _T.c.status == "closed",
            _T.c.closed_at >= ctx.now - _wall_upper_bound(max_age),
            _T.c.closed_at < ctx.now,
            _T.c.rating.is_(None),
            _C.c.erased_at.is_(None),
            ~asked,
            ~verdict,
        )
        .order_by(_T.c.closed_at, _T.c.id)
    )
    # Keyset pages in closure order: expired ones first, then due ones, then not yet due (the
    # due time grows with closed_at), so paging stops at the first ticket not due yet.
    page = limit or ctx.policy.batch_size
    due = []
    cursor = None
    while True:
        query = stmt
        if cursor is not None:
            query = query.where(
                (_T.c.closed_at > cursor[0])
                | ((_T.c.closed_at == cursor[0]) & (_T.c.id > cursor[1]))
            )
        rows = (await session.exec(query.limit(page))).all()
        later = False
        for r in rows:
            if callback_due_at(ctx, r.closed_at) > ctx.now:
                later = True
                break
            if ctx.now < ctx.calendar.deadline(r.closed_at, max_age) and r.reachable:
                due.append(r)
        if later or len(rows) < page:
            break
        cursor = (rows[-1].closed_at, rows[-1].id)
    won = await claim_alerts(session, [(r.id, "closure", "callback") for r in due], ctx.now)
    notifier = ctx.notifier(session) if won else None
    events = []
    for r in due:
        if (r.id, "closure", "callback") not in won:
            continue
        assert notifier is not None
        result.count += 1
        event = ClosureCallback(
            at=ctx.now,
            recipients=(ToCitizen(r.citizen_id),),
            dedupe_key=f"callback:{r.id}",
            ticket=TicketRef(r.id, r.number, r.slug, r.lang, r.citizen_id),
            closed_at=r.closed_at,
        )
        queued = await notifier.publish(event)
        result.messages.extend(queued)
        events.append(
            {
                "ticket_id": r.id,
                "at": ctx.now,
                "kind": "closure_callback_sent",
                "data": {"messages": len(queued)},
            }
        )
    await add_events(session, events)
    # Rows looked at but not yet due stay out of the count: no loop on them within a round.
    return len(won), result
