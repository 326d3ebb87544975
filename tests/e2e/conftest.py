"""The real app on a real port, with the Bot API emulator playing Telegram."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.app import RUNTIME, create_app
from bot.config import load_settings
from bot.db import SessionFactory
from bot.runtime import Runtime
from tests.app.support import write_faq
from tests.emulator import BotAPIEmulator, make_token


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def emu() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as emulator:
        yield emulator


@pytest.fixture
def token(emu: BotAPIEmulator) -> str:
    value = make_token()
    emu.add_bot(value, username="citizen_desk_bot")
    return value


@dataclass
class RunningApp:
    runtime: Runtime
    port: int
    runner: web.AppRunner

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        await self.runner.cleanup()


StartApp = Callable[..., Awaitable[RunningApp]]


@pytest.fixture
async def start_app(
    emu: BotAPIEmulator, token: str, db_url: str, session_factory: SessionFactory, tmp_path: Path
) -> AsyncIterator[StartApp]:
    """Start ``create_app`` on a free port: webhook mode by default, ``webhook=False`` polls
    (``clock=`` hands the app a clock)."""
    started: list[RunningApp] = []
    faq = write_faq(tmp_path / "faq")

    async def start(*, webhook: bool = True, **settings: Any) -> RunningApp:
        port = free_port()
        values: dict[str, Any] = {
            "bot_token": token,
            "telegram_api_url": emu.base_url,
            "webhook_base_url": f"http://127.0.0.1:{port}" if webhook else None,
            "database_url": db_url,
            "faq_dir": faq,
            "faq_watch": False,
            "port": port,
            "redis_url": None,
        }
        values.update(settings)
        fsm_prefix = values.pop("fsm_prefix", "citizen-desk:fsm")
        clock = values.pop("clock", None)
        app = create_app(
            load_settings(**values),
            session_factory=session_factory,
            polling_timeout=5,
            fsm_prefix=fsm_prefix,
            clock=clock,
        )
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        running = RunningApp(app[RUNTIME], port, runner)
        started.append(running)
        return running

    yield start
    for running in started:
        await running.stop()
