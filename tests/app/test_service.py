"""Health, metrics, logging, shutdown and the Telegram-less mode of the app."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiogram import BaseMiddleware
from aiohttp.test_utils import TestClient, TestServer

from bot.app import RUNTIME, create_app
from bot.config import Settings
from bot.db import SessionFactory
from bot.logging import JsonFormatter, TextFormatter, log_update
from handlers.telegram.citizen_commands import command_menu_calls
from handlers.telegram.outgoing import split_text
from locales import t
from tests.app.conftest import AppHarness, MakeApp, outbox_rows, processed
from tests.app.support import text_update


async def test_healthz_ok_reports_database_and_knowledge_base(harness: AppHarness) -> None:
    response = await harness.client.get("/healthz")
    assert response.status == 200
    body = await response.json()
    assert body["status"] == "ok"
    assert body["down"] == []
    assert body["database"]["status"] == "ok"
    assert body["knowledge_base"]["entries"] == 2
    assert body["telegram"] == "webhook"


async def test_healthz_503_names_a_broken_knowledge_base(
    make_app: MakeApp, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    broken = tmp_path / "broken-faq"
    broken.mkdir()
    (broken / "x.yaml").write_text("entries:\n  - id: Not Valid!\n", encoding="utf-8")
    app = await make_app(settings=make_settings(faq_dir=broken))
    response = await app.client.get("/healthz")
    assert response.status == 503
    body = await response.json()
    assert body["down"] == ["knowledge_base"]
    assert "x.yaml" in body["knowledge_base"]["first_problem"]


async def test_metrics_exposes_the_series(
    harness: AppHarness, session_factory: SessionFactory
) -> None:
    await harness.post(text_update(1, "hello"))
    await harness.post(text_update(1, "hello"))
    await harness.post(text_update(2, "hi", chat_type="group"))
    await harness.post(raw=b"[]")
    response = await harness.client.get("/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain")
    text = await response.text()
    assert 'citizen_desk_updates_total{kind="message",outcome="ok"} 1.0' in text
    assert 'citizen_desk_updates_total{kind="message",outcome="duplicate"} 1.0' in text
    assert 'citizen_desk_updates_total{kind="message",outcome="ignored"} 1.0' in text
    assert 'citizen_desk_webhook_rejected_total{status="400"} 1.0' in text
    assert 'citizen_desk_update_handling_seconds_count{kind="message"} 3.0' in text
    assert 'citizen_desk_update_handling_seconds_bucket{kind="message",le="+Inf"} 3.0' in text
    # The one reply plus the command menus queued at start-up (the sender is off in tests).
    assert f"citizen_desk_outbox_backlog {1.0 + len(command_menu_calls())}" in text
    assert "citizen_desk_faq_entries 2.0" in text
    assert "citizen_desk_errors_total" in text


def _record(**extra: Any) -> logging.LogRecord:
    record = logging.LogRecord(
        "citizen_desk.updates", logging.INFO, "x", 1, "update %s", (5,), None
    )
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_log_line_carries_the_update_fields() -> None:
    line = JsonFormatter().format(
        _record(update_id=5, kind="message", outcome="ok", latency_ms=1.5)
    )
    data = json.loads(line)
    assert data["message"] == "update 5"
    assert (data["update_id"], data["kind"], data["outcome"], data["latency_ms"]) == (
        5,
        "message",
        "ok",
        1.5,
    )
    assert data["level"] == "INFO"


def test_text_log_line_appends_the_fields() -> None:
    line = TextFormatter().format(_record(update_id=5, kind="message", outcome="ok", latency_ms=2))
    assert line.endswith("update 5 update_id=5 kind=message outcome=ok latency_ms=2")


async def test_one_log_line_per_update(
    harness: AppHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="citizen_desk.updates")
    await harness.post(text_update(10, "hello"))
    await harness.post(text_update(10, "hello"))
    lines = [r for r in caplog.records if r.name == "citizen_desk.updates"]
    assert [(r.update_id, r.kind, r.outcome) for r in lines] == [  # type: ignore[attr-defined]
        (10, "message", "ok"),
        (10, "message", "duplicate"),
    ]
    assert all(isinstance(r.latency_ms, float) for r in lines)  # type: ignore[attr-defined]


def test_log_update_uses_warning_for_errors(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="citizen_desk.updates")
    log_update(3, "message", "error", 1.0)
    assert caplog.records[-1].levelno == logging.WARNING


class Gate(BaseMiddleware):
    """Holds every message until released, to catch an update in flight."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(
        self,
        handler: Callable[[Any, dict[str, Any]], Awaitable[Any]],
        event: Any,
        data: dict[str, Any],
    ) -> Any:
        self.entered.set()
        await self.release.wait()
        return await handler(event, data)


async def test_shutdown_finishes_updates_in_flight(
    harness: AppHarness, session_factory: SessionFactory
) -> None:
    gate = Gate()
    runtime = harness.runtime
    assert runtime.dispatcher is not None
    runtime.dispatcher.message.middleware(gate)
    request = asyncio.create_task(harness.post(text_update(20, "hello")))
    await gate.entered.wait()
    shutdown = asyncio.create_task(runtime.shutdown())
    await asyncio.sleep(0)
    # New updates are refused while draining (Telegram delivers them again later).
    refused = await harness.post(text_update(21, "later"))
    assert refused.status == 503
    assert not shutdown.done()
    gate.release.set()
    response = await request
    await shutdown
    assert response.status == 200
    assert await processed(session_factory) == {20: "message"}
    assert [r.payload["text"] for r in await outbox_rows(session_factory)] == [t("en", "chitchat")]


async def test_without_bot_token_only_the_http_side_runs(
    make_settings: Callable[..., Settings], session_factory: SessionFactory
) -> None:
    settings = make_settings(bot_token=None, webhook_secret=None)
    app = create_app(settings, session_factory=session_factory)
    async with TestClient(TestServer(app)) as client:
        assert app[RUNTIME].mode == "disabled"
        health = await client.get("/healthz")
        assert health.status == 200
        assert (await health.json())["telegram"] == "disabled"
        webhook = await client.post("/telegram/webhook", json=text_update(1, "x"))
        assert webhook.status == 404


def test_split_text_respects_the_limit_and_keeps_everything() -> None:
    text = ("line of text 👨‍👩‍👧 " * 40 + "\n") * 30
    parts = split_text(text)
    assert len(parts) > 1
    assert all(len(p.encode("utf-16-le")) // 2 <= 4096 for p in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")
    assert split_text("short") == ["short"]
    long_word = "x" * 9000
    assert [len(p) for p in split_text(long_word)] == [4096, 4096, 808]


async def test_a_broken_faq_save_keeps_the_live_kb_and_tells_the_admins(
    make_app, make_settings, faq_dir, session_factory
) -> None:
    import asyncio as _asyncio

    from sqlmodel import select as _select

    from tickets.models import Outbox as _Outbox

    harness = await make_app(settings=make_settings(faq_watch=True, admin_ids=[42, 43]))
    knowledge = harness.runtime.knowledge
    before = knowledge.current
    assert before is not None
    failed = _asyncio.Event()
    # Listeners run in order: this one after the one that queues the admins' messages.
    knowledge._holder.add_listener(lambda result: None if result.ok else failed.set())
    (faq_dir / "broken.yaml").write_text(
        "entries:\n  - id: x\n    questions: [\n", encoding="utf-8"
    )

    async def admin_rows() -> list[_Outbox]:
        async with session_factory() as session:
            rows = (
                await session.exec(
                    _select(_Outbox).where(
                        _Outbox.chat_id.in_([42, 43]),
                        _Outbox.dedupe_key.like("faq-problems:%"),  # not the calendar warning
                    )
                )
            ).all()
        return list(rows)

    async with _asyncio.timeout(15):  # the watcher debounces, then reloads in a thread
        await failed.wait()
    rows = await admin_rows()
    assert {r.chat_id for r in rows} == {42, 43}
    assert all("broken.yaml:" in r.payload["text"] for r in rows)
    assert knowledge.current is before  # the previous knowledge base stays live
    status = (await (await harness.client.get("/healthz")).json())["knowledge_base"]
    assert status["status"] == "ok" and status["reload_problems"]


@pytest.mark.parametrize(
    ("now", "warned"),
    [("2026-11-02T03:00:00+08:00", True), ("2026-10-30T10:00:00+08:00", False)],
)
async def test_the_start_tells_the_admins_when_next_year_has_no_holiday_schedule(
    make_app: MakeApp,
    make_settings: Callable[..., Settings],
    session_factory: SessionFactory,
    now: str,
    warned: bool,
) -> None:
    from datetime import datetime

    from tickets.clock import FixedClock

    clock = FixedClock(datetime.fromisoformat(now))
    await make_app(settings=make_settings(admin_ids=[42, 43]), clock=clock)
    rows = [r for r in await outbox_rows(session_factory) if r.chat_id in (42, 43)]
    if not warned:
        assert rows == []
        return
    assert sorted(r.dedupe_key for r in rows) == [
        "calendar-coverage:2026-11-02:42",
        "calendar-coverage:2026-11-02:43",
    ]
    assert all("2027" in r.payload["text"] for r in rows)


@pytest.mark.parametrize("data", ["", "x", "tk:take:abc", "an:99999999999999999999999", "sf:an1"])
async def test_a_button_no_router_knows_is_answered_not_left_spinning(
    harness: AppHarness, session_factory: SessionFactory, data: str
) -> None:
    # An old message's button after a change of the callback data, or forged data: before,
    # nothing answered it and the citizen's client showed its spinner until it gave up.
    body = {
        "update_id": 77,
        "callback_query": {
            "id": "q77",
            "chat_instance": "c",
            "data": data,
            "from": {"id": 7001, "is_bot": False, "first_name": "A", "language_code": "zh"},
            "message": {
                "message_id": 5,
                "date": 1,
                "chat": {"id": 7001, "type": "private"},
                "from": {"id": 123456789, "is_bot": True, "first_name": "Desk"},
                "text": "旧消息",
            },
        },
    }
    assert (await harness.post(body)).status == 200
    rows = await outbox_rows(session_factory)
    assert [(r.method, r.payload["callback_query_id"], r.payload["text"]) for r in rows] == [
        ("answerCallbackQuery", "q77", t("zh", "stale"))
    ]
