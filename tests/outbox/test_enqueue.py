"""Queueing: rows live and die with the caller's transaction; dedupe keys are unique."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db import SessionFactory
from tickets.models import Outbox
from tickets.outbox import PENDING, SENDING, SENT, backlog, enqueue

from .conftest import START


async def _rows(session_factory: SessionFactory) -> list[Outbox]:
    async with session_factory() as session:
        result = await session.exec(select(Outbox).order_by(Outbox.id))  # type: ignore[call-overload]
        return list(result.scalars().all())


async def test_enqueue_commits_with_the_transaction(session_factory, make_sender, transport):
    async with session_factory() as session:
        row = await enqueue(
            session, 42, "sendMessage", payload={"text": "hello"}, ref="ticket:1", now=START
        )
        assert row is not None
        await session.commit()
    rows = await _rows(session_factory)
    assert len(rows) == 1
    assert rows[0].payload == {"text": "hello", "chat_id": 42}
    assert rows[0].status == PENDING
    assert rows[0].next_attempt_at == START
    assert rows[0].created_at == START

    assert await make_sender().run_once() == 1
    assert transport.sent_to(42) == ["hello"]


async def test_rolled_back_transaction_sends_nothing(session_factory, make_sender, transport):
    async with session_factory() as session:
        await enqueue(session, 42, "sendMessage", payload={"text": "never"}, now=START)
        await enqueue(
            session, 43, "sendMessage", payload={"text": "never"}, dedupe_key="k1", now=START
        )
        await session.rollback()
    assert await _rows(session_factory) == []
    assert await make_sender().run_once() == 0
    assert transport.calls == []
    # the rolled-back dedupe key is free again
    async with session_factory() as session:
        assert (
            await enqueue(session, 43, "sendMessage", payload={"text": "now"}, dedupe_key="k1")
            is not None
        )
        await session.commit()
    assert len(await _rows(session_factory)) == 1


async def test_payload_is_copied_not_mutated(session_factory):
    payload = {"text": "x"}
    async with session_factory() as session:
        await enqueue(session, 7, "sendMessage", payload=payload, now=START)
        await session.commit()
    assert payload == {"text": "x"}


async def test_dedupe_key_queues_once(session_factory):
    async with session_factory() as session:
        first = await enqueue(
            session, 1, "sendMessage", payload={"text": "a"}, dedupe_key="nag:1:response:1"
        )
        again = await enqueue(
            session, 1, "sendMessage", payload={"text": "b"}, dedupe_key="nag:1:response:1"
        )
        other = await enqueue(
            session, 1, "sendMessage", payload={"text": "c"}, dedupe_key="nag:1:response:2"
        )
        await session.commit()
    assert first is not None and first.id is not None
    assert again is None
    assert other is not None
    async with session_factory() as session:
        later = await enqueue(
            session, 1, "sendMessage", payload={"text": "d"}, dedupe_key="nag:1:response:1"
        )
        assert later is None
        await session.commit()
    rows = await _rows(session_factory)
    assert [r.payload["text"] for r in rows] == ["a", "c"]


async def test_dedupe_does_not_commit_the_callers_work_early(session_factory):
    """A SAVEPOINT opened before any write would commit on SQLite (pysqlite); the upsert
    path must keep everything inside the caller's transaction."""
    async with session_factory() as session:
        assert (
            await enqueue(session, 1, "sendMessage", payload={"text": "a"}, dedupe_key="only")
            is not None
        )
        await session.rollback()
    assert await _rows(session_factory) == []


async def test_concurrent_dedupe_on_separate_connections(session_factory, engine):
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one pooled connection: transactions never overlap")
    first = session_factory()
    second = session_factory()
    try:
        assert (
            await enqueue(first, 5, "sendMessage", payload={"text": "a"}, dedupe_key="race")
            is not None
        )
        # the second insert waits on the first transaction's unique index entry
        pending = asyncio.create_task(
            enqueue(second, 5, "sendMessage", payload={"text": "b"}, dedupe_key="race")
        )
        await asyncio.sleep(0.2)
        assert not pending.done()
        await first.commit()
        assert await asyncio.wait_for(pending, 5) is None
        await second.commit()
    finally:
        await first.close()
        await second.close()
    rows = await _rows(session_factory)
    assert [r.payload["text"] for r in rows] == ["a"]


async def test_not_before_delays_delivery(session_factory, make_sender, transport, clock):
    async with session_factory() as session:
        await enqueue(
            session,
            9,
            "sendMessage",
            payload={"text": "later"},
            not_before=START + timedelta(minutes=5),
            now=START,
        )
        await session.commit()
    sender = make_sender()
    assert await sender.run_once() == 0
    clock.advance(timedelta(minutes=5))
    assert await sender.run_once() == 1
    assert transport.sent_to(9) == ["later"]


async def test_overlong_ref_and_key_are_rejected(session_factory):
    async with session_factory() as session:
        with pytest.raises(ValueError, match="ref"):
            await enqueue(session, 1, "sendMessage", payload={}, ref="x" * 65)
        with pytest.raises(ValueError, match="dedupe_key"):
            await enqueue(session, 1, "sendMessage", payload={}, dedupe_key="x" * 129)


async def test_backlog_counts_pending_and_sending(session_factory, clock):
    async with session_factory() as session:
        for status in (PENDING, PENDING, SENDING, SENT, "failed"):
            session.add(
                Outbox(
                    method="sendMessage",
                    chat_id=1,
                    payload={},
                    status=status,
                    next_attempt_at=START,
                )
            )
        await session.commit()
    async with session_factory() as session:
        assert await backlog(session) == 3
        total = (await session.exec(select(func.count()).select_from(Outbox))).one()[0]  # type: ignore[call-overload]
        assert total == 5
