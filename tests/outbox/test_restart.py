"""Restarts and several senders against one database (SQLite file and PostgreSQL)."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot.db import SessionFactory, create_engine, create_session_factory
from bot.outbox import OutboxSender, PermanentFailure, RetryLater
from tickets.models import Outbox
from tickets.outbox import FAILED, PENDING, SENDING, SENT, backlog, enqueue

from .conftest import SECOND, START, WIDE_OPEN, FakeTransport


async def _rows(session_factory: SessionFactory) -> list[Outbox]:
    async with session_factory() as session:
        result = await session.exec(select(Outbox).order_by(Outbox.id))  # type: ignore[call-overload]
        return list(result.scalars().all())


async def test_new_sender_delivers_what_the_old_one_left(session_factory, clock, transport):
    async with session_factory() as session:
        for i in range(3):
            await enqueue(session, 100 + i, "sendMessage", payload={"text": f"t{i}"}, now=START)
        await session.commit()
    old = OutboxSender(session_factory, FakeTransport(clock), clock=clock)
    await old.start()
    await old.stop()  # a deploy: the old process is gone, its first round may have run

    fresh = OutboxSender(session_factory, transport, clock=clock, instance_id="fresh")
    while await fresh.run_once():
        pass
    rows = await _rows(session_factory)
    assert all(r.status == SENT for r in rows)
    assert len(transport.calls) + len(old._transport.calls) == 3  # type: ignore[attr-defined]


async def test_expired_sending_lease_is_claimed_again(session_factory, clock, transport):
    async with session_factory() as session:
        # died mid-send a minute ago, and one whose claim is still valid
        session.add(
            Outbox(
                method="sendMessage",
                chat_id=1,
                payload={"chat_id": 1, "text": "orphan"},
                status=SENDING,
                attempts=1,
                claimed_until=START - timedelta(seconds=1),
                next_attempt_at=START - timedelta(minutes=2),
            )
        )
        session.add(
            Outbox(
                method="sendMessage",
                chat_id=2,
                payload={"chat_id": 2, "text": "busy"},
                status=SENDING,
                attempts=1,
                claimed_until=START + timedelta(seconds=30),
                next_attempt_at=START - timedelta(minutes=2),
            )
        )
        await session.commit()
    sender = OutboxSender(session_factory, transport, clock=clock)
    assert await sender.run_once() == 1
    assert transport.sent_to(1) == ["orphan"]
    assert transport.sent_to(2) == []
    async with session_factory() as session:
        assert await backlog(session) == 1
    clock.advance(timedelta(seconds=31))
    assert await sender.run_once() == 1
    rows = await _rows(session_factory)
    assert [(r.status, r.attempts) for r in rows] == [(SENT, 2), (SENT, 2)]


async def test_process_dying_every_time_ends_failed(session_factory, clock, transport):
    async with session_factory() as session:
        session.add(
            Outbox(
                method="sendMessage",
                chat_id=1,
                payload={"chat_id": 1, "text": "poison"},
                status=SENDING,
                attempts=3,
                claimed_until=START - timedelta(seconds=1),
                last_error=None,
            )
        )
        await session.commit()
    sender = OutboxSender(session_factory, transport, clock=clock, max_attempts=3)
    assert await sender.run_once() == 1
    (row,) = await _rows(session_factory)
    assert row.status == FAILED
    assert row.last_error == "gave up after 3 attempts: delivery interrupted"
    assert transport.calls == []


async def test_late_result_after_lost_lease_is_not_recorded(session_factory, clock):
    async with session_factory() as session:
        await enqueue(session, 1, "sendMessage", payload={"text": "slow"}, now=START)
        await session.commit()
    slow = FakeTransport(clock, hold=asyncio.Event())
    fast = FakeTransport(clock)
    a = OutboxSender(session_factory, slow, clock=clock, lease=timedelta(seconds=10))
    b = OutboxSender(session_factory, fast, clock=clock, lease=timedelta(seconds=10))
    first = asyncio.create_task(a.run_once())
    await asyncio.wait_for(slow.called.wait(), 5)
    clock.advance(timedelta(seconds=11))
    assert await b.run_once() == 1
    assert slow.hold is not None
    slow.hold.set()
    await first
    (row,) = await _rows(session_factory)
    assert row.status == SENT
    assert row.message_id == 1001  # b's message; a's late answer did not overwrite it
    assert row.attempts == 2


async def test_two_senders_deliver_each_row_exactly_once(db_url, session_factory, clock):
    chats = [10 + i for i in range(40)]
    async with session_factory() as session:
        for n in range(5):
            for chat in chats:
                await enqueue(
                    session, chat, "sendMessage", payload={"text": f"{chat}:{n}"}, now=START
                )
        await session.commit()

    shared = FakeTransport(clock)
    other_engine = create_engine(db_url)  # a second instance: its own engine and pool
    try:
        senders = [
            OutboxSender(session_factory, shared, clock=clock, limits=WIDE_OPEN, batch_size=25),
            OutboxSender(
                create_session_factory(other_engine),
                shared,
                clock=clock,
                limits=WIDE_OPEN,
                batch_size=25,
            ),
        ]

        async def drain(sender: OutboxSender) -> int:
            handled = 0
            for _ in range(200):
                n = await sender.run_once()
                handled += n
                if n == 0:
                    async with session_factory() as session:
                        if await backlog(session) == 0:
                            break
                    await asyncio.sleep(0.005)
            return handled

        counts = await asyncio.gather(*(drain(s) for s in senders))
    finally:
        await other_engine.dispose()

    texts = [c.payload["text"] for c in shared.calls]
    assert len(texts) == 200
    assert Counter(texts).most_common(1)[0][1] == 1  # nobody got a message twice
    assert sum(counts) == 200
    for chat in chats:
        assert shared.sent_to(chat) == [f"{chat}:{n}" for n in range(5)]
    rows = await _rows(session_factory)
    assert {r.status for r in rows} == {SENT}
    assert {r.attempts for r in rows} == {1}
    if session_factory.kw["bind"].dialect.name == "postgresql":
        assert min(counts) > 0  # both really worked


async def test_backlog_after_failures_and_retries(session_factory, clock):
    transport = FakeTransport(clock)
    transport.fail(PermanentFailure("403: Forbidden"), chat_id=1)
    transport.fail(RetryLater("503"), chat_id=2)
    async with session_factory() as session:
        for chat in (1, 2, 3):
            await enqueue(session, chat, "sendMessage", payload={"text": "x"}, now=START)
        await session.commit()
    sender = OutboxSender(session_factory, transport, clock=clock)
    assert await sender.run_once() == 3
    rows = await _rows(session_factory)
    assert [r.status for r in rows] == [FAILED, PENDING, SENT]
    async with session_factory() as session:
        assert await backlog(session) == 1


async def test_a_killed_senders_rows_go_out_within_seconds_in_order(session_factory, clock):
    async with session_factory() as session:
        for text in ("in flight when killed", "next", "last"):
            await enqueue(session, 7, "sendMessage", payload={"text": text}, now=START)
        await session.commit()
    dying = FakeTransport(clock, hold=asyncio.Event())  # never answers: killed mid-send
    old = OutboxSender(session_factory, dying, clock=clock, limits=WIDE_OPEN)
    killed = asyncio.create_task(old.run_once())
    await asyncio.wait_for(dying.called.wait(), 5)
    killed.cancel()  # kill -9: nothing after the call is recorded, the lease is not renewed
    with contextlib.suppress(asyncio.CancelledError):
        await killed
    (orphan, *_) = await _rows(session_factory)
    assert orphan.status == SENDING
    assert orphan.claimed_until is not None and orphan.claimed_until <= START + 5 * SECOND

    transport = FakeTransport(clock)
    fresh = OutboxSender(session_factory, transport, clock=clock, limits=WIDE_OPEN)
    clock.advance(4 * SECOND)  # the lease may still be held by a live sender: wait for it
    assert await fresh.run_once() == 0
    clock.advance(2 * SECOND)  # seconds after the crash, not a minute
    while await fresh.run_once():
        pass
    # at-least-once: the interrupted message goes out again, and the chat's queue moves on
    assert transport.sent_to(7) == ["in flight when killed", "next", "last"]
    assert [r.status for r in await _rows(session_factory)] == [SENT, SENT, SENT]


async def test_a_live_sender_keeps_its_rows_through_a_long_call(session_factory, clock):
    async with session_factory() as session:
        await enqueue(session, 8, "sendMessage", payload={"text": "slow upload"}, now=START)
        await session.commit()
    slow = FakeTransport(clock, hold=asyncio.Event())
    live = OutboxSender(session_factory, slow, clock=clock, renew_every=0.01)
    other = FakeTransport(clock)
    rival = OutboxSender(session_factory, other, clock=clock)
    sending = asyncio.create_task(live.run_once())
    await asyncio.wait_for(slow.called.wait(), 5)
    for step in range(1, 7):  # the call takes 30 s by the clock, six leases
        clock.advance(5 * SECOND)
        for _ in range(500):  # the heartbeat moves the lease on
            (row,) = await _rows(session_factory)
            if row.claimed_until is not None and row.claimed_until > START + step * 5 * SECOND:
                break
            await asyncio.sleep(0.01)
        assert await rival.run_once() == 0
    assert slow.hold is not None
    slow.hold.set()
    assert await sending == 1
    (row,) = await _rows(session_factory)
    assert (row.status, row.attempts, row.message_id) == (SENT, 1, 1001)
    assert other.calls == [] and len(slow.calls) == 1  # sent once
