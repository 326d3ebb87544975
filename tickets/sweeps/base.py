"""What every sweep shares: its context, its result, exactly-once claims and the directory.

Exactly-once: a sweep inserts one :class:`~tickets.models.TicketAlert` (or
:class:`~tickets.models.SchedulerMark`) per thing it sends with ``INSERT ... ON CONFLICT DO
NOTHING RETURNING``, in the same transaction as the outbox rows and audit events. Only the rows
the insert returns are acted upon; a concurrent instance that computed the same alerts gets
nothing back (on PostgreSQL its insert waits for the first transaction and then skips), so any
number of instances queue every message exactly once. Outbox rows carry a ``dedupe_key`` too.

What the sweeps tell people are events (:mod:`tickets.notify`) published through the notifier
the context gives (:meth:`SweepContext.notifier`); the sweeps build no message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.clock import ensure_utc
from tickets.models import SchedulerMark, StaffMember, TicketAlert, TicketEvent
from tickets.notify import Notifier, NotifierFactory, Queued, ToStaff
from tickets.people.directory import Team, load_teams
from tickets.sweeps.policy import SweepPolicy
from tickets.worktime.calendar import WorkCalendar

__all__ = [
    "AlertKey",
    "DeptInfo",
    "Directory",
    "QueuedMessage",
    "SweepContext",
    "SweepResult",
    "add_events",
    "claim_alerts",
    "claim_mark",
    "dedupe_key",
    "is_postgres",
]

AlertKey = tuple[int, str, str]  # (ticket_id, deadline, alert)


@dataclass(frozen=True)
class SweepContext:
    """Everything a sweep needs besides the session: the moment, the rules, the calendar, the
    administrators, and how to tell people (``notifiers``: a notifier for a session)."""

    now: datetime
    policy: SweepPolicy
    calendar: WorkCalendar
    admin_chat_ids: tuple[int, ...] = ()
    # The live FAQ entries (faq.models.Entry) for the weekly freshness notice; None: no FAQ.
    faq_entries: tuple[Any, ...] | None = None
    faq_review_days: int = 365
    notifiers: NotifierFactory | None = None
    # Announcements (tickets.announce.AnnounceSetup): topics, sending hours, batch sizes; None:
    # the announcements sweep does nothing.
    announce: Any = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "now", ensure_utc(self.now))

    def notifier(self, session: AsyncSession) -> Notifier:
        if self.notifiers is None:
            raise RuntimeError("this sweep context has no notifiers: it cannot queue messages")
        return self.notifiers(session)

    @property
    def day_length(self) -> timedelta:
        """Working time of a normal working day (for "2 working days 3 h")."""
        total = timedelta(0)
        for start, end in self.calendar.periods:
            total += datetime.combine(datetime.min, end) - datetime.combine(datetime.min, start)
        return total

    def may_send(self, at: datetime | None = None) -> bool:
        """May messages to staff go out now? Always, unless quiet hours are on and ``at`` is
        neither working time nor within ``quiet_grace`` after it."""
        at = self.now if at is None else at
        if not self.policy.quiet_hours or self.calendar.is_working_time(at):
            return True
        grace = self.policy.quiet_grace
        return grace > timedelta(0) and self.calendar.working_time_between(
            at - grace, at
        ) > timedelta(0)


QueuedMessage = Queued  # a snapshot of a queued outbox row (readable after a dry run)


@dataclass
class SweepResult:
    """What one sweep did: ``count`` things (tickets, digests) and the outbox rows it queued."""

    name: str
    count: int = 0
    verb: str = "queued"
    messages: list[QueuedMessage] = field(default_factory=list)
    details: dict[str, int] = field(default_factory=dict)
    note: str = ""

    def merge(self, other: SweepResult) -> None:
        self.count += other.count
        self.messages.extend(other.messages)
        for key, value in other.details.items():
            self.details[key] = self.details.get(key, 0) + value
        self.note = other.note or self.note

    def summary(self) -> str:
        """``reminders: 3 queued`` (plus details such as message counts)."""
        extra = [f"{v} {k}" for k, v in self.details.items() if v]
        if self.messages:
            n = len(self.messages)
            extra.append(f"{n} message{'s' if n != 1 else ''}")
        if self.note:
            extra.append(self.note)
        tail = f" ({', '.join(extra)})" if extra else ""
        return f"{self.name}: {self.count} {self.verb}{tail}"


def is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _insert(session: AsyncSession) -> Any:
    return pg_insert if is_postgres(session) else sqlite_insert


async def claim_alerts(
    session: AsyncSession, keys: Sequence[AlertKey], now: datetime
) -> set[AlertKey]:
    """Insert the alerts; return the ones this transaction created (the others exist already)."""
    won: set[AlertKey] = set()
    if not keys:
        return won
    table = TicketAlert.__table__  # type: ignore[attr-defined]
    ordered = sorted(set(keys))  # one lock order for every instance: no deadlocks
    for i in range(0, len(ordered), 1000):
        chunk = ordered[i : i + 1000]
        stmt = (
            _insert(session)(table)
            .values(
                [
                    {"ticket_id": t, "deadline": d, "alert": a, "created_at": now}
                    for t, d, a in chunk
                ]
            )
            .on_conflict_do_nothing(index_elements=["ticket_id", "deadline", "alert"])
            .returning(table.c.ticket_id, table.c.deadline, table.c.alert)
        )
        rows = (await session.exec(stmt)).all()
        won.update((int(r[0]), str(r[1]), str(r[2])) for r in rows)
    return won


async def claim_mark(session: AsyncSession, key: str, now: datetime) -> bool:
    """Record a once-only job (a digest, a weekly summary); False when already done."""
    table = SchedulerMark.__table__  # type: ignore[attr-defined]
    stmt = (
        _insert(session)(table)
        .values(key=key, created_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(table.c.key)
    )
    return (await session.exec(stmt)).first() is not None


async def marks_done(session: AsyncSession, keys: Iterable[str]) -> set[str]:
    keys = list(keys)
    if not keys:
        return set()
    stmt = select(SchedulerMark.key).where(SchedulerMark.key.in_(keys))  # type: ignore[attr-defined]
    return {str(r[0]) for r in (await session.exec(stmt)).all()}


async def add_events(session: AsyncSession, events: list[dict[str, Any]]) -> None:
    """Append audit events (dicts with ticket_id, at, kind, data) as the system actor."""
    if not events:
        return
    rows = [{"actor_kind": "system", "actor_id": None, **e} for e in events]
    await session.exec(insert(TicketEvent.__table__), params=rows)  # type: ignore[attr-defined]


def dedupe_key(key: str) -> str:
    """An outbox dedupe key within the column's size (a long one is hashed)."""
    if len(key) > 120:
        key = key[:80] + ":" + hashlib.sha1(key.encode()).hexdigest()[:32]
    return key


# --- who gets what ------------------------------------------------------------------------


DeptInfo = Team  # a department's contacts, as the directory has them


class Directory:
    """Departments (with their heads and clerks), the private chats of assignees and the
    staff's own languages, loaded once a round. Who gets what is
    :meth:`tickets.people.directory.Team.route`, the rule the ticket service follows too."""

    def __init__(
        self,
        departments: dict[int, Team],
        staff_chats: dict[int, int],
        languages: dict[int, str] | None = None,
    ) -> None:
        self.departments = departments
        self.staff_chats = staff_chats
        self.languages = languages or {}  # Telegram user id -> their own language

    @classmethod
    async def load(cls, session: AsyncSession) -> Directory:
        staff_chats: dict[int, int] = {}
        languages: dict[int, str] = {}
        stmt = select(StaffMember.id, StaffMember.telegram_user_id, StaffMember.language).where(
            StaffMember.active.is_(True)  # type: ignore[attr-defined]
        )
        for sid, tg, lang in (await session.exec(stmt)).all():
            staff_chats[int(sid)] = int(tg)
            if lang:
                languages[int(tg)] = str(lang)
        return cls(await load_teams(session), staff_chats, languages)

    def person(self, user_id: int) -> ToStaff:
        """An administrator's (or any person's) private chat, with their language if known."""
        return ToStaff(user_id, user_id, self.languages.get(user_id))

    def dept(self, dept_id: int) -> Team:
        info = self.departments.get(dept_id)
        if info is None:
            return Team(dept_id, str(dept_id), f"部门{dept_id}", f"department {dept_id}", None)
        return info
