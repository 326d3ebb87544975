"""A citizen talks to the real app through the Bot API emulator (webhook and long polling)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.db import SessionFactory
from locales import t
from tests.app.conftest import count, outbox_rows, processed
from tests.app.support import (
    DatabaseFault,
    all_sample_names,
    buttons,
    offer_buttons,
    sample_update,
    welcome_text,
)
from tests.e2e.conftest import StartApp
from tests.emulator import BotAPIEmulator
from tickets.models import ProcessedUpdate, UnansweredQuestion

pytestmark = pytest.mark.e2e


async def test_citizen_message_gets_a_reply_through_the_webhook(
    emu: BotAPIEmulator, start_app: StartApp
) -> None:
    app = await start_app()
    info = emu.requests("setWebhook")
    assert info and info[-1].params["url"] == f"{app.url}/telegram/webhook"
    assert info[-1].params["secret_token"] == app.runtime.settings.secret_token
    citizen = emu.user(first_name="王", language_code="zh")
    delivery = await emu.send_message(citizen, "我家门口的路灯坏了")
    await delivery.delivered()
    # Not in the FAQ: the honest "no answer found, send it to a department?" offer.
    reply = await emu.next_message(citizen)
    assert reply["text"] == t("zh", "faq-none")
    question_id = delivery.update["message"]["message_id"]
    assert buttons(reply.get("reply_markup")) == offer_buttons("zh", question_id)
    start = await emu.send_message(citizen, "/start")
    await start.delivered()
    assert (await emu.next_message(citizen))["text"] == welcome_text("zh", "王")


async def test_faq_answer_arrives(emu: BotAPIEmulator, start_app: StartApp) -> None:
    await start_app()
    citizen = emu.user(language_code="en")
    await (await emu.send_message(citizen, "How do I get rid of an old sofa?")).delivered()
    reply = await emu.next_message(citizen)
    assert reply["text"].startswith("Book a bulky waste pickup")


async def test_every_real_update_shape_is_accepted(
    emu: BotAPIEmulator, start_app: StartApp, session_factory: SessionFactory
) -> None:
    await start_app()
    names = all_sample_names()
    deliveries = []
    for index, name in enumerate(names):
        # One citizen per file: the outbox sends at most one message per second per chat.
        deliveries.append(await emu.post_raw(_as_user(sample_update(name, 1), 910_000 + index)))
    for delivery in deliveries:
        await delivery.delivered()
        assert [a.status for a in delivery.attempts] == [200], delivery.describe()
    assert await count(session_factory, ProcessedUpdate) == len(deliveries)
    silent = {"message_with_successful_payment"}
    queries = {
        "pre_checkout_query": "answerPreCheckoutQuery",
        "shipping_query": "answerShippingQuery",
    }
    for index, name in enumerate(names):
        if name in silent:
            continue
        method = queries.get(name, "sendMessage")
        await emu.wait_for(lambda c, m=method, i=index: c.method == m and _target(c) == 910_000 + i)
    assert not emu.sent(910_000 + names.index("message_with_successful_payment"))


def _as_user(update: dict[str, Any], user_id: int) -> dict[str, Any]:
    for value in update.values():
        if isinstance(value, dict):
            if "from" in value:
                value["from"]["id"] = user_id
            if "chat" in value:
                value["chat"]["id"] = user_id
    return update


def _target(call: Any) -> int | None:
    if call.chat_id is not None:
        return int(call.chat_id)
    return None


async def test_redelivery_after_a_500_is_processed_exactly_once(
    emu: BotAPIEmulator, start_app: StartApp, session_factory: SessionFactory, engine: object
) -> None:
    await start_app()
    fault = DatabaseFault(engine)  # type: ignore[arg-type]
    citizen = emu.user(language_code="en")
    fault.fail_next(1)
    delivery = await emu.send_message(citizen, "is anyone there?")
    await delivery.delivered()
    assert [a.status for a in delivery.attempts] == [500, 200]
    assert (await emu.next_message(citizen))["text"] == t("en", "faq-none")
    assert list((await processed(session_factory)).keys()) == [delivery.update_id]
    assert len(await outbox_rows(session_factory)) == 1
    assert await count(session_factory, UnansweredQuestion) == 1  # the gap, recorded once
    assert len(emu.sent(citizen, "sendMessage")) == 1


async def test_long_polling_mode(
    emu: BotAPIEmulator, start_app: StartApp, session_factory: SessionFactory
) -> None:
    app = await start_app(webhook=False)
    assert app.runtime.mode == "polling"
    await emu.wait_polling()
    citizen = emu.user(language_code="zh-hant")
    first = await emu.send_message(citizen, "你好")
    second = await emu.send_message(citizen, "/start")
    await first.delivered()
    await second.delivered()
    assert (await emu.next_message(citizen))["text"] == t("zh", "chitchat")  # a greeting
    assert (await emu.next_message(citizen))["text"] == welcome_text("zh", citizen.first_name)
    assert set(await processed(session_factory)) == {first.update_id, second.update_id}
    await app.stop()
    # Stopping confirmed the offset: nothing is left for the next getUpdates.
    last = emu.requests("getUpdates")[-1]
    assert last.params.get("offset") == second.update_id + 1


async def test_polling_retries_an_update_after_a_transient_failure(
    emu: BotAPIEmulator, start_app: StartApp, session_factory: SessionFactory, engine: object
) -> None:
    app = await start_app(webhook=False)
    assert app.runtime.poller is not None
    app.runtime.poller.backoff_initial = 0.01
    await emu.wait_polling()
    fault = DatabaseFault(engine)  # type: ignore[arg-type]
    fault.fail_next(1)
    citizen = emu.user(language_code="en")
    delivery = await emu.send_message(citizen, "hello")
    assert (await emu.next_message(citizen))["text"] == t("en", "chitchat")  # a greeting
    assert fault.failures == 1
    assert list((await processed(session_factory)).keys()) == [delivery.update_id]
    assert len(emu.sent(citizen, "sendMessage")) == 1


async def test_polling_skips_an_update_with_integers_beyond_64_bits(
    emu: BotAPIEmulator,
    start_app: StartApp,
    session_factory: SessionFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = await start_app(webhook=False)
    await emu.wait_polling()
    citizen = emu.user(language_code="en")
    hostile = await emu.post_raw(
        {
            "message": {
                "message_id": 1,
                "date": 1760000000,
                "chat": {"id": 2**64, "type": "private"},
                "from": {"id": 2**64, "is_bot": False, "first_name": "Big"},
                "text": "hello",
            }
        }
    )
    after = await emu.send_message(citizen, "hello")
    await hostile.delivered()
    assert (await emu.next_message(citizen))["text"] == t("en", "chitchat")  # not stuck
    assert list(await processed(session_factory)) == [after.update_id]
    await app.stop()
    assert emu.requests("getUpdates")[-1].params.get("offset") == after.update_id + 1
    skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert skipped == [
        f"update {hostile.update_id} skipped: integer out of the 64-bit range at message.chat.id"
    ]
    assert not any("handler failed" in r.getMessage() for r in caplog.records)
