"""The webhook route on a real database (SQLite file and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiogram import BaseMiddleware
from aiogram.methods import SetWebhook
from sqlmodel import select

from bot.db import SessionFactory
from handlers.telegram.citizen_commands import MENU_CHAT_ID, command_menu_calls
from handlers.telegram.outgoing import Outgoing
from locales import t
from tests.app.conftest import (
    AppHarness,
    MakeApp,
    count,
    menu_rows,
    outbox_rows,
    processed,
)
from tests.app.support import (
    DatabaseFault,
    all_sample_names,
    buttons,
    faq_answer,
    helpful_buttons,
    offer_buttons,
    sample_update,
    text_update,
    welcome_text,
)
from tickets.models import ProcessedUpdate, UnansweredQuestion


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
    assert await outbox_rows(session_factory) == []


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
        (
            b'{"update_id": 8, "message": {"message_id": 1, "date": 1, "chat": {"id": 5, '
            b'"type": "private"}, "text": "\\ud800 hi"}}',
            400,
            "lone surrogate",
        ),
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


def _nested(levels: int, opener: str = "[", closer: str = "]") -> bytes:
    return ('{"update_id": 1, "deep": ' + opener * levels + closer * levels + "}").encode()


@pytest.mark.parametrize(
    "raw",
    [
        _nested(100_000),  # json.loads: RecursionError
        _nested(5_000, '{"a":', "}"),
        _nested(2_000),
        _nested(70),  # decodes, but deeper than any Telegram update
    ],
    ids=["100000-arrays", "5000-objects", "2000-arrays", "70-arrays"],
)
async def test_deep_nesting_is_400(
    harness: AppHarness, session_factory: SessionFactory, raw: bytes
) -> None:
    response = await harness.post(raw=raw)
    assert response.status == 400
    body = await response.json()
    assert "nested" in body["error"]
    assert await count(session_factory, ProcessedUpdate) == 0


def _with(path: tuple[str, ...], value: int, update_id: int = 11) -> dict[str, Any]:
    update = text_update(update_id, "hello")
    if path == ("message", "reply_to_message"):
        update["message"]["reply_to_message"] = {
            "message_id": 1,
            "date": 1760000000,
            "chat": {"id": 5550001, "type": "private"},
            "from": {"id": value, "is_bot": False, "first_name": "Bo"},
            "text": "earlier",
        }
        return update
    node: dict[str, Any] = update
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return update


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("update_id",), 2**63),
        (("update_id",), 2**70),
        (("message", "chat", "id"), 2**64 + 5),
        (("message", "from", "id"), 2**63),
        (("message", "from", "id"), -(2**63) - 1),
        (("message", "message_id"), 10**30),
        (("message", "date"), 2**65),
        (("message", "reply_to_message"), 2**100),  # a nested sender's id
    ],
)
async def test_integers_beyond_64_bits_are_400(
    harness: AppHarness, session_factory: SessionFactory, path: tuple[str, ...], value: int
) -> None:
    response = await harness.post(_with(path, value))
    assert response.status == 400
    assert "64-bit" in (await response.json())["error"]
    assert await count(session_factory, ProcessedUpdate) == 0
    assert await outbox_rows(session_factory) == []


async def test_the_largest_64_bit_ids_are_processed(
    harness: AppHarness, session_factory: SessionFactory
) -> None:
    big = 2**63 - 1
    update = text_update(big, "hello", chat_id=big)
    response = await harness.post(update)
    assert response.status == 200
    assert (await response.json())["outcome"] == "ok"
    assert await processed(session_factory) == {big: "message"}
    assert [(r.chat_id, r.payload["text"]) for r in await outbox_rows(session_factory)] == [
        (big, t("en", "chitchat"))
    ]


@pytest.mark.parametrize("kind", ["message", "edited_message"])
@pytest.mark.parametrize("text", ["hello", "/start", "/mytickets", "结婚登记需要什么材料？"])
async def test_private_message_without_a_sender_is_ignored(
    harness: AppHarness, session_factory: SessionFactory, kind: str, text: str
) -> None:
    update = text_update(12, text)
    del update["message"]["from"]
    if kind == "edited_message":
        update["edited_message"] = update.pop("message")
        update["edited_message"]["edit_date"] = 1760000100
    response = await harness.post(update)
    assert response.status == 200
    assert await response.json() == {"ok": True, "outcome": "ignored"}
    assert await processed(session_factory) == {12: kind}
    assert await outbox_rows(session_factory) == []


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
    assert await outbox_rows(session_factory) == []


async def test_start_up_queues_the_command_menus_once(
    make_app: MakeApp, session_factory: SessionFactory
) -> None:
    harness = await make_app()
    expected = command_menu_calls()
    rows = await menu_rows(session_factory)
    # (the outbox sets every payload's chat_id to its row's: MENU_CHAT_ID here)
    assert [(r.method, r.payload) for r in rows] == [
        ("setMyCommands", {**p, "chat_id": MENU_CHAT_ID}) for p in expected
    ]
    assert all(r.status == "pending" and r.dedupe_key for r in rows)
    # Neither /start (which queues them too) nor a second instance queues them again.
    await harness.post(text_update(3, "/start"))
    await make_app()
    assert [r.id for r in await menu_rows(session_factory)] == [r.id for r in rows]


@pytest.mark.parametrize(
    ("text", "lang", "expected_lang"),
    [
        ("My street light is broken", "en", "en"),
        ("My street light is broken", "zh-hans", "zh"),
        ("My street light is broken", None, "en"),  # no language code: the text's language
        ("我家门口的路灯坏了", None, "zh"),
    ],
)
async def test_private_question_without_an_answer_gets_the_offer_in_the_users_language(
    harness: AppHarness,
    session_factory: SessionFactory,
    text: str,
    lang: str | None,
    expected_lang: str,
) -> None:
    response = await harness.post(text_update(100, text, lang=lang))
    assert response.status == 200
    assert await response.json() == {"ok": True, "outcome": "ok"}
    rows = await outbox_rows(session_factory)
    assert [(r.chat_id, r.method, r.payload["text"]) for r in rows] == [
        (5550001, "sendMessage", t(expected_lang, "faq-none"))
    ]
    assert buttons(rows[0].payload["reply_markup"]) == offer_buttons(expected_lang, 100)
    assert rows[0].status == "pending"
    assert await processed(session_factory) == {100: "message"}
    async with session_factory() as session:
        gaps = (await session.exec(select(UnansweredQuestion))).all()
    assert [(g.text, g.lang, g.decision) for g in gaps] == [(text, expected_lang, "none")]


async def test_start_command_gets_the_welcome(
    harness: AppHarness, session_factory: SessionFactory
) -> None:
    await harness.post(text_update(5, "/start", lang="zh"))
    rows = await outbox_rows(session_factory)
    assert [(r.chat_id, r.payload["text"]) for r in rows] == [(5550001, welcome_text("zh", "Ada"))]


@pytest.mark.parametrize(
    ("text", "lang", "entry_id"),
    [
        ("结婚登记需要什么材料？", "zh", "marriage-registration"),
        ("How do I get rid of an old sofa?", "en", "garbage-pickup"),
    ],
)
async def test_faq_question_gets_the_faq_answer(
    harness: AppHarness,
    session_factory: SessionFactory,
    faq_dir: Path,
    text: str,
    lang: str,
    entry_id: str,
) -> None:
    await harness.post(text_update(6, text, lang=lang))
    rows = await outbox_rows(session_factory)
    assert [(r.chat_id, r.payload["text"]) for r in rows] == [
        (5550001, faq_answer(faq_dir, entry_id, lang))
    ]
    assert rows[0].payload["reply_parameters"]["message_id"] == 6
    assert buttons(rows[0].payload["reply_markup"]) == helpful_buttons(lang, 6)


async def test_group_messages_are_ignored_silently(
    harness: AppHarness, session_factory: SessionFactory
) -> None:
    response = await harness.post(text_update(9, "hello group", chat_type="supergroup"))
    assert response.status == 200
    assert (await response.json())["outcome"] == "ignored"
    assert await outbox_rows(session_factory) == []
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
    assert await replies(session_factory) == [t("en", "chitchat")]


async def test_concurrent_duplicates_are_decided_by_the_unique_key(
    harness: AppHarness, session_factory: SessionFactory
) -> None:
    update = text_update(300, "hello")
    responses = await asyncio.gather(*(harness.post(update) for _ in range(6)))
    outcomes = sorted([(await r.json())["outcome"] for r in responses])
    assert all(r.status == 200 for r in responses)
    assert outcomes == ["duplicate"] * 5 + ["ok"]
    assert await replies(session_factory) == [t("en", "chitchat")]


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
    assert [r.payload["text"] for r in rows] == [t("zh", "apology")]
    assert await processed(session_factory) == {400: "message:error"}
    assert any("ZeroDivisionError" in (r.exc_text or "") for r in caplog.records)
    # Redelivery of the poisoned update does nothing more.
    again = await harness.post(text_update(400, "boom", lang="zh-TW"))
    assert (await again.json())["outcome"] == "duplicate"
    assert len(await outbox_rows(session_factory)) == 1


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
    assert await outbox_rows(session_factory) == []
    retry = await harness.post(update)
    assert retry.status == 200
    assert (await harness.post(update)).status == 200  # and a third time: duplicate
    assert await count(session_factory, ProcessedUpdate) == 1
    assert await replies(session_factory) == [t("en", "chitchat")]


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
    ("text", "reaction"),
    [
        ("a" * 5000, "faq-none"),
        ("长" * 4097, "faq-none"),
        ("👨‍👩‍👧‍👦" * 1500, "chitchat"),  # ZWJ family emoji: 11 UTF-16 units each, no words
        ("مرحبا، أين مكتب البلدية؟ \u202eRTL override\u202c", "faq-none"),
        ("nul\x00inside\x00text", "faq-none"),
        ("\x00", "hint-other"),  # nothing left once NULs are removed: the "text, please" hint
        ("   ", "chitchat"),
        ("e\u0301\u0301\u0301 combining, \ufeff BOM, \U0010ffff private", "faq-none"),
    ],
)
async def test_odd_unicode_and_huge_texts_are_handled(
    harness: AppHarness,
    session_factory: SessionFactory,
    db_url: str,
    request: pytest.FixtureRequest,
    text: str,
    reaction: str,
) -> None:
    response = await harness.post(text_update(700, text))
    assert response.status == 200
    assert (await response.json())["outcome"] == "ok"
    rows = await outbox_rows(session_factory)
    assert [r.payload["text"] for r in rows] == [t("en", reaction)]
    assert "\x00" not in json.dumps(rows[0].payload)
    if reaction == "faq-none":  # the question is kept for the gap report, without NULs
        async with session_factory() as session:
            [gap] = (await session.exec(select(UnansweredQuestion))).all()
        assert "\x00" not in gap.text and gap.text.strip()


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
        # The senders' language codes (ru, ln-LN) are neither zh nor en: the texts and
        # captions are English, and without text a non-Chinese code means English.
        assert methods == [("sendMessage", 12345678)]
        payload = rows[0].payload
        update = sample_update(name, 900)
        if name in {"message", "forwarded_message", "reply_message"}:
            # Questions the FAQ cannot answer: the honest offer to send them to a department.
            assert payload["text"] == t("en", "faq-none")
            message_id = update["message"]["message_id"]
            assert buttons(payload["reply_markup"]) == offer_buttons("en", message_id)
        elif name == "edited_message":
            assert payload["text"] == t("en", "edited")
            edited_id = update["edited_message"]["message_id"]
            assert payload["reply_parameters"]["message_id"] == edited_id
        elif name in ATTACHMENT_HINTS:
            assert payload["text"] == t("en", ATTACHMENT_HINTS[name])
            assert buttons(payload["reply_markup"]) == [
                [(t("en", "btn-new_with_attachment"), "tf:new:")]
            ]
        else:
            assert name in TEXT_ONLY_SHAPES, name
            assert payload["text"] == t("en", "hint-other")
            assert "reply_markup" not in payload


# A photo, file or location outside the form is kept for a request ("Submit a request"
# attaches it).
ATTACHMENT_HINTS = {
    "message_with_photo": "hint-photo",
    "message_with_document": "hint-document",
    "message_with_location": "hint-location",
}
TEXT_ONLY_SHAPES = {
    "message_with_audio",
    "message_with_game",
    "message_with_invoice",
    "message_with_sticker",
    "message_with_video",
    "message_with_voice",
}


async def replies(session_factory: SessionFactory) -> list[str]:
    """The texts of the queued reactions to updates."""
    return [r.payload["text"] for r in await outbox_rows(session_factory)]


def test_the_replayed_update_shapes_are_all_there() -> None:
    # An empty folder would silently turn the replay test above into zero cases.
    assert len(all_sample_names()) == 16


async def test_an_escaped_surrogate_pair_is_an_ordinary_character(harness: AppHarness) -> None:
    raw = (
        b'{"update_id": 9, "message": {"message_id": 1, "date": 1, "chat": {"id": 5, '
        b'"type": "private"}, "from": {"id": 5, "is_bot": false, "first_name": "A"}, '
        b'"text": "\\ud83d\\ude00"}}'
    )
    response = await harness.post(raw=raw)
    assert response.status == 200
    assert (await response.json())["ok"] is True
