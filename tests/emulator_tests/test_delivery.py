"""Updates reach the bot: getUpdates long polling, webhook pushes with retries and replies."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramConflictError
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message, Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from tests.emulator import BotAPIEmulator

from .conftest import TOKEN, Receiver, make_bot

UPDATES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "telegram-updates"
REAL_UPDATES = {p.stem: json.loads(p.read_text()) for p in sorted(UPDATES_DIR.glob("*.json"))}


async def test_long_poll_returns_an_update_sent_during_the_wait(
    emu: BotAPIEmulator, bot: Bot
) -> None:
    citizen = emu.user(first_name="Wang", language_code="zh")
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await emu.wait_polling()  # the request is parked in the emulator
    delivery = await emu.send_message(citizen, "/start ticket_2026")
    updates = await asyncio.wait_for(poll, timeout=5)

    [update] = updates
    assert update.update_id == delivery.update_id
    assert update.message is not None and update.message.text == "/start ticket_2026"
    assert update.message.from_user is not None and update.message.from_user.language_code == "zh"
    assert update.message.entities is not None
    assert (update.message.entities[0].type, update.message.entities[0].length) == (
        "bot_command",
        6,
    )
    assert (await delivery.delivered()).status == "delivered"

    # Confirming with offset removes it; a zero-timeout poll then returns nothing.
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == []
    assert delivery.status == "confirmed"


async def test_updates_queue_in_order_until_confirmed(emu: BotAPIEmulator, bot: Bot) -> None:
    citizen = emu.user()
    first = await emu.send_message(citizen, "one")
    second = await emu.send_location(citizen, 31.2, 121.5)
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [first.update_id, second.update_id]
    assert updates[1].message is not None and updates[1].message.location is not None
    assert [u.update_id for u in await bot.get_updates()] == [first.update_id, second.update_id]
    assert [u.update_id for u in await bot.get_updates(offset=second.update_id)] == [
        second.update_id
    ]


async def test_second_poller_and_webhook_conflict(
    emu: BotAPIEmulator, bot: Bot, receiver: Receiver
) -> None:
    older = asyncio.create_task(bot.get_updates(timeout=5))
    await emu.wait_polling()
    assert await bot.get_updates(timeout=0) == []
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await older

    assert await bot.set_webhook(receiver.url)
    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()


async def test_webhook_gets_secret_header_and_redelivery_after_500(
    emu: BotAPIEmulator, bot: Bot, receiver: Receiver
) -> None:
    assert await bot.set_webhook(receiver.url, secret_token="s3cr3t-Token_1")
    receiver.statuses = [500]
    citizen = emu.user()
    delivery = await emu.send_message(citizen, "路灯坏了")
    await delivery.delivered()

    assert [a.status for a in delivery.attempts] == [500, 200]
    assert all(a.via == "webhook" and a.latency >= 0 for a in delivery.attempts)
    assert len(receiver.requests) == 2
    for headers, body in receiver.requests:
        assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cr3t-Token_1"
        assert headers["Content-Type"] == "application/json"
        assert body == delivery.update
    Update.model_validate(receiver.requests[0][1])

    info = await bot.get_webhook_info()
    assert info.url == receiver.url and info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"


async def test_delivery_gives_up_after_max_attempts(
    emu: BotAPIEmulator, bot: Bot, receiver: Receiver
) -> None:
    emu.redelivery_delays = [0.01]
    emu.max_delivery_attempts = 3
    await bot.set_webhook(receiver.url)
    receiver.statuses = [502, 500, 503, 500]
    delivery = await emu.send_message(emu.user(), "hello")
    with pytest.raises(AssertionError, match="was not delivered"):
        await delivery.delivered()
    assert [a.status for a in delivery.attempts] == [502, 500, 503]
    assert delivery.status == "failed"


async def test_unreachable_webhook_is_retried_then_pending_updates_can_be_dropped(
    emu: BotAPIEmulator, bot: Bot
) -> None:
    emu.redelivery_delays = [0.01]
    emu.max_delivery_attempts = 2
    await bot.set_webhook("http://127.0.0.1:9/hook")  # discard port: connection refused
    delivery = await emu.send_message(emu.user(), "hello")
    with pytest.raises(AssertionError):
        await delivery.delivered()
    assert [a.status for a in delivery.attempts] == [None, None]
    assert delivery.attempts[0].error is not None and "Connection" in delivery.attempts[0].error

    await bot.delete_webhook()
    queued = await emu.send_message(emu.user(), "while polling")
    await bot.set_webhook("http://127.0.0.1:9/hook", drop_pending_updates=True)
    assert queued.status == "dropped"


async def test_pending_updates_move_to_a_new_webhook(
    emu: BotAPIEmulator, bot: Bot, receiver: Receiver
) -> None:
    delivery = await emu.send_message(emu.user(), "sent while the bot was down")
    assert delivery.status == "pending"
    await bot.set_webhook(receiver.url, allowed_updates=["message"])
    await delivery.delivered()
    assert receiver.requests[0][1]["update_id"] == delivery.update_id

    filtered = await emu.edit_message(
        emu.users[delivery.message["from"]["id"]], delivery.message, "edited"
    )
    assert filtered.status == "filtered"


async def test_aiogram_webhook_reply_is_executed(emu: BotAPIEmulator, bot: Bot) -> None:
    dispatcher = Dispatcher()

    @dispatcher.message(CommandStart(deep_link=True))
    async def start(message: Message, command: CommandObject) -> Any:
        return message.answer(f"payload={command.args}")

    @dispatcher.message()
    async def echo(message: Message) -> Any:
        return message.answer(f"echo: {message.text}", parse_mode="HTML")

    app = web.Application()
    SimpleRequestHandler(dispatcher, bot, handle_in_background=False, secret_token="abc").register(
        app, path="/webhook"
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        await bot.set_webhook(
            f"http://127.0.0.1:{runner.addresses[0][1]}/webhook", secret_token="abc"
        )
        citizen = emu.user(language_code="zh")
        start_delivery = await emu.send_message(citizen, "/start invite-XYZ")
        await start_delivery.delivered()
        assert start_delivery.reply_call is not None and start_delivery.reply_call.via_webhook_reply
        assert (await emu.next_message(citizen))["text"] == "payload=invite-XYZ"

        echo_delivery = await emu.send_message(citizen, "a <b> c")
        await echo_delivery.delivered()
        # The bot's HTML reply is invalid markup: Telegram refuses it (silently for the bot).
        assert echo_delivery.reply_call is not None
        assert echo_delivery.reply_call.status == 400
        assert "can't parse entities" in (echo_delivery.reply_call.description or "")
    finally:
        await runner.cleanup()


def test_all_real_update_shapes_are_found() -> None:
    assert len(REAL_UPDATES) == 16


@pytest.mark.parametrize("name", sorted(REAL_UPDATES))
async def test_real_update_shapes_replay_with_fresh_ids(
    emu: BotAPIEmulator, bot: Bot, name: str
) -> None:
    raw = REAL_UPDATES[name]
    first = await emu.post_raw(raw)
    second = await emu.post_raw(raw)
    assert second.update_id == first.update_id + 1
    assert first.update_id != raw["update_id"]
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [first.update_id, second.update_id]
    assert all(isinstance(u, Update) for u in updates)
    assert updates[0].event_type == next(k for k in raw if k != "update_id")


async def test_wait_for_timeout_lists_what_was_sent(emu: BotAPIEmulator, bot: Bot) -> None:
    await bot.send_message(77, "something else")
    with pytest.raises(AssertionError, match="something else"):
        await emu.next_message(78, timeout=0.05)
    with pytest.raises(AssertionError, match="sendMessage chat=77"):
        await emu.wait_for(lambda c: c.method == "sendPhoto", timeout=0.05)


async def test_slow_webhook_times_out_and_the_same_update_comes_again(
    emu: BotAPIEmulator, bot: Bot, receiver: Receiver
) -> None:
    emu.webhook_timeout = 0.2
    never = asyncio.Event()
    answered: list[int] = []

    async def respond(request: web.Request, body: dict[str, Any]) -> web.Response:
        if not answered:
            answered.append(body["update_id"])
            await never.wait()  # held until the emulator gives up on this attempt
        return web.json_response({})

    receiver.respond = respond
    await bot.set_webhook(receiver.url, max_connections=1)
    delivery = await emu.send_message(emu.user(), "processed twice?")
    try:
        await delivery.delivered()
    finally:
        never.set()
    assert delivery.attempts[0].error == "Read timeout expired"
    assert delivery.attempts[1].ok
    assert [body["update_id"] for _, body in receiver.requests] == [delivery.update_id] * 2


async def test_single_connection_webhook_keeps_update_order(
    emu: BotAPIEmulator, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, max_connections=1)
    citizen = emu.user()
    deliveries = [await emu.send_message(citizen, f"m{i}") for i in range(5)]
    for delivery in deliveries:
        await delivery.delivered()
    texts = [body["message"]["text"] for _, body in receiver.requests]
    assert texts == [f"m{i}" for i in range(5)]


async def test_stopping_ends_a_waiting_long_poll() -> None:
    emulator = BotAPIEmulator()
    await emulator.start()
    emulator.add_bot(TOKEN)
    local = make_bot(emulator)
    try:
        poll = asyncio.create_task(local.get_updates(timeout=30))
        await emulator.wait_polling()
        await emulator.stop()
        assert await asyncio.wait_for(poll, timeout=5) == []
    finally:
        await local.session.close()
