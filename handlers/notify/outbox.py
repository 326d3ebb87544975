"""The one outbox writer: every row anyone queues (the notifier's, the handlers' ``Outgoing``,
the service's start-up messages) goes through :func:`write`.

It queues the row in the caller's transaction (:func:`tickets.outbox.enqueue`) and counts it on
the session (:func:`queued_in`), so whoever commits knows whether to wake the sender: the update
processor wakes it after an update whose handler *or* ticket service queued anything, the sweep
runner after a round that queued anything.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.notify import Queued
from tickets.outbox import enqueue

__all__ = ["queued_in", "write"]

_COUNT = "citizen_desk.outbox_queued"


async def write(
    session: AsyncSession,
    chat_id: int | None,
    method: str,
    payload: dict[str, Any],
    *,
    ref: str | None = None,
    dedupe_key: str | None = None,
    not_before: datetime | None = None,
    now: datetime | None = None,
    citizen_id: int | None = None,
    transient: bool = False,
    channel: str = "telegram",
    address: str | None = None,
    priority: int = 0,
) -> Queued | None:
    """Queue one row (see :func:`tickets.outbox.enqueue`); None when its ``dedupe_key`` was
    queued before. Counted for :func:`queued_in`."""
    row = await enqueue(
        session,
        chat_id,
        method,
        payload,
        ref=ref,
        dedupe_key=dedupe_key,
        not_before=not_before,
        now=now,
        citizen_id=citizen_id,
        transient=transient,
        channel=channel,
        address=address,
        priority=priority,
    )
    if row is None:
        return None
    info = session.info
    info[_COUNT] = info.get(_COUNT, 0) + 1
    return Queued(
        row.id, row.channel, row.address, row.chat_id, row.method, row.payload, row.dedupe_key
    )


def queued_in(session: AsyncSession) -> int:
    """How many rows :func:`write` queued in this session (its transactions so far)."""
    return int(session.info.get(_COUNT, 0))
