"""After the answer: auto-close answered tickets, and the post-closure callback (回访).

* :func:`sweep_auto_close`: an ``answered`` ticket the citizen did not react to (no follow-up,
  no confirmation, no reopening: any of those changes its status) is closed once
  ``auto_close_after`` of working time has passed since ``answered_at``; the citizen gets a
  notice with the rating buttons and [Reopen]. The close is a conditional ``UPDATE ... WHERE
  status = 'answered' AND version = :seen`` (bumping ``version``), so it is exactly-once and
  never overrides a concurrent citizen action.
* :func:`sweep_closure_callbacks`: on the working day after a ticket was closed, a citizen who
  has not rated it (nor confirmed it solved) is asked whether the problem was really solved,
  with [Solved] ``tk:solved:<id>`` and [Not solved] ``tk:unsolved:<id>``. Once per ticket
  (``TicketAlert`` ``closure``/``callback``); not after ``callback_max_age``.
* :func:`answer_closure_callback`: what the buttons do; "not solved" reopens the ticket for
  its department through :meth:`tickets.service.TicketService.reopen`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import exists, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from locales import t
from tickets.errors import InvalidTransition, NotAllowed, ValidationError
from tickets.models import Citizen, CitizenIdentity, Department, Ticket, TicketAlert, TicketEvent
from tickets.sweeps.base import (
    SweepContext,
    SweepResult,
    add_events,
    claim_alerts,
    is_postgres,
    queue_message,
)
from tickets.sweeps.texts import button
from tickets.texts import rating_keyboard
from tickets.worktime.durations import WindowKind, WorkWindow

if TYPE_CHECKING:
    from tickets.authz import Actor
    from tickets.service import TicketService

__all__ = [
    "CallbackAnswer",
    "answer_closure_callback",
    "callback_due_at",
    "sweep_auto_close",
    "sweep_closure_callbacks",
]

_T = Ticket.__table__  # type: ignore[attr-defined]
_C = Citizen.__table__  # type: ignore[attr-defined]
_I = CitizenIdentity.__table__  # type: ignore[attr-defined]
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


def _citizen_chat(row: Any) -> int | None:
    if row.erased_at is not None or not row.chat:
        return None
    return int(row.chat)


# The citizen's Telegram chat (their identity's address on Telegram).
_CHAT = (
    select(_I.c.address)
    .where(_I.c.citizen_id == _C.c.id, _I.c.channel == "telegram")
    .limit(1)
    .scalar_subquery()
    .label("chat")
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
        select(
            _T.c.id,
            _T.c.number,
            _T.c.version,
            _T.c.answered_at,
            _T.c.lang,
            _CHAT,
            _C.c.language,
            _C.c.erased_at,
        )
        .select_from(_T.outerjoin(_C, _C.c.id == _T.c.citizen_id))
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
    tz = ctx.calendar.tz
    for r in due:
        done = await session.exec(
            update(_T)
            .where(_T.c.id == r.id, _T.c.status == "answered", _T.c.version == r.version)
            .values(
                status="closed",
                closed_at=ctx.now,
                paused_at=None,
                updated_at=ctx.now,
                next_reminder_at=None,
                version=r.version + 1,
            )
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            continue  # the citizen (or another instance) acted first
        result.count += 1
        await add_events(
            session,
            [
                {
                    "ticket_id": r.id,
                    "at": ctx.now,
                    "kind": "closed",
                    "data": {"auto": True, "reason": "no_reaction", "after": str(window)},
                }
            ],
        )
        chat = _citizen_chat(r)
        if chat is None:
            continue
        lang = r.lang or r.language
        text = t(
            lang,
            "citizen-auto_closed",
            number=r.number,
            answered=r.answered_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            after=window.describe(lang or "zh").removeprefix("within ").removesuffix("内"),
        )
        row = await queue_message(
            session,
            ctx,
            chat,
            text,
            key=f"autoclose:{r.id}:{r.version + 1}",
            reply_markup=rating_keyboard(lang, r.id),
            ref=f"ticket:{r.id}",
        )
        if row is not None:
            result.messages.append(row)
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
            _CHAT,
            _C.c.language,
            _C.c.erased_at,
        )
        .select_from(_T.join(_C, _C.c.id == _T.c.citizen_id))
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
            if (
                ctx.now < ctx.calendar.deadline(r.closed_at, max_age)
                and _citizen_chat(r) is not None
            ):
                due.append(r)
        if later or len(rows) < page:
            break
        cursor = (rows[-1].closed_at, rows[-1].id)
    won = await claim_alerts(session, [(r.id, "closure", "callback") for r in due], ctx.now)
    tz = ctx.calendar.tz
    events = []
    for r in due:
        if (r.id, "closure", "callback") not in won:
            continue
        result.count += 1
        lang = r.lang or r.language
        text = t(
            lang,
            "citizen-callback",
            number=r.number,
            closed=r.closed_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
        )
        markup = {
            "inline_keyboard": [
                [
                    button(t(lang, "btn-solved"), "solved", r.id),
                    button(t(lang, "btn-unsolved"), "unsolved", r.id),
                ]
            ]
        }
        chat = _citizen_chat(r)
        assert chat is not None
        row = await queue_message(
            session,
            ctx,
            chat,
            text,
            key=f"callback:{r.id}",
            reply_markup=markup,
            ref=f"ticket:{r.id}",
        )
        if row is not None:
            result.messages.append(row)
        events.append(
            {
                "ticket_id": r.id,
                "at": ctx.now,
                "kind": "closure_callback_sent",
                "data": {"chat_id": chat},
            }
        )
    await add_events(session, events)
    # Rows looked at but not yet due stay out of the count: no loop on them within a round.
    return len(won), result


@dataclass(frozen=True)
class CallbackAnswer:
    """What happened when the citizen answered; ``text`` is the reply to show them."""

    ticket_id: int
    number: str
    solved: bool
    reopened: bool
    already: bool
    text: str


async def answer_closure_callback(
    service: TicketService, ticket_id: int, actor: Actor, solved: bool
) -> CallbackAnswer:
    """The citizen pressed [Solved] (``tk:solved:<id>``) or [Not solved] (``tk:unsolved:<id>``).

    Records ``callback_solved`` / ``callback_unsolved`` in the audit trail (counted by the
    resolution rate, :mod:`tickets.reports.stats`); "not solved" on a closed ticket reopens it for its
    department (:meth:`TicketService.reopen`, which notifies the department and may give a fresh
    resolution window). A second answer only gets a thank-you (``already``). Raises
    :class:`~tickets.errors.NotAllowed` when ``actor`` is not the ticket's citizen. Does not
    commit (the handler does).
    """
    session = service.session
    now = service.clock.now()
    row = (
        await session.exec(
            select(
                _T.c.id,
                _T.c.number,
                _T.c.status,
                _T.c.lang,
                _T.c.department_id,
                _T.c.citizen_id,
                _C.c.language,
            )
            .select_from(_T.join(_C, _C.c.id == _T.c.citizen_id))
            .where(_T.c.id == ticket_id)
        )
    ).first()
    if row is None or row.citizen_id is None or row.citizen_id != actor.citizen_id:
        raise NotAllowed()
    lang = row.lang or row.language
    previous = (
        await session.exec(
            select(_E.c.id).where(
                _E.c.ticket_id == ticket_id,
                _E.c.kind.in_(("callback_solved", "callback_unsolved")),
            )
        )
    ).first()
    if previous is not None:
        return CallbackAnswer(
            ticket_id,
            row.number,
            solved,
            False,
            True,
            t(lang, "citizen-callback_already", number=row.number),
        )
    session.add(
        TicketEvent(
            ticket_id=ticket_id,
            at=now,
            actor_kind="citizen",
            actor_id=actor.citizen_id,
            kind="callback_solved" if solved else "callback_unsolved",
            data={},
        )
    )
    await session.flush()
    if solved:
        return CallbackAnswer(
            ticket_id, row.number, True, False, False, t(lang, "citizen-callback_thanks")
        )
    reopened = False
    if row.status == "closed":
        try:
            ticket = await service.reopen(ticket_id, actor, reason="callback: not solved")
        except (InvalidTransition, ValidationError):
            ticket = None
        if ticket is not None:
            reopened = True
            await session.exec(update(_T).where(_T.c.id == ticket_id).values(next_reminder_at=None))
    dept = await session.get(Department, row.department_id)
    name = "" if dept is None else dept.name_en if (lang or "").startswith("en") else dept.name_zh
    text = t(lang, "citizen-callback_reopened", number=row.number, department=name)
    return CallbackAnswer(ticket_id, row.number, False, reopened, False, text)
