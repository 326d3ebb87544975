"""Building blocks for the scheduler tests: rows inserted directly, a Shanghai calendar."""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.notify import notifier_factory
from tests.support import people
from tickets.models import (
    Citizen,
    Department,
    Outbox,
    StaffMember,
    Ticket,
    TicketAlert,
    TicketEvent,
)
from tickets.notify import NotifierFactory
from tickets.sweeps import SweepContext, SweepPolicy
from tickets.worktime.calendar import WorkCalendar

TZ = ZoneInfo("Asia/Shanghai")
CAL = WorkCalendar(tz=TZ)
ADMINS = (9001, 9002)
_numbers = itertools.count(1)


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A local (Shanghai) wall-clock time. 2026-03-02 is a Monday, an ordinary working week."""
    return datetime(year, month, day, hour, minute, tzinfo=TZ)


def ctx_at(now: datetime, policy: SweepPolicy | None = None) -> SweepContext:
    policy = policy or SweepPolicy()
    return SweepContext(
        now=now,
        policy=policy,
        calendar=CAL,
        admin_chat_ids=ADMINS,
        notifiers=notifiers(policy.staff_lang),
    )


def notifiers(staff_lang: str = "zh") -> NotifierFactory:
    """The notifiers the service wires (no departments file: names from the database)."""
    return notifier_factory(None, TZ, staff_lang)


async def add_department(
    session: AsyncSession, slug: str, chat: int | None, head: int | None = None
) -> Department:
    dept = Department(
        slug=slug, name_zh=f"{slug}局", name_en=slug.title(), staff_chat_id=chat, head_user_id=head
    )
    session.add(dept)
    await session.flush()
    return dept


async def add_staff(
    session: AsyncSession, dept: Department, tg: int, role: str = "clerk"
) -> StaffMember:
    staff = StaffMember(
        telegram_user_id=tg, department_id=dept.id, role=role, display_name=f"s{tg}"
    )
    session.add(staff)
    await session.flush()
    return staff


async def add_citizen(session: AsyncSession, tg: int, lang: str = "zh") -> Citizen:
    return await people.add_citizen(session, tg, language=lang)


async def add_ticket(session: AsyncSession, dept: Department, **values: Any) -> Ticket:
    values.setdefault("number", f"2026-{next(_numbers):06d}")
    values.setdefault("text", "路灯坏了")
    values.setdefault("status", "new")
    ticket = Ticket(department_id=dept.id, **values)
    session.add(ticket)
    await session.flush()
    return ticket


async def outbox(session: AsyncSession) -> list[Outbox]:
    return list((await session.exec(select(Outbox).order_by(Outbox.id))).scalars().all())


async def alerts(session: AsyncSession) -> list[tuple[int, str, str]]:
    rows = await session.exec(
        select(TicketAlert.ticket_id, TicketAlert.deadline, TicketAlert.alert).order_by(
            TicketAlert.id
        )
    )
    return [tuple(r) for r in rows.all()]  # type: ignore[misc]


async def events(session: AsyncSession, kind: str | None = None) -> list[TicketEvent]:
    stmt = select(TicketEvent).order_by(TicketEvent.id)
    if kind is not None:
        stmt = stmt.where(TicketEvent.kind == kind)
    return list((await session.exec(stmt)).scalars().all())


def ticket_ids_in(row: Outbox) -> list[int]:
    """The ticket ids of the "open" buttons of a message."""
    ids = []
    for line in row.payload.get("reply_markup", {}).get("inline_keyboard", []):
        for b in line:
            ids.append(int(b["callback_data"].split(":")[2]))
    return ids
