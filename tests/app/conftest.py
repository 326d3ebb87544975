"""Fixtures: the real app (webhook mode, recording bot) on a real database."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import ClientResponse
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func
from sqlmodel import select

from bot.app import RUNTIME, create_app
from bot.config import Settings, load_settings
from bot.db import SessionFactory
from bot.runtime import Runtime
from handlers.telegram.citizen_commands import MENU_CHAT_ID
from tests.app.support import SECRET, TEST_TOKEN, RecordingSession, recording_bot, write_faq
from tickets.models import Outbox, ProcessedUpdate

WEBHOOK_PATH = "/telegram/webhook"


@pytest.fixture
def faq_dir(tmp_path: Path) -> Path:
    return write_faq(tmp_path / "faq")


@pytest.fixture
def make_settings(db_url: str, faq_dir: Path) -> Callable[..., Settings]:
    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "bot_token": TEST_TOKEN,
            "webhook_base_url": "https://desk.example.gov",
            "webhook_secret": SECRET,
            "database_url": db_url,
            "faq_dir": faq_dir,
            "faq_watch": False,
            "outbox_enabled": False,  # tests read the queued rows
            "scheduler_enabled": False,
            "redis_url": None,
        }
        values.update(overrides)
        return load_settings(**values)

    return make


class AppHarness:
    def __init__(self, client: TestClient, session: RecordingSession) -> None:
        self.client = client
        self.telegram = session

    @property
    def runtime(self) -> Runtime:
        return self.client.server.app[RUNTIME]

    async def post(
        self, body: Any = None, *, secret: str | None = SECRET, raw: bytes | None = None
    ) -> ClientResponse:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        if raw is None:
            raw = json.dumps(body, ensure_ascii=False).encode()
        return await self.client.post(WEBHOOK_PATH, data=raw, headers=headers)


MakeApp = Callable[..., Awaitable[AppHarness]]


@pytest.fixture
async def make_app(
    make_settings: Callable[..., Settings], session_factory: SessionFactory
) -> AsyncIterator[MakeApp]:
    clients: list[TestClient] = []

    async def make(
        *, settings: Settings | None = None, factory: SessionFactory | None = None, **kw: Any
    ) -> AppHarness:
        bot, recorder = recording_bot()
        app = create_app(
            settings or make_settings(), bot=bot, session_factory=factory or session_factory, **kw
        )
        client = TestClient(TestServer(app))
        await client.start_server()
        clients.append(client)
        return AppHarness(client, recorder)

    yield make
    for client in clients:
        await client.close()


@pytest.fixture
async def harness(make_app: MakeApp) -> AppHarness:
    return await make_app()


async def count(session_factory: SessionFactory, model: Any) -> int:
    async with session_factory() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


def is_command_menu(row: Outbox) -> bool:
    """A ``setMyCommands`` call the app queues at start-up (not a reaction to an update)."""
    return row.method == "setMyCommands" and row.chat_id == MENU_CHAT_ID


async def all_outbox_rows(session_factory: SessionFactory) -> list[Outbox]:
    async with session_factory() as session:
        return list((await session.exec(select(Outbox).order_by(Outbox.id))).all())  # type: ignore[arg-type]


async def outbox_rows(session_factory: SessionFactory) -> list[Outbox]:
    """The queued calls reacting to updates: every row but the start-up command menus
    (which ``test_start_up_queues_the_command_menus_once`` pins down exactly)."""
    return [r for r in await all_outbox_rows(session_factory) if not is_command_menu(r)]


async def menu_rows(session_factory: SessionFactory) -> list[Outbox]:
    return [r for r in await all_outbox_rows(session_factory) if is_command_menu(r)]


async def processed(session_factory: SessionFactory) -> dict[int, str]:
    async with session_factory() as session:
        rows = (await session.exec(select(ProcessedUpdate))).all()
        return {r.update_id: r.kind for r in rows}
