"""The HTTP side: an aiohttp server answering ``/bot<token>/<method>`` like api.telegram.org."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

import aiohttp
from aiohttp import web

from .core import ApiError
from .methods import BotMethods
from .params import ParamError, read_params
from .updates import UserActions

UNAUTHORIZED = {"ok": False, "error_code": 401, "description": "Unauthorized"}
NOT_FOUND = {"ok": False, "error_code": 404, "description": "Not Found"}


class BotAPIEmulator(UserActions, BotMethods):
    """A Telegram Bot API server for end-to-end tests.

    Point aiogram at it with
    ``Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.base_url)))``.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        accept_any_token: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(accept_any_token=accept_any_token, clock=clock)
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._tasks = set()
        self._user_ids = itertools.count(700_000_001)
        self._group_ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        if self._runner is None:
            raise RuntimeError("emulator not started")
        return f"http://{self.host}:{self.port}"

    def file_url(self, token: str, file_path: str) -> str:
        return f"{self.base_url}/file/bot{token}/{file_path}"

    # ---------------------------------------------------------- lifecycle
    async def start(self) -> BotAPIEmulator:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._http = aiohttp.ClientSession()
        self._stopping.clear()
        return self

    async def stop(self) -> None:
        self._stopping.set()
        await self._notify()  # long polls and waiters wake up
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotAPIEmulator:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ------------------------------------------------------------ routes
    async def _handle_api(self, request: web.Request) -> web.Response:
        bot = self._bot_for_token(request.match_info["token"])
        if bot is None:
            return web.json_response(UNAUTHORIZED, status=401)
        method = request.match_info["method"]
        try:
            params, files = await read_params(request)
        except ParamError as exc:
            error = ApiError(400, f"Bad Request: {exc}")
            return web.json_response(error.body(), status=400)
        call = await self.execute(bot, method, params, files)
        return web.json_response(call.response, status=call.status)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        bot = self._bot_for_token(request.match_info["token"])
        if bot is None:
            return web.json_response(UNAUTHORIZED, status=401)
        path = request.match_info["file_path"]
        for stored in self.files.values():
            if stored.file_path == path:
                return web.Response(
                    body=stored.content,
                    content_type=stored.mime_type or "application/octet-stream",
                )
        return web.json_response(NOT_FOUND, status=404)

    def __repr__(self) -> str:
        where = f"{self.host}:{self.port}" if self._runner else "stopped"
        return f"<BotAPIEmulator {where} bots={len(self.bots)} calls={len(self.calls)}>"


def make_token(
    bot_id: int = 123456789, secret: str = "AAEmulatorSecretToken_0123456789abcdef"
) -> str:
    """A syntactically valid bot token."""
    return f"{bot_id}:{secret}"


def as_dict(value: Any) -> Any:
    """``aiogram`` objects -> plain JSON-like data (handy in assertions)."""
    if isinstance(value, list | tuple):
        return [as_dict(item) for item in value]
    dump = getattr(value, "model_dump", None)
    return dump(mode="json", exclude_none=True, by_alias=True) if dump else value
