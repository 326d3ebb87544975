"""Helpers shared by the ticket tests."""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tests.support.config import SHANGHAI, sh
from tests.support.outbox import callbacks, outbox_rows
from tickets.models import TicketEvent

__all__ = ["SHANGHAI", "callbacks", "events", "last_outbox_id", "outbox_rows", "sh"]


async def last_outbox_id(session: AsyncSession) -> int:
    rows = await outbox_rows(session)
    return rows[-1].id if rows else 0  # type: ignore[return-value]


async def events(session: AsyncSession, ticket_id: int) -> list[TicketEvent]:
    stmt = (
        select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(col(TicketEvent.id))
    )
    return list((await session.exec(stmt)).all())
