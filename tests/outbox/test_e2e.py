"""End to end: outbox -> AiogramTransport -> create_bot's real HTTP session -> Bot API emulator.

The sender's schedule runs on a FixedClock (no sleeping); only HTTP and the emulator's
injected hang take real time (a fraction of a second)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from aiogram import Bot
from sqlalchemy import select

from bot.config import Settings
from bot.db import SessionFactory
from bot.outbox import Backoff, OutboxSender
from bot.telegram import AiogramTransport, create_bot
from tests.emulator import BotAPIEmulator, make_token
from tickets.clock import FixedClock
from tickets.models import Outbox, TicketMessage
from tickets.outbox import FAILED, PENDING, SENT, enqueue

from .conftest import START, make_ticket

pytestmark = pytest.mark.e2e

TOKEN = make_token()
USER = 700_000_123
GROUP = -1001000000001


@pytest.fixture
async def emu() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as emulator:
        emulator.add_bot(TOKEN)
        yield emulator


async def _close(bot: Bot) -> None:
    # aiogram's close() sleeps 250 ms for TLS connections; there are none here.
    http = getattr(bot.session, "_session", None)
    if http is not None:
        await http.close()


@pytest.fixture
async def bot(emu: BotAPIEmulator) -> AsyncIterator[Bot]:
    tg = create_bot(Settings(bot_token=TOKEN, telegram_api_url=emu.base_url))
    yield tg
    await _close(tg)


def _sender(
    session_factory: SessionFactory, bot: Bot, clock: FixedClock, request_timeout: float
) -> OutboxSender:
    return OutboxSender(
        session_factory,
        AiogramTransport(bot, request_timeout=request_timeout),
        clock=clock,
        backoff=Backoff(base=1, jitter=0),
    )


@pytest.fixture
def sender(session_factory: SessionFactory, bot: Bot, clock: FixedClock) -> OutboxSender:
    # Generous: a batch of 30 concurrent sends on a slow, busy machine can take longer than a
    # short timeout, and a timed-out send that did arrive is (rightly) sent again.
    return _sender(session_factory, bot, clock, request_timeout=5.0)


async def _queue(
    session_factory: SessionFactory,
    chat_id: int,
    payload: dict[str, Any],
    method: str = "sendMessage",
    **kw: Any,
) -> None:
    async with session_factory() as session:
        await enqueue(session, chat_id, method, payload, now=START, **kw)
        await session.commit()


async def _rows(session_factory: SessionFactory) -> list[Outbox]:
    async with session_factory() as session:
        result = await session.exec(select(Outbox).order_by(Outbox.id))  # type: ignore[call-overload]
        return list(result.scalars().all())


async def test_delivers_with_markup_and_links_ticket(emu, session_factory, sender):
    ticket_id = await make_ticket(session_factory)
    markup = {"inline_keyboard": [[{"text": "Take", "callback_data": "take:1"}]]}
    await _queue(
        session_factory,
        GROUP,
        {"text": "工单 2026-000001", "reply_markup": markup},
        ref=f"ticket:{ticket_id}",
    )
    assert await sender.run_once() == 1
    message = await emu.next_message(GROUP, timeout=2)
    assert message["text"] == "工单 2026-000001"
    assert message["reply_markup"] == markup
    (row,) = await _rows(session_factory)
    assert (row.status, row.message_id) == (SENT, message["message_id"])
    async with session_factory() as session:
        (link,) = (await session.exec(select(TicketMessage))).scalars().all()  # type: ignore[call-overload]
    assert (link.chat_id, link.message_id, link.ticket_id) == (
        GROUP,
        message["message_id"],
        ticket_id,
    )


async def test_429_storm(emu, session_factory, sender, clock):
    emu.fail_next("sendMessage", status=429, retry_after=1, times=5)
    for chat in range(1, 4):
        await _queue(session_factory, USER + chat, {"text": f"hello {chat}"})
    rounds = 0
    while len(emu.sent(method="sendMessage", ok=True)) < 3:
        assert rounds < 10
        handled = await sender.run_once()
        rounds += 1
        if not handled:
            clock.advance(timedelta(seconds=1))
    calls = emu.sent(method="sendMessage")
    assert [c.status for c in calls] == [429] * 5 + [200] * 3
    rows = await _rows(session_factory)
    assert {r.status for r in rows} == {SENT}
    assert {r.attempts for r in rows} == {1}  # 429s do not use up attempts


async def test_429_is_not_retried_early(emu, session_factory, sender, clock):
    emu.fail_next("sendMessage", status=429, retry_after=7)
    await _queue(session_factory, USER, {"text": "hi"})
    assert await sender.run_once() == 1
    (row,) = await _rows(session_factory)
    assert row.next_attempt_at == START + timedelta(seconds=7)
    clock.advance(timedelta(seconds=6))
    assert await sender.run_once() == 0
    clock.advance(timedelta(seconds=1))
    assert await sender.run_once() == 1
    assert [c.status for c in emu.sent(USER)] == [429, 200]


async def test_500_then_success(emu, session_factory, sender, clock):
    emu.fail_next("sendMessage", status=500)
    await _queue(session_factory, USER, {"text": "hi"})
    assert await sender.run_once() == 1
    (row,) = await _rows(session_factory)
    assert row.status == PENDING
    assert row.last_error is not None and "Internal Server Error" in row.last_error
    assert row.next_attempt_at == START + timedelta(seconds=1)
    clock.advance(timedelta(seconds=1))
    assert await sender.run_once() == 1
    assert [c.status for c in emu.sent(USER)] == [500, 200]
    (row,) = await _rows(session_factory)
    assert (row.status, row.attempts) == (SENT, 2)


async def test_hang_times_out_and_is_retried(emu, session_factory, bot, clock):
    sender = _sender(session_factory, bot, clock, request_timeout=0.3)
    emu.hang_next("sendMessage", seconds=0.8)
    await _queue(session_factory, USER, {"text": "hi"})
    assert await sender.run_once() == 1
    (row,) = await _rows(session_factory)
    assert row.status == PENDING
    assert row.last_error is not None and "timeout" in row.last_error.lower()
    clock.advance(timedelta(seconds=1))
    assert await sender.run_once() == 1
    (row,) = await _rows(session_factory)
    assert row.status == SENT


async def test_blocked_chat_is_recorded_failed(emu, session_factory, sender, clock):
    emu.block(USER)
    await _queue(session_factory, USER, {"text": "hi"})
    await _queue(session_factory, USER + 1, {"text": "hi"})
    assert await sender.run_once() == 2
    rows = await _rows(session_factory)
    assert [(r.status, r.last_error) for r in rows] == [
        (FAILED, "403: Forbidden: bot was blocked by the user"),
        (SENT, None),
    ]
    clock.advance(timedelta(hours=1))
    assert await sender.run_once() == 0


async def test_edit_not_modified_counts_as_done(emu, session_factory, sender, clock):
    await _queue(session_factory, USER, {"text": "status: open"})
    assert await sender.run_once() == 1
    (row,) = await _rows(session_factory)
    edit = {"message_id": row.message_id, "text": "status: open"}
    await _queue(session_factory, USER, edit, method="editMessageText")
    clock.advance(timedelta(seconds=1))
    assert await sender.run_once() == 1
    rows = await _rows(session_factory)
    assert [r.status for r in rows] == [SENT, SENT]
    assert emu.sent(USER, "editMessageText")[0].status == 400


async def test_bad_payloads_fail_permanently(emu, session_factory, sender):
    await _queue(session_factory, USER, {"txt": "typo"})
    await _queue(session_factory, USER + 1, {"text": "x"}, method="sendTelepathy")
    await _queue(session_factory, USER + 2, {"text": ""})  # Telegram: message text is empty
    assert await sender.run_once() == 3
    rows = await _rows(session_factory)
    assert [r.status for r in rows] == [FAILED] * 3
    errors = [r.last_error or "" for r in rows]
    assert errors[0].startswith("invalid payload for sendMessage: text: Field required")
    assert errors[1] == "unknown Bot API method 'sendTelepathy'"
    assert errors[2].startswith("400: Bad Request")
    assert len(emu.sent(method="sendMessage")) == 1  # invalid payloads never hit the wire


async def test_unauthorized_keeps_the_rows(session_factory, clock):
    async with BotAPIEmulator(accept_any_token=False) as emu:
        tg = create_bot(Settings(bot_token=TOKEN, telegram_api_url=emu.base_url))
        try:
            sender = OutboxSender(session_factory, AiogramTransport(tg), clock=clock)
            await _queue(session_factory, USER, {"text": "hi"})
            assert await sender.run_once() == 1
        finally:
            await _close(tg)
    (row,) = await _rows(session_factory)
    assert row.status == PENDING
    assert row.attempts == 0
    assert row.next_attempt_at == START + timedelta(seconds=60)
    assert "BOT_TOKEN" in (row.last_error or "")


async def test_background_sender_in_real_time(emu, engine, session_factory, bot):
    """The running service: SystemClock, start(), wake() after commit, a real 1 s retry_after."""
    if engine.dialect.name != "sqlite":
        pytest.skip("real-time loop behaviour does not depend on the database; once is enough")
    emu.fail_next("sendMessage", status=429, retry_after=1)
    sender = OutboxSender(session_factory, AiogramTransport(bot), poll_interval=5)
    await sender.start()
    try:
        async with session_factory() as session:
            await enqueue(session, USER, "sendMessage", payload={"text": "m0"})
            await enqueue(session, USER, "sendMessage", payload={"text": "m1"})
            await enqueue(session, USER + 1, "sendMessage", payload={"text": "other"})
            await session.commit()
        sender.wake()
        other = await emu.next_message(USER + 1, timeout=1)
        texts = [(await emu.next_message(USER, timeout=3))["text"] for _ in range(2)]
    finally:
        await sender.stop()
    assert other["text"] == "other"
    assert texts == ["m0", "m1"]
    calls = emu.sent(USER)
    assert [c.status for c in calls] == [429, 200, 200]
    assert calls[1].at - calls[0].at >= 0.99  # retry_after honoured
    assert calls[2].at - calls[1].at >= 0.99  # one message per second per chat
    assert calls[2].at - calls[0].at < 2.5  # and no idle poll in between (poll_interval=5)


async def test_emulator_enforcing_limits_never_refuses(emu, session_factory, sender, clock):
    """The emulator checks Telegram's limits on the same (fixed) clock: no 429 at all."""
    emu.clock = lambda: clock.now().timestamp()
    emu.enforce_limits = True
    async with session_factory() as session:
        for i in range(3):
            await enqueue(session, USER, "sendMessage", payload={"text": f"u{i}"}, now=START)
            await enqueue(session, GROUP, "sendMessage", payload={"text": f"g{i}"}, now=START)
        for chat in range(40):
            await enqueue(
                session, USER + 1 + chat, "sendMessage", payload={"text": "all"}, now=START
            )
        await session.commit()
    for _ in range(40):  # 4 simulated seconds
        while await sender.run_once():
            pass
        clock.advance(timedelta(milliseconds=100))
    assert [c.status for c in emu.calls if c.status != 200] == []
    assert len(emu.sent(method="sendMessage", ok=True)) == 46
    assert [c.params["text"] for c in emu.sent(USER)] == ["u0", "u1", "u2"]
