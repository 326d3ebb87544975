"""One sender per channel: each claims only its own channel's rows, keeps each address's order,
hands a whole row to a row transport, and runs its failure handler on permanent failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.db import SessionFactory
from bot.outbox import PermanentFailure, RetryLater
from tickets.models import Outbox
from tickets.outbox import FAILED, PENDING, SENT, enqueue

from .conftest import START, WIDE_OPEN


@dataclass
class RowTransport:
    rows: list[tuple[str | None, str]] = field(default_factory=list)
    failures: list[BaseException] = field(default_factory=list)

    async def deliver(self, row: Outbox) -> Any:
        self.rows.append((row.address, str(row.payload.get("text"))))
        if self.failures:
            raise self.failures.pop(0)
        return {"errcode": 0}


async def _queue_mixed(session_factory: SessionFactory) -> None:
    async with session_factory() as session:
        await enqueue(session, 11, "sendMessage", {"text": "tg"}, now=START)
        for address, text in (("oA", "a1"), ("oB", "b1"), ("oA", "a2")):
            await enqueue(
                session, None, "message", {"text": text}, channel="wechat", address=address,
                now=START,
            )  # fmt: skip
        await session.commit()


async def _statuses(session_factory: SessionFactory) -> dict[str, str]:
    async with session_factory() as session:
        rows = (await session.exec(select(Outbox).order_by(Outbox.id))).scalars().all()  # type: ignore[call-overload]
        return {str(r.payload.get("text")): r.status for r in rows}


async def test_the_telegram_sender_leaves_other_channels_rows_alone(
    session_factory, make_sender, transport
):
    await _queue_mixed(session_factory)
    sender = make_sender(limits=WIDE_OPEN)
    while await sender.run_once():
        pass
    assert [c.payload["text"] for c in transport.calls] == ["tg"]
    assert await _statuses(session_factory) == {
        "tg": SENT,
        "a1": PENDING,
        "b1": PENDING,
        "a2": PENDING,
    }


async def test_a_channel_sender_keeps_each_address_in_order(session_factory, make_sender):
    await _queue_mixed(session_factory)
    rows = RowTransport(failures=[RetryLater("busy")])
    sender = make_sender(transport=rows, channel="wechat", limits=WIDE_OPEN)
    assert await sender.run_once() == 2  # a1 (fails, retried later) and b1: not a2 behind a1
    assert sorted(rows.rows) == [("oA", "a1"), ("oB", "b1")]
    statuses = await _statuses(session_factory)
    assert statuses == {"tg": PENDING, "a1": PENDING, "b1": SENT, "a2": PENDING}


async def test_a_permanent_failure_runs_the_failure_handler(session_factory, make_sender):
    await _queue_mixed(session_factory)
    failed: list[tuple[str, str]] = []

    async def on_failed(session: AsyncSession, row: Outbox, error: str) -> None:
        failed.append((str(row.payload["text"]), error))

    rows = RowTransport(failures=[PermanentFailure("outside the 48-hour window")])
    sender = make_sender(transport=rows, channel="wechat", limits=WIDE_OPEN, on_failed=on_failed)
    while await sender.run_once():
        pass
    assert failed == [("a1", "outside the 48-hour window")]
    statuses = await _statuses(session_factory)
    assert statuses == {"tg": PENDING, "a1": FAILED, "b1": SENT, "a2": SENT}
