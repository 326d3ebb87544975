"""Reminders, overdue nags and escalations: the deadline sweep.

For every active ticket (``new`` or ``in_progress``, not paused) and each of its open deadlines
(the response deadline until the first response, the resolution deadline):

* before the deadline: a ``reminder`` once ``reminder_share`` of the response window (working
  time from creation to the deadline) has passed: to the assignee, or the department chat when
  unassigned;
* after it: ``nag-<n>`` (n = whole ``nag_interval`` periods of working time overdue: one at the
  deadline, then one per interval) to the department chat and the assignee; ``urge`` (督办) to the
  department head once ``urge_after`` overdue; ``reprimand`` to the administrators once
  ``reprimand_after`` overdue. Each alert once per ticket and deadline (``TicketAlert``); after
  a long outage only the latest nag goes out, not the missed ones.

Recipients follow :mod:`tickets.people.directory` (the rule the ticket service uses for its posts): a
department without a staff chat gets them through its clerks and heads privately (urging: its
heads, else its clerks), one with nobody through the administrators.

Paused tickets (``waiting_citizen`` or ``paused_at`` set) are skipped: the service moves their
deadlines when the clock resumes, and the rules apply to the moved deadlines. An approved
extension moves ``resolution_due_at`` the same way.

Which tickets are looked at: ``Ticket.next_reminder_at`` is "the next instant the scheduler must
look at this ticket". The sweep sets it to the earliest future threshold of the ticket's
deadlines; a ticket with ``next_reminder_at`` NULL (new, resumed, reopened: services may reset it
whenever they change deadlines) is planned on the next round. So a round reads only the tickets
that need something (partial index ``ix_ticket_sweep_active``), in batches, each batch claimed
with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL.

Escalation level on the ticket: 1 nagged, 2 urged (department head), 3 reprimanded.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.models import Ticket
from tickets.notify import AlertsDue, DueAlert, ToStaff
from tickets.sweeps.base import (
    AlertKey,
    Directory,
    SweepContext,
    SweepResult,
    add_events,
    claim_alerts,
    dedupe_key,
    is_postgres,
)
from tickets.worktime.calendar import WorkCalendar

__all__ = ["ACTIVE", "DeadlineRound", "PlannedAlert", "plan_ticket", "sweep_deadlines"]

ACTIVE = ("new", "in_progress")
CATEGORIES = ("reminder", "nag", "urge", "reprimand")
EVENT_KIND = {
    "reminder": "deadline_reminder",
    "nag": "overdue_nag",
    "urge": "urged",
    "reprimand": "reprimanded",
}
LEVEL = {"reminder": 0, "nag": 1, "urge": 2, "reprimand": 3}
MAX_LINES = 20  # tickets per message; more are split over several messages
_RECHECK = timedelta(days=1)  # a ticket without deadlines is looked at again a day later

_T = Ticket.__table__  # type: ignore[attr-defined]
_COLUMNS = (
    _T.c.id,
    _T.c.number,
    _T.c.department_id,
    _T.c.status,
    _T.c.created_at,
    _T.c.response_due_at,
    _T.c.resolution_due_at,
    _T.c.first_response_at,
    _T.c.paused_at,
    _T.c.assignee_id,
    _T.c.escalation_level,
)


@dataclass(frozen=True)
class PlannedAlert:
    ticket_id: int
    deadline: str  # response | resolution
    alert: str  # reminder | nag-<n> | urge | reprimand
    category: str  # reminder | nag | urge | reprimand
    due: datetime
    working_time: timedelta  # time left (reminder) or late (others), in working time

    @property
    def key(self) -> AlertKey:
        return (self.ticket_id, self.deadline, self.alert)


def plan_ticket(row: Any, ctx: SweepContext) -> tuple[list[PlannedAlert], datetime | None]:
    """The alerts due for a ticket at ``ctx.now`` and the next instant to look at it.

    Pure: reads the ticket row (``id``, ``created_at``, the deadlines, ``first_response_at``).
    Returns ``([], None)`` for a ticket without deadlines.
    """
    cal: WorkCalendar = ctx.calendar
    policy = ctx.policy
    now = ctx.now
    alerts: list[PlannedAlert] = []
    nexts: list[datetime] = []
    deadlines: list[tuple[str, datetime]] = []
    if row.first_response_at is None and row.response_due_at is not None:
        deadlines.append(("response", row.response_due_at))
    if row.resolution_due_at is not None:
        deadlines.append(("resolution", row.resolution_due_at))
    for kind, due in deadlines:
        if now < due:
            if kind == "response" and row.created_at is not None:
                span = cal.working_time_between(row.created_at, due)
                if span > timedelta(0):
                    remind_at = cal.add_working_time(row.created_at, span * policy.reminder_share)
                    if remind_at <= now:
                        left = cal.working_time_between(now, due)
                        alerts.append(PlannedAlert(row.id, kind, "reminder", "reminder", due, left))
                    else:
                        nexts.append(remind_at)
            nexts.append(due)
            continue
        late = cal.working_time_between(due, now)
        step = policy.nag_step
        n = int(late // step)
        alerts.append(PlannedAlert(row.id, kind, f"nag-{n}", "nag", due, late))
        nexts.append(cal.add_working_time(due, step * (n + 1)))
        for category, window in (
            ("urge", policy.urge_after),
            ("reprimand", policy.reprimand_after),
        ):
            at = cal.deadline(due, window)
            if at <= now:
                alerts.append(PlannedAlert(row.id, kind, category, category, due, late))
            else:
                nexts.append(at)
    if not deadlines:
        return alerts, None
    future = [n for n in nexts if n > now]
    return alerts, min(future) if future else now + _RECHECK


@dataclass
class DeadlineRound:
    """One batch of the deadline sweep."""

    tickets: int
    results: dict[str, SweepResult]


def _recipients(category: str, row: Any, directory: Directory, ctx: SweepContext) -> list[ToStaff]:
    """Who gets ``category`` about this ticket: :meth:`tickets.people.directory.Team.route`."""
    assignee = directory.staff_chats.get(row.assignee_id) if row.assignee_id else None
    team = directory.dept(row.department_id)
    return team.reach(
        category,  # type: ignore[arg-type]
        assignee=assignee,
        admins=ctx.admin_chat_ids,
        languages=directory.languages,
    )


async def _select_batch(session: AsyncSession, ctx: SweepContext, limit: int) -> list[Any]:
    """Tickets to plan (next_reminder_at NULL) and tickets whose next check has come."""
    rows: list[Any] = []
    pg = is_postgres(session)
    base = select(*_COLUMNS).where(_T.c.status.in_(ACTIVE))
    unplanned = (
        base.where(_T.c.next_reminder_at.is_(None), _T.c.paused_at.is_(None))
        .order_by(_T.c.id)
        .limit(limit)
    )
    due = base.where(_T.c.next_reminder_at <= ctx.now).order_by(_T.c.next_reminder_at).limit(limit)
    for stmt in (unplanned, due):
        if pg:
            stmt = stmt.with_for_update(of=_T, skip_locked=True)
        rows.extend((await session.exec(stmt)).all())
        if len(rows) >= limit:
            break
    seen: set[int] = set()
    unique = []
    for r in rows:
        if r.id not in seen:
            seen.add(r.id)
            unique.append(r)
    return unique


async def sweep_deadlines(
    session: AsyncSession, ctx: SweepContext, directory: Directory, *, limit: int | None = None
) -> DeadlineRound:
    """Process one batch (at most ``limit`` tickets); the caller commits and calls again while
    ``tickets`` > 0. Does nothing (0 tickets) in quiet hours: what falls due then is sent, batched
    per chat, by the first round in working time."""
    results = {c: SweepResult(_NAMES[c]) for c in CATEGORIES}
    if not ctx.may_send():
        for r in results.values():
            r.note = "quiet hours"
        return DeadlineRound(0, results)
    rows = await _select_batch(session, ctx, limit or ctx.policy.batch_size)
    if not rows:
        return DeadlineRound(0, results)
    by_id = {r.id: r for r in rows}
    planned: list[PlannedAlert] = []
    updates: list[dict[str, Any]] = []
    for row in rows:
        if row.paused_at is not None:
            updates.append({"tid": row.id, "nra": None, "lvl": row.escalation_level})
            continue
        alerts, nxt = plan_ticket(row, ctx)
        planned.extend(alerts)
        updates.append(
            {"tid": row.id, "nra": nxt or ctx.now + _RECHECK, "lvl": row.escalation_level}
        )
    won = await claim_alerts(session, [a.key for a in planned], ctx.now)
    mine = [a for a in planned if a.key in won]
    levels = {u["tid"]: u for u in updates}
    for a in mine:
        u = levels[a.ticket_id]
        u["lvl"] = max(u["lvl"], LEVEL[a.category])
    await session.exec(
        update(_T)
        .where(_T.c.id == bindparam("tid"))
        .values(next_reminder_at=bindparam("nra"), escalation_level=bindparam("lvl")),
        params=updates,
    )
    # Who gets what: chat -> category -> alerts.
    inbox: dict[ToStaff, dict[str, list[PlannedAlert]]] = defaultdict(lambda: defaultdict(list))
    events = []
    for a in mine:
        row = by_id[a.ticket_id]
        people = _recipients(a.category, row, directory, ctx)
        chats = [p.chat_id for p in people]
        for person in people:
            inbox[person][a.category].append(a)
        results[a.category].count += 1
        events.append(
            {
                "ticket_id": a.ticket_id,
                "at": ctx.now,
                "kind": EVENT_KIND[a.category],
                "data": {
                    "deadline": a.deadline,
                    "alert": a.alert,
                    "due_at": a.due.isoformat(),
                    "working_seconds": int(a.working_time.total_seconds()),
                    "recipients": chats,
                },
            }
        )
    await add_events(session, events)
    notifier = ctx.notifier(session) if inbox else None
    for person, sections in inbox.items():
        assert notifier is not None
        chat = person.chat_id
        for category, due, keys in _messages(sections, by_id, directory):
            digest = hashlib.sha1(
                "|".join(f"{t}:{d}:{al}" for t, d, al in keys).encode()
            ).hexdigest()
            event = AlertsDue(
                at=ctx.now,
                recipients=(person,),
                dedupe_key=dedupe_key(f"sweep:{chat}:{digest}"),
                alerts=due,
                day_length=ctx.day_length,
            )
            results[category].messages.extend(await notifier.publish(event))
    return DeadlineRound(len(rows), results)


_NAMES = {"reminder": "reminders", "nag": "nags", "urge": "urges", "reprimand": "reprimands"}


def _messages(
    sections: dict[str, list[PlannedAlert]],
    rows: dict[int, Any],
    directory: Directory,
) -> list[tuple[str, tuple[DueAlert, ...], list[AlertKey]]]:
    """One message per chat (split every ``MAX_LINES`` tickets): sections by category, most
    serious first, one line per alert (ordered by deadline). Returns ``(main category, alerts,
    alert keys)`` per message."""
    entries: list[tuple[str, PlannedAlert]] = []
    for category in reversed(CATEGORIES):
        for a in sorted(sections.get(category, []), key=lambda x: (x.due, x.ticket_id)):
            entries.append((category, a))
    out = []
    for i in range(0, len(entries), MAX_LINES):
        chunk = entries[i : i + MAX_LINES]
        alerts = tuple(
            DueAlert(
                category=category,
                ticket_id=a.ticket_id,
                number=rows[a.ticket_id].number,
                department=directory.dept(rows[a.ticket_id].department_id).slug,
                deadline=a.deadline,
                due=a.due,
                working_time=a.working_time,
            )
            for category, a in chunk
        )
        out.append((chunk[0][0], alerts, sorted(a.key for _, a in chunk)))
    return out
