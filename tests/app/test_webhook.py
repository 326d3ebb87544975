"""The webhook route on a real database (SQLite file and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiogram import BaseMiddleware
from aiogram.methods import SetWebhook

from bot.db import SessionFactory
from handlers.outgoing import Outgoing
from handlers.texts import TEXTS
from tests.app.conftest import AppHarness, MakeApp, count, outbox_rows, processed
from tests.app.support import DatabaseFault, all_sample_names, sample_update, text_update
from tickets.models import Outbox, ProcessedUpdate


async def test_sets_the_webhook_with_secret_and_used_update_types(harness: AppHarness) -> None:
    calls = [c for c in harness.telegram.calls if isinstance(c, SetWebhook)]
    assert len(calls) == 1
    call = calls[0]
    assert call.url == "https://desk.example.gov/telegram/webhook"
    assert call.secret_token == "s3cret-token_for-tests"
    assert {"message", "edited_message", "pre_checkout_query", "shipping_query"} <= set(
        call.allowed_updates or []
    )


@pytest.mark.parametrize("secret", [None, "wrong", "", "s3cret-token_for-tests-but-longer"])
async def test_wrong_or_missing_secret_is_401_and_records_nothing(
    harness: AppHarness, session_factory: SessionFactory, secret: str | None
) -> None:
    response = await harness.post(text_update(1, "hello"), secret=secret)
    assert response.status == 401
    assert (await response.json())["ok"] is False
    assert await count(session_factory, ProcessedUpdate) == 0
    assert await count(session_factory, Outbox) == 0


@pytest.mark.parametrize(
    ("raw", "status", "fragment"),
    [
        (b"{not json", 400, "invalid JSON"),
        (b"\xff\xfe\x00garbage", 400, "invalid JSON"),
        (b"[1, 2, 3]", 400, "JSON object"),
        (b'"just a string"', 400, "JSON object"),
        (b'{"message": {"text": "hi"}}', 400, "update_id"),
        (b'{"update_id": "12"}', 400, "update_id"),
        (b'{"update_id": 1.5}', 400, "update_id"),
        (b'{"update_id": true}', 400, "update_id"),
        (b'{"update_id": 7, "message": "not an object"}', 400, "not a Telegram Update"),
        (b'{"update_id": 7, "message": {"message_id": "x"}}', 400, "not a Telegram Update"),
        (b"", 400, "invalid JSON"),
    ],
)
async def test_malformed_bodies_are_400(
    harness: AppHarness,
    session_factory: SessionFactory,
    raw: bytes,
    status: int,
    fragment: str,
) -> None:
    response = await harness.post(raw=raw)
    assert response.status == status
    body = await response.json()
    assert fragment in body["error"]
    assert await count(session_factory, ProcessedUpdate) == 0


async def test_huge_body_is_413(harness: AppHarness, session_factory: SessionFactory) -> None:
    update = text_update(1, "x" * (1024 * 1024 + 10))
    response = await harness.post(update)
    assert response.status == 413
    assert await count(session_factory, ProcessedUpdate) == 0


async def test_unknown_fields_are_accepted(
    harness: AppHarness, session_factory: SessionFactory
) -> None:
    update = text_update(41, "hello")
    update["brand_new_field"] = {"added": "by telegram"}
    update["message"]["another_new_field"] = [1, 2]
    response = await harness.post(update)
    assert response.status == 200
    assert await processed(session_factory) == {41: "message"}


async def test_unknown_update_kind_is_recorded_and_ignored(
    harness: AppHarness, session_factory: SessionFactory
) -> None:
    response = await harness.post({"update_id": 77, "future_kind_of_update": {"x": 1}})
    assert response.status == 200
    assert (await response.json())["outcome"] == "ignored"
    assert await processed(session_factory) == {77: "unknown"}
    assert await count(session_factory, Outbox) == 0


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", TEXTS["received"]["en"]),
        ("zh-hans", TEXTS["received"]["zh"]),
        (None, TEXTS["received"]["en"]),
    ],
)
async def test_private_text_gets_an_acknowledgement_in_the_users_language(
    harness: AppHarness, session_factory: SessionFactory, lang: str | None, expected: str
) -> None:
    response = await harness.post(text_update(100, "My street light is broken", lang=lang))
    assert response.status == 200
    assert await response.json() == {"ok": True, "outcome": "ok"}
    rows = await outbox_rows(session_factory)
    assert [(r.chat_id, r.method, r.payload["text"]) for r in rows] == [
        (5550001, "sendMessage", expected)
    ]
    assert rows[0].status == "pending"
    assert await processed(session_factory) == {100: "message"}


async def test_start_command_gets_the_welcome(
    harness: AppHarness, session_factory: SessionFactory
) -> None:
    await harness.post(text_update(5, "/start", lang="zh"))
    rows = await outbox_rows(session_factory)
    assert [r.payload["text"] for r in rows] == [TEXTS["welcome"]["zh"]]


async def test_faq_question_gets_the_faq_answer(
    harness: AppHarness, session_factory: SessionFactory
) -> None:
    await harness.post(text_update(6, "结婚登记需要什么材料？", lang="zh"))
    rows = await outbox_rows(session_factory)
    assert len(rows) == 1
    assert rows[0].payload["text"].startswith("请双方携带身份证和户口簿")
    assert rows[0].payload["reply_parameters"]["message_id"] == 6


async def test_group_messages_are_ignored_silently(
    harness: AppHarness, session_factory: SessionFactory
) -> None:
    response = await harness.post(text_update(9, "hello group", chat_type="supergroup"))
    assert response.status == 200
    assert (await response.json())["outcome"] == "ignored"
    assert await count(session_factory, Outbox) == 0
    assert await processed(session_factory) == {9: "message"}


async def test_redelivered_update_has_one_effect(
    harness: AppHarness, session_factory: SessionFactory
) -> None:
    update = text_update(200, "hello")
    first = await harness.post(update)
    second = await harness.post(update)
    assert (await first.json())["outcome"] == "ok"
    assert (await second.json())["outcome"] == "duplicate"
    assert second.status == 200
    assert await count(session_factory, ProcessedUpdate) == 1
    assert await count(session_factory, Outbox) == 1


async def test_concurrent_duplicates_are_decided_by_the_unique_key(
    harness: AppHarness, session_factory: SessionFactory
) -> None:
    update = text_update(300, "hello")
    responses = await asyncio.gather(*(harness.post(update) for _ in range(6)))
    outcomes = sorted([(await r.json())["outcome"] for r in responses])
    assert all(r.status == 200 for r in responses)
    assert outcomes == ["duplicate"] * 5 + ["ok"]
    assert await count(session_factory, Outbox) == 1


class Crash(BaseMiddleware):
    """Queues a message, then fails like a buggy handler, for texts saying "boom"."""

    async def __call__(
        self,
        handler: Callable[[Any, dict[str, Any]], Awaitable[Any]],
        event: Any,
        data: dict[str, Any],
    ) -> Any:
        if getattr(event, "text", None) == "boom":
            outgoing: Outgoing = data["outgoing"]
            await outgoing.send_message(event.chat.id, "half-done work that must vanish")
            await outgoing.session.flush()
            raise ZeroDivisionError("a bug")
        return await handler(event, data)


async def test_handler_bug_rolls_back_and_apologises(
    harness: AppHarness, session_factory: SessionFactory, caplog: pytest.LogCaptureFixture
) -> None:
    assert harness.runtime.dispatcher is not None
    harness.runtime.dispatcher.message.middleware(Crash())
    response = await harness.post(text_update(400, "boom", lang="zh-TW"))
    assert response.status == 200
    assert (await response.json())["outcome"] == "error"
    rows = await outbox_rows(session_factory)
    assert [r.payload["text"] for r in rows] == [TEXTS["apology"]["zh"]]
    assert await processed(session_factory) == {400: "message:error"}
    assert any("ZeroDivisionError" in (r.exc_text or "") for r in caplog.records)
    # Redelivery of the poisoned update does nothing more.
    again = await harness.post(text_update(400, "boom", lang="zh-TW"))
    assert (await again.json())["outcome"] == "duplicate"
    assert await count(session_factory, Outbox) == 1


async def test_transient_database_failure_is_500_then_redelivery_works_once(
    harness: AppHarness, session_factory: SessionFactory, engine: Any
) -> None:
    fault = DatabaseFault(engine)
    fault.fail_next(1)
    update = text_update(500, "hello")
    response = await harness.post(update)
    assert response.status == 500
    assert fault.failures == 1
    assert await count(session_factory, ProcessedUpdate) == 0
    assert await count(session_factory, Outbox) == 0
    retry = await harness.post(update)
    assert retry.status == 200
    assert (await harness.post(update)).status == 200  # and a third time: duplicate
    assert await count(session_factory, ProcessedUpdate) == 1
    assert await count(session_factory, Outbox) == 1


async def test_unreachable_database_is_500(make_app: MakeApp, db_url: str) -> None:
    from bot.db import create_engine, create_session_factory

    if db_url.startswith("sqlite"):
        bad = "sqlite+aiosqlite:////proc/no-such-dir/x.db"
    else:
        bad = "postgresql+asyncpg://postgres@127.0.0.1:1/test"
    engine = create_engine(bad) if not bad.startswith("sqlite") else None
    if engine is None:
        from sqlalchemy.ext.asyncio import create_async_engine

        engine = create_async_engine(bad)
    try:
        app = await make_app(factory=create_session_factory(engine))
        response = await app.post(text_update(600, "hello"))
        assert response.status == 500
        health = await app.client.get("/healthz")
        assert health.status == 503
        assert "database" in (await health.json())["down"]
    finally:
        await engine.dispose()


@pytest.mark.parametrize(
    "text",
    [
        "a" * 5000,
        "长" * 4097,
        "👨‍👩‍👧‍👦" * 1500,  # ZWJ family emoji: 11 UTF-16 units each
        "مرحبا، أين مكتب البلدية؟ \u202eRTL override\u202c",
        "nul\x00inside\x00text",
        "\x00",
        "   ",
        "e\u0301\u0301\u0301 combining, \ufeff BOM, \U0010ffff private",
    ],
)
async def test_odd_unicode_and_huge_texts_are_handled(
    harness: AppHarness, session_factory: SessionFactory, text: str
) -> None:
    response = await harness.post(text_update(700, text))
    assert response.status == 200
    assert (await response.json())["outcome"] == "ok"
    rows = await outbox_rows(session_factory)
    assert len(rows) == 1
    assert "\x00" not in json.dumps(rows[0].payload)


@pytest.mark.parametrize("name", all_sample_names())
async def test_every_real_update_shape_gets_2xx_and_a_sensible_reaction(
    harness: AppHarness, session_factory: SessionFactory, name: str
) -> None:
    response = await harness.post(sample_update(name, 900))
    assert response.status == 200, await response.text()
    assert (await response.json())["outcome"] in {"ok", "ignored"}
    rows = await outbox_rows(session_factory)
    methods = [(r.method, r.chat_id) for r in rows]
    if name == "pre_checkout_query":
        assert methods == [("answerPreCheckoutQuery", 12345678)]
        assert rows[0].payload["ok"] is False and rows[0].payload["error_message"]
        assert rows[0].payload["pre_checkout_query_id"] == "262181558630368727"
    elif name == "shipping_query":
        assert methods == [("answerShippingQuery", 12345678)]
        assert rows[0].payload["ok"] is False
    elif name == "message_with_successful_payment":
        assert methods == []  # deliberate silence
    else:
        assert methods == [("sendMessage", 12345678)]
        text = rows[0].payload["text"]
        if name in {"message", "forwarded_message", "reply_message"}:
            assert text == TEXTS["received"]["en"]
        elif name == "edited_message":
            assert text == TEXTS["edited"]["en"]
        else:
            assert text == TEXTS["text_only"]["en"]
