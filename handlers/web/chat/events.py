"""A visitor's events in the database (``webchat_event``), all in the caller's transaction.

:func:`append` bumps the visitor's ``last_seq`` with a conditional ``UPDATE`` (the row stays
locked until commit, so one visitor's events commit in the order of their ids on any number of
instances: a stream that has seen id N never misses an N-1 committed later), inserts the event
and, on PostgreSQL, ``pg_notify('webchat', visitor)`` (delivered to every listening instance
at commit, not before). :func:`after` reads what a stream has not sent yet.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.models import WebchatEvent, WebchatVisitor

__all__ = ["CHANNEL", "NOTIFY_CHANNEL", "after", "append", "delivered", "ensure_visitor"]

CHANNEL = "web"
NOTIFY_CHANNEL = "webchat"
PAGE = 200  # events per read


def _insert(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


async def ensure_visitor(session: AsyncSession, visitor: str, now: datetime) -> None:
    stmt = (
        _insert(session)(WebchatVisitor)
        .values(visitor_id=visitor, last_seq=0, created_at=now, updated_at=now)
        .on_conflict_do_nothing(index_elements=["visitor_id"])
    )
    await session.exec(stmt)


async def append(
    session: AsyncSession,
    visitor: str,
    payload: dict[str, Any],
    now: datetime,
    *,
    outbox_id: int | None = None,
) -> int:
    """Write one event to ``visitor``'s stream; returns its id (``seq``)."""
    await ensure_visitor(session, visitor, now)
    result = await session.exec(
        update(WebchatVisitor)
        .where(col(WebchatVisitor.visitor_id) == visitor)
        .values(last_seq=col(WebchatVisitor.last_seq) + 1, updated_at=now)
        .returning(col(WebchatVisitor.last_seq))
        .execution_options(synchronize_session=False)
    )
    seq = int(result.scalar_one())
    session.add(
        WebchatEvent(
            visitor_id=visitor, seq=seq, payload=payload, outbox_id=outbox_id, created_at=now
        )
    )
    await session.flush()
    if session.get_bind().dialect.name == "postgresql":
        await session.exec(  # type: ignore[call-overload]
            text("SELECT pg_notify(:channel, :visitor)"),
            params={"channel": NOTIFY_CHANNEL, "visitor": visitor},
        )
    return seq


async def delivered(session: AsyncSession, outbox_id: int) -> bool:
    """Whether the outbox row was written as an event before (a redelivery)."""
    stmt = select(WebchatEvent.id).where(col(WebchatEvent.outbox_id) == outbox_id)
    return (await session.exec(stmt)).first() is not None


async def after(
    session: AsyncSession, visitor: str, seq: int, limit: int = PAGE
) -> list[tuple[int, dict[str, Any]]]:
    """The visitor's events after ``seq``, oldest first."""
    stmt = (
        select(WebchatEvent.seq, WebchatEvent.payload)
        .where(col(WebchatEvent.visitor_id) == visitor, col(WebchatEvent.seq) > seq)
        .order_by(col(WebchatEvent.seq))
        .limit(limit)
    )
    return [(int(s), dict(p)) for s, p in (await session.exec(stmt)).all()]
