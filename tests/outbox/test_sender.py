"""Delivery with a fake transport and a fixed clock: order, limits, retries, failures, refs."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from bot.db import SessionFactory
from bot.outbox import Backoff, PermanentFailure, Rate, RateLimiter, RateLimits, RetryLater
from tickets.models import Outbox, TicketMessage
from tickets.outbox import FAILED, PENDING, SENT, enqueue

from .conftest import START, WIDE_OPEN, Call, make_ticket


async def _queue(session_factory: SessionFactory, *items: tuple[int, str], **kw) -> None:  # type: ignore[no-untyped-def]
    async with session_factory() as session:
        for chat_id, text in items:
            await enqueue(session, chat_id, "sendMessage", payload={"text": text}, now=START, **kw)
        await session.commit()


async def _rows(session_factory: SessionFactory) -> list[Outbox]:
    async with session_factory() as session:
        result = await session.exec(select(Outbox).order_by(Outbox.id))  # type: ignore[call-overload]
        return list(result.scalars().all())


async def _drive(sender, clock, step: timedelta, until: timedelta) -> None:  # type: ignore[no-untyped-def]
    """Run a round at every ``step`` of simulated time for ``until``."""
    end = clock.now() + until
    while clock.now() <= end:
        while await sender.run_once():
            pass
        clock.advance(step)


def _max_in_window(calls: list[Call], window: timedelta) -> int:
    times = sorted(c.at for c in calls)
    best = 0
    j = 0
    for i, t in enumerate(times):
        while times[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


async def test_same_chat_in_creation_order(session_factory, make_sender, transport, clock):
    await _queue(session_factory, (1, "a1"), (2, "b1"), (1, "a2"), (2, "b2"), (1, "a3"))
    await _drive(make_sender(), clock, timedelta(milliseconds=250), timedelta(seconds=5))
    assert transport.sent_to(1) == ["a1", "a2", "a3"]
    assert transport.sent_to(2) == ["b1", "b2"]
    assert all(r.status == SENT for r in await _rows(session_factory))


async def test_a_retry_holds_back_the_rest_of_its_chat(
    session_factory, make_sender, transport, clock
):
    transport.fail(RetryLater("500: Internal Server Error"), chat_id=1)
    await _queue(session_factory, (1, "first"), (1, "second"), (2, "other"))
    sender = make_sender(limits=WIDE_OPEN, backoff=Backoff(base=10, jitter=0))
    assert await sender.run_once() == 2  # first (fails) and other
    clock.advance(timedelta(seconds=9))
    assert await sender.run_once() == 0  # second must wait for first
    clock.advance(timedelta(seconds=1))
    assert await sender.run_once() == 1
    assert await sender.run_once() == 1
    assert transport.sent_to(1) == ["first", "first", "second"]


async def test_permanent_failure_does_not_block_the_chat(session_factory, make_sender, transport):
    transport.fail(PermanentFailure("400: Bad Request: can't parse entities"), chat_id=1)
    await _queue(session_factory, (1, "broken"), (1, "fine"))
    sender = make_sender(limits=WIDE_OPEN)
    assert await sender.run_once() == 1
    assert await sender.run_once() == 1
    rows = await _rows(session_factory)
    assert [(r.status, r.last_error) for r in rows] == [
        (FAILED, "400: Bad Request: can't parse entities"),
        (SENT, None),
    ]


async def test_per_chat_limit_one_per_second(session_factory, make_sender, transport, clock):
    await _queue(session_factory, *[(5, f"m{i}") for i in range(5)])
    sender = make_sender()
    await _drive(sender, clock, timedelta(milliseconds=100), timedelta(seconds=6))
    assert transport.sent_to(5) == [f"m{i}" for i in range(5)]
    assert _max_in_window(transport.calls, timedelta(seconds=1)) == 1
    gaps = [(b.at - a.at) for a, b in zip(transport.calls, transport.calls[1:], strict=False)]
    assert min(gaps) >= timedelta(seconds=1)
    # the deferral did not use up attempts
    assert {r.attempts for r in await _rows(session_factory)} == {1}


async def test_group_limit_twenty_per_minute(session_factory, make_sender, transport, clock):
    group = -1001234567890
    await _queue(session_factory, *[(group, f"g{i}") for i in range(45)])
    sender = make_sender()
    await _drive(sender, clock, timedelta(seconds=1), timedelta(minutes=3))
    assert transport.sent_to(group) == [f"g{i}" for i in range(45)]
    assert _max_in_window(transport.calls, timedelta(minutes=1)) == 20
    assert _max_in_window(transport.calls, timedelta(seconds=1)) == 1


async def test_overall_limit_thirty_per_second(session_factory, make_sender, transport, clock):
    await _queue(session_factory, *[(10_000 + i, "x") for i in range(100)])
    sender = make_sender(batch_size=50)
    await _drive(sender, clock, timedelta(milliseconds=100), timedelta(seconds=5))
    assert len(transport.calls) == 100
    assert len({c.chat_id for c in transport.calls}) == 100
    assert _max_in_window(transport.calls, timedelta(seconds=1)) == 30
    per_second = Counter(int((c.at - START).total_seconds()) for c in transport.calls)
    assert per_second == {0: 30, 1: 30, 2: 30, 3: 10}


async def test_custom_limits(session_factory, make_sender, transport, clock):
    limits = RateLimits(overall=Rate(2, timedelta(seconds=1)))
    await _queue(session_factory, *[(i, "x") for i in range(1, 7)])
    sender = make_sender(limits=limits)
    assert await sender.run_once() == 2
    assert await sender.run_once() == 0
    clock.advance(timedelta(seconds=1))
    assert await sender.run_once() == 2


async def test_429_waits_for_retry_after(session_factory, make_sender, transport, clock):
    transport.fail(RetryLater("429: Too Many Requests", retry_after=5, consume_attempt=False))
    await _queue(session_factory, (1, "hi"))
    results: list[tuple[int | None, str]] = []
    sender = make_sender(on_result=lambda row, outcome: results.append((row.id, outcome)))
    assert await sender.run_once() == 1
    (row,) = await _rows(session_factory)
    assert row.status == PENDING
    assert row.next_attempt_at == START + timedelta(seconds=5)
    assert row.attempts == 0  # flood control is not the message's fault
    assert "429" in (row.last_error or "")
    clock.advance(timedelta(seconds=4.9))
    assert await sender.run_once() == 0
    clock.advance(timedelta(seconds=0.1))
    assert await sender.run_once() == 1
    assert [c.at - START for c in transport.calls] == [timedelta(0), timedelta(seconds=5)]
    assert results == [(row.id, "retry"), (row.id, "sent")]


async def test_5xx_backs_off_exponentially(session_factory, make_sender, transport, clock):
    transport.fail(*[RetryLater("500: Internal Server Error") for _ in range(3)])
    await _queue(session_factory, (1, "hi"))
    sender = make_sender(backoff=Backoff(base=2, cap=5, jitter=0.5), rng=random.Random(7))
    delays = []
    for expected_raw in (2, 4, 5):  # base * 2**(n-1), capped at 5
        assert await sender.run_once() == 1
        (row,) = await _rows(session_factory)
        delay = row.next_attempt_at - clock.now()
        assert timedelta(seconds=expected_raw / 2) <= delay <= timedelta(seconds=expected_raw)
        delays.append(delay)
        clock.advance(delay - timedelta(milliseconds=1))
        assert await sender.run_once() == 0  # not before
        clock.advance(timedelta(milliseconds=1))
    assert await sender.run_once() == 1
    (row,) = await _rows(session_factory)
    assert row.status == SENT
    assert row.attempts == 4
    assert len(transport.calls) == 4


async def test_403_is_recorded_as_failed(session_factory, make_sender, transport, clock):
    transport.fail(PermanentFailure("403: Forbidden: bot was blocked by the user"))
    await _queue(session_factory, (1, "hi"))
    results: list[str] = []
    sender = make_sender(on_result=lambda row, outcome: results.append(outcome))
    assert await sender.run_once() == 1
    (row,) = await _rows(session_factory)
    assert row.status == FAILED
    assert row.last_error == "403: Forbidden: bot was blocked by the user"
    assert row.sent_at is None
    clock.advance(timedelta(days=1))
    assert await sender.run_once() == 0
    assert len(transport.calls) == 1
    assert results == ["failed"]


async def test_max_attempts_then_failed(session_factory, make_sender, transport, clock):
    transport.fail(*[RetryLater(f"502: Bad Gateway #{i}") for i in range(10)])
    await _queue(session_factory, (1, "hi"))
    sender = make_sender(max_attempts=3, backoff=Backoff(base=1, jitter=0))
    outcomes: list[str] = []
    sender._on_result = lambda row, outcome: outcomes.append(outcome)
    for _ in range(10):
        await sender.run_once()
        clock.advance(timedelta(minutes=1))
    (row,) = await _rows(session_factory)
    assert row.status == FAILED
    assert row.attempts == 3
    assert row.last_error == "gave up after 3 attempts: retry: 502: Bad Gateway #2"
    assert len(transport.calls) == 3
    assert outcomes == ["retry", "retry", "failed"]


async def test_unexpected_transport_error_is_retried(session_factory, make_sender, transport):
    transport.fail(RuntimeError("bug in transport"))
    await _queue(session_factory, (1, "hi"))
    sender = make_sender()
    assert await sender.run_once() == 1
    (row,) = await _rows(session_factory)
    assert row.status == PENDING
    assert row.last_error == "RuntimeError: bug in transport"


async def test_hung_transport_times_out_and_retries(session_factory, make_sender, transport):
    transport.hold = asyncio.Event()  # never released
    await _queue(session_factory, (1, "hi"))
    sender = make_sender(call_timeout=0.05)
    assert await sender.run_once() == 1
    (row,) = await _rows(session_factory)
    assert row.status == PENDING
    assert row.last_error == "timeout after 0.05s"
    assert row.claimed_until is None


async def test_ticket_ref_links_the_sent_message(session_factory, make_sender, transport):
    ticket_id = await make_ticket(session_factory)
    async with session_factory() as session:
        await enqueue(
            session,
            -100,
            "sendMessage",
            payload={"text": "new ticket"},
            ref=f"ticket:{ticket_id}",
            now=START,
        )
        await enqueue(session, 77, "sendMessage", payload={"text": "no ref"}, now=START)
        await session.commit()
    assert await make_sender().run_once() == 2
    rows = await _rows(session_factory)
    assert [r.message_id for r in rows] == [1001, 1002]
    assert all(r.sent_at is not None for r in rows)
    async with session_factory() as session:
        links = (await session.exec(select(TicketMessage))).scalars().all()  # type: ignore[call-overload]
    assert [(m.chat_id, m.message_id, m.ticket_id) for m in links] == [(-100, 1001, ticket_id)]


async def test_broken_ref_does_not_undo_sent(session_factory, make_sender, transport):
    async with session_factory() as session:
        await enqueue(
            session, 3, "sendMessage", payload={"text": "x"}, ref="ticket:999999", now=START
        )
        await enqueue(
            session, 3, "sendMessage", payload={"text": "y"}, ref="unknown-kind:1", now=START
        )
        await session.commit()
    sender = make_sender(limits=WIDE_OPEN)
    assert await sender.run_once() == 1
    assert await sender.run_once() == 1
    rows = await _rows(session_factory)
    assert [r.status for r in rows] == [SENT, SENT]
    async with session_factory() as session:
        assert (await session.exec(select(TicketMessage))).scalars().all() == []  # type: ignore[call-overload]
    assert len(transport.calls) == 2


async def test_background_loop_wake_and_stop(session_factory, make_sender, transport, clock):
    sender = make_sender(poll_interval=60)
    await sender.start()
    try:
        await asyncio.sleep(0.05)  # first (empty) round, then it idles for a minute
        await _queue(session_factory, (1, "woken"))
        transport.hold = asyncio.Event()
        sender.wake()
        await asyncio.wait_for(transport.called.wait(), 5)
        assert transport.sent_to(1) == ["woken"]
        # stop waits for the send in flight and records it
        stopping = asyncio.create_task(sender.stop(timeout=5))
        await asyncio.sleep(0.05)
        assert not stopping.done()
        transport.hold.set()
        await stopping
    finally:
        await sender.stop()
    assert not sender.running
    (row,) = await _rows(session_factory)
    assert row.status == SENT


async def test_stop_timeout_leaves_row_for_lease_recovery(
    session_factory, make_sender, transport, clock
):
    transport.hold = asyncio.Event()
    await _queue(session_factory, (1, "stuck"))
    sender = make_sender(poll_interval=60, lease=timedelta(seconds=30))
    await sender.start()
    await asyncio.wait_for(transport.called.wait(), 5)
    await sender.stop(timeout=0.05)
    (row,) = await _rows(session_factory)
    assert row.status == "sending"
    transport.hold = None
    clock.advance(timedelta(seconds=31))
    assert await make_sender().run_once() == 1
    (row,) = await _rows(session_factory)
    assert row.status == SENT
    assert row.attempts == 2


def test_limiter_counts_a_send_from_when_it_finished():
    limiter = RateLimiter(RateLimits())
    assert limiter.reserve(1, START) is None
    assert limiter.reserve(-5, START) is None
    assert limiter.reserve(1, START) == START + timedelta(seconds=1)
    # the HTTP call took 400 ms: Telegram saw it somewhere in between
    limiter.settle(START, {1: START + timedelta(milliseconds=400)})
    assert limiter.reserve(1, START + timedelta(seconds=1)) == START + timedelta(seconds=1.4)
    assert limiter.reserve(-5, START + timedelta(seconds=1)) is None  # unaffected
    assert limiter.available(START + timedelta(seconds=1.2)) == 28
    assert limiter.available(START + timedelta(seconds=2.5)) == 30


def test_calls_that_post_nothing_in_the_chat_skip_its_message_limits():
    limiter = RateLimiter(RateLimits())
    assert limiter.reserve(1, START) is None  # the bot's reply to the chat
    # acknowledging the button press in the same chat is not a message: no wait
    assert limiter.reserve(1, START, "answerCallbackQuery") is None
    assert limiter.reserve(-5, START, "answerCallbackQuery") is None
    # ...and it took no message slot from the chat or the group
    assert limiter.reserve(1, START, "sendMessage") == START + timedelta(seconds=1)
    assert limiter.reserve(-5, START, "sendMessage") is None
    # the overall limit still counts it: 4 of 30 used
    assert limiter.available(START) == 26


async def test_a_row_queued_for_later_does_not_hold_back_a_live_reply(
    session_factory, make_sender, transport, clock
):
    """A message scheduled for tomorrow 09:00 (e.g. batched out of quiet hours) must not make
    the citizen's reply queued after it wait until then; once due it keeps its place."""
    async with session_factory() as session:
        await enqueue(
            session,
            7,
            "sendMessage",
            payload={"text": "scheduled"},
            not_before=START + timedelta(hours=12),
            now=START,
        )
        await enqueue(session, 7, "sendMessage", payload={"text": "reply"}, now=START)
        await session.commit()
    sender = make_sender(limits=WIDE_OPEN)
    assert await sender.run_once() == 1
    assert transport.sent_to(7) == ["reply"]
    clock.advance(timedelta(hours=12))
    # Due now: it is the oldest row of the chat again, ahead of what is queued after it.
    async with session_factory() as session:
        await enqueue(session, 7, "sendMessage", payload={"text": "after"}, now=clock.now())
        await session.commit()
    assert await sender.run_once() == 1
    assert await sender.run_once() == 1
    assert transport.sent_to(7) == ["reply", "scheduled", "after"]
    rows = await _rows(session_factory)
    assert [r.not_before for r in rows] == [START + timedelta(hours=12), None, None]


async def test_a_due_scheduled_row_that_fails_holds_back_its_chat(
    session_factory, make_sender, transport, clock
):
    async with session_factory() as session:
        await enqueue(
            session,
            8,
            "sendMessage",
            payload={"text": "s"},
            not_before=START + timedelta(minutes=1),
            now=START,
        )
        await session.commit()
    clock.advance(timedelta(minutes=1))
    transport.fail(RetryLater("502: Bad Gateway"), chat_id=8)
    sender = make_sender(limits=WIDE_OPEN, backoff=Backoff(base=10, jitter=0))
    assert await sender.run_once() == 1  # fails, retried in 10 s
    await _queue(session_factory, (8, "next"))
    assert await sender.run_once() == 0  # "next" waits for the retry of "s"
    clock.advance(timedelta(seconds=10))
    assert await sender.run_once() == 1
    assert await sender.run_once() == 1
    assert transport.sent_to(8) == ["s", "s", "next"]
