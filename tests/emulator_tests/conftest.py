"""Fixtures: a running emulator, an aiogram Bot pointed at it, a tiny webhook receiver."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiohttp import web

from tests.emulator import BotAPIEmulator, make_token

TOKEN = make_token()


@pytest.fixture
async def emu() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as emulator:
        emulator.add_bot(TOKEN, username="citizen_desk_bot", first_name="Citizen Desk")
        yield emulator


class LocalSession(AiohttpSession):
    """aiogram's session without the 250 ms pause it takes on close (meant for TLS)."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(emu: BotAPIEmulator, token: str = TOKEN, **session_kwargs: Any) -> Bot:
    api = TelegramAPIServer.from_base(emu.base_url)
    return Bot(token, session=LocalSession(api=api, **session_kwargs))


@pytest.fixture
async def bot(emu: BotAPIEmulator) -> AsyncIterator[Bot]:
    tg_bot = make_bot(emu)
    yield tg_bot
    await tg_bot.session.close()


@dataclass
class Receiver:
    """A webhook endpoint answering with scripted statuses; records what it got."""

    url: str = ""
    statuses: list[int] = field(default_factory=list)  # consumed first; then 200
    requests: list[tuple[dict[str, str], dict[str, Any]]] = field(default_factory=list)
    respond: Callable[[web.Request, dict[str, Any]], Awaitable[web.Response]] | None = None


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver()

    async def handle(request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        state.requests.append((dict(request.headers), body))
        if state.statuses:
            return web.json_response({"error": "scripted"}, status=state.statuses.pop(0))
        if state.respond is not None:
            return await state.respond(request, body)
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state.url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    yield state
    await runner.cleanup()
