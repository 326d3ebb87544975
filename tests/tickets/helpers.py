"""Helpers shared by the ticket tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.models import Outbox, TicketEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given in Shanghai local time."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


async def outbox_rows(session: AsyncSession, after_id: int = 0) -> list[Outbox]:
    stmt = select(Outbox).where(col(Outbox.id) > after_id).order_by(col(Outbox.id))
    return list((await session.exec(stmt)).all())


async def last_outbox_id(session: AsyncSession) -> int:
    rows = await outbox_rows(session)
    return rows[-1].id if rows else 0  # type: ignore[return-value]


async def events(session: AsyncSession, ticket_id: int) -> list[TicketEvent]:
    stmt = (
        select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(col(TicketEvent.id))
    )
    return list((await session.exec(stmt)).all())


def callbacks(row: Outbox) -> list[str]:
    markup: dict[str, Any] = row.payload.get("reply_markup") or {}
    return [b["callback_data"] for line in markup.get("inline_keyboard", []) for b in line]
