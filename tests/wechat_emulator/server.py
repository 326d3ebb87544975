"""The HTTP side: an aiohttp server answering ``/cgi-bin/...`` like api.weixin.qq.com, and
the client that pushes to the service's callback URL."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from types import TracebackType

import aiohttp
from aiohttp import web

from .api import WeChatApi
from .forged import Forgery


class WeChatEmulator(Forgery, WeChatApi):
    """The WeChat Official Account platform for end-to-end tests (see README.md).

    ``WECHAT_API_URL=emu.base_url``; the service's callback URL goes in
    ``WeChatEmulator(callback_url=...)`` or ``emu.configure(callback_url=...)``.
    """

    def __init__(
        self,
        callback_url: str | None = None,
        *,
        token: str = "citizendesk",
        app_id: str | None = None,
        app_secret: str | None = None,
        aes_key: str | None = None,
        mode: str | None = None,
        original_id: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(
            callback_url=callback_url,
            token=token,
            app_id=app_id,
            app_secret=app_secret,
            aes_key=aes_key,
            mode=mode,
            original_id=original_id,
            clock=clock,
        )
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._tasks = set()

    @property
    def base_url(self) -> str:
        if self._runner is None:
            raise RuntimeError("emulator not started")
        return f"http://{self.host}:{self.port}"

    def settings(self) -> dict[str, str]:
        """The service's WECHAT_* settings that match this account."""
        values = {
            "WECHAT_TOKEN": self.token,
            "WECHAT_APP_ID": self.app_id,
            "WECHAT_APP_SECRET": self.app_secret,
            "WECHAT_API_URL": self.base_url,
        }
        if self.mode != "plaintext" and self.aes_key:
            values["WECHAT_AES_KEY"] = self.aes_key
        return values

    # ---------------------------------------------------------- lifecycle
    async def start(self) -> WeChatEmulator:
        app = web.Application(client_max_size=30 * 1024 * 1024)
        app.router.add_route("*", "/cgi-bin/{path:.+}", self._handle_api)
        app.router.add_get("/mmbiz/{media_id}", self._handle_pic)
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
        await self._notify()
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

    async def __aenter__(self) -> WeChatEmulator:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _handle_pic(self, request: web.Request) -> web.StreamResponse:
        """A user's photo by its PicUrl (no access_token needed, like WeChat's CDN)."""
        media = self.media.get(request.match_info["media_id"])
        if media is None or media.type != "image":
            return web.Response(status=404, text="404 Not Found")
        return web.Response(body=media.content, content_type=media.content_type)

    def __repr__(self) -> str:
        where = f"{self.host}:{self.port}" if self._runner else "stopped"
        return (
            f"<WeChatEmulator {where} {self.mode} pushes={len(self.pushes)} "
            f"calls={len(self.calls)}>"
        )
