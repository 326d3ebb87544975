"""What the outbox keeps: transient rows go once delivered, the rest after the retention period."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import select

from bot.config import Settings
from bot.db import SessionFactory
from bot.outbox import PermanentFailure, RetryLater
from bot.scheduler import SweepScheduler
from tickets.models import Outbox, TicketMessage
from tickets.outbox import FAILED, PENDING, SENT, enqueue, prune
from tickets.sweeps import SweepPolicy
from tickets.worktime.calendar import WorkCalendar

from .conftest import START, WIDE_OPEN, make_ticket


async def _rows(session_factory: SessionFactory) -> list[Outbox]:
    async with session_factory() as session:
        result = await session.exec(select(Outbox).order_by(Outbox.id))  # type: ignore[call-overload]
        return list(result.scalars().all())


async def test_transient_rows_are_deleted_once_delivered_or_failed(
    session_factory, make_sender, transport, clock
):
    ticket_id = await make_ticket(session_factory)
    async with session_factory() as session:
        await enqueue(
            session, 1, "sendMessage", payload={"text": "erased"}, transient=True, now=START
        )
        await enqueue(
            session, 2, "sendMessage", payload={"text": "blocked"}, transient=True, now=START
        )
        await enqueue(
            session,
            3,
            "sendMessage",
            payload={"text": "t"},
            ref=f"ticket:{ticket_id}",
            transient=True,
            now=START,
        )
        await enqueue(session, 4, "sendMessage", payload={"text": "kept"}, now=START)
        await session.commit()
    transport.fail(PermanentFailure("403: Forbidden: bot was blocked by the user"), chat_id=2)
    transport.fail(RetryLater("502: Bad Gateway"), chat_id=1)
    outcomes: list[tuple[str, str]] = []
    sender = make_sender(
        limits=WIDE_OPEN, on_result=lambda row, kind: outcomes.append((row.payload["text"], kind))
    )
    assert await sender.run_once() == 4
    rows = await _rows(session_factory)
    # A retry keeps the transient row (it must still be delivered); the rest are gone.
    assert [(r.chat_id, r.status) for r in rows] == [(1, PENDING), (4, SENT)]
    clock.advance(timedelta(minutes=5))
    assert await sender.run_once() == 1
    assert [(r.chat_id, r.status) for r in await _rows(session_factory)] == [(4, SENT)]
    assert sorted(outcomes) == [
        ("blocked", "failed"),
        ("erased", "retry"),
        ("erased", "sent"),
        ("kept", "sent"),
        ("t", "sent"),
    ]
    assert transport.sent_to(1) == ["erased", "erased"]
    async with session_factory() as session:
        links = (await session.exec(select(TicketMessage))).all()  # type: ignore[call-overload]
    assert links == []  # a transient row runs no ref handler: nothing of it is kept


async def _delivered(session_factory: SessionFactory, days_ago: dict[str, int]) -> None:
    """Rows whose last attempt was ``days_ago`` days before START, by status."""
    async with session_factory() as session:
        for index, (status, days) in enumerate(days_ago.items()):
            at = START - timedelta(days=days)
            session.add(
                Outbox(
                    method="sendMessage",
                    chat_id=100 + index,
                    payload={"text": status},
                    status=status.split("-")[0],
                    created_at=at,
                    next_attempt_at=at,
                    sent_at=at if status.startswith(SENT) else None,
                )
            )
        await session.commit()


async def test_prune_deletes_sent_and_failed_rows_past_retention(session_factory):
    await _delivered(
        session_factory,
        {"sent-old": 31, "failed-old": 40, "pending-old": 45, "sent-new": 29, "failed-new": 1},
    )
    async with session_factory() as session:
        assert await prune(session, before=START - timedelta(days=30)) == 2
        await session.commit()
    left = [r.payload["text"] for r in await _rows(session_factory)]
    assert left == ["pending-old", "sent-new", "failed-new"]  # undelivered rows always stay


def _scheduler(session_factory: SessionFactory, clock, **settings) -> SweepScheduler:  # type: ignore[no-untyped-def]
    return SweepScheduler(
        session_factory,
        Settings(**settings),
        clock,
        WorkCalendar(),
        SweepPolicy(),
        prune_batch=2,
    )


async def test_scheduler_prunes_in_batches_with_the_retention_setting(session_factory, clock):
    await _delivered(session_factory, {f"{SENT}-{d}": d for d in (8, 9, 10, 11, 12, 3)})
    await _delivered(session_factory, {f"{FAILED}-{d}": d for d in (8, 2)})
    scheduler = _scheduler(session_factory, clock, outbox_retention_days=7)
    assert await scheduler.prune() == 6
    assert [r.payload["text"] for r in await _rows(session_factory)] == ["sent-3", "failed-2"]
    assert await scheduler.prune() == 0
    clock.advance(timedelta(days=4, hours=1))  # sent-3 is now 7 days old, failed-2 not yet
    assert await scheduler.prune() == 1
    assert [r.payload["text"] for r in await _rows(session_factory)] == ["failed-2"]


async def test_default_retention_is_30_days_and_instances_may_prune_together(
    session_factory, clock
):
    assert Settings().outbox_retention_days == 30
    await _delivered(session_factory, {f"{SENT}-{d}": d for d in range(31, 41)})
    await _delivered(session_factory, {f"{SENT}-{d}": d for d in (29, 5)})
    one, two = _scheduler(session_factory, clock), _scheduler(session_factory, clock)
    deleted = await asyncio.gather(one.prune(), two.prune())
    assert sum(deleted) == 10
    assert [r.payload["text"] for r in await _rows(session_factory)] == ["sent-29", "sent-5"]
