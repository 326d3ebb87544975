"""Fixtures: a running WeChat emulator and a tiny hand-written callback service.

The service does what a WeChat channel must (signature check, safe-mode envelope, DTD-free
parsing, MsgId deduplication) in a few lines, using the emulator's crypto helpers; it is not
the project's channel, only a counterpart to exercise the emulator.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.wechat_emulator import (
    CryptoError,
    WeChatCipher,
    WeChatEmulator,
    XmlError,
    build_xml,
    make_aes_key,
    make_nonce,
    msg_signature,
    parse_fields,
    url_signature,
)

TOKEN = "emuToken2026"
MAX_BODY = 64 * 1024
MAX_AGE = 300

Respond = Callable[[dict[str, Any]], Awaitable[str | dict[str, Any] | None]]


@dataclass
class Service:
    """The callback under test in these tests; scripted with ``respond`` and ``hold``."""

    token: str = TOKEN
    app_id: str = ""
    original_id: str = ""
    cipher: WeChatCipher | None = None
    encrypt_replies: bool = True
    url: str = ""
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)  # accepted (decrypted) ones
    acted: list[dict[str, Any]] = field(default_factory=list)  # first time a MsgId was seen
    rejected: list[tuple[int, str]] = field(default_factory=list)
    respond: Respond | None = None  # default: echo the text back
    hold: list[float] = field(default_factory=list)  # per request: seconds to stall first
    release: asyncio.Event = field(default_factory=asyncio.Event)
    seen: set[str] = field(default_factory=set)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    duplicate_seen: asyncio.Event = field(default_factory=asyncio.Event)
    clock: Callable[[], float] = time.time  # the fixtures use the emulator's clock

    def reply_xml(self, msg: dict[str, Any], reply: dict[str, Any]) -> str:
        fields = {
            "ToUserName": msg["FromUserName"],
            "FromUserName": msg["ToUserName"],
            "CreateTime": int(time.time()),
            **reply,
        }
        xml = build_xml(fields)
        if self.cipher is None or not self.encrypt_replies:
            return xml
        encrypted = self.cipher.encrypt(xml)
        timestamp, nonce = str(int(time.time())), make_nonce()
        return build_xml(
            {
                "Encrypt": encrypted,
                "MsgSignature": msg_signature(self.token, timestamp, nonce, encrypted),
                "TimeStamp": timestamp,
                "Nonce": nonce,
            }
        )

    def _signed(self, request: web.Request) -> bool:
        query = request.query
        timestamp = query.get("timestamp", "")
        if not timestamp.isdigit() or abs(self.clock() - int(timestamp)) > MAX_AGE:
            return False
        expected = url_signature(self.token, timestamp, query.get("nonce", ""))
        return hmac.compare_digest(expected, query.get("signature", ""))

    def _refuse(self, status: int, why: str) -> web.Response:
        self.rejected.append((status, why))
        return web.Response(status=status, text=why)

    async def handle_get(self, request: web.Request) -> web.Response:
        if not self._signed(request):
            return self._refuse(403, "bad signature")
        return web.Response(text=request.query.get("echostr", ""))

    async def handle_post(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.requests.append((dict(request.query), body))
        if not self._signed(request):
            return self._refuse(403, "bad signature")
        try:
            msg = parse_fields(body)
            if request.query.get("encrypt_type") == "aes":
                if self.cipher is None:
                    return self._refuse(400, "not in safe mode")
                encrypted = str(msg.get("Encrypt", ""))
                query = request.query
                expected = msg_signature(self.token, query["timestamp"], query["nonce"], encrypted)
                if not hmac.compare_digest(expected, query.get("msg_signature", "")):
                    return self._refuse(403, "bad msg_signature")
                msg = parse_fields(self.cipher.decrypt(encrypted).xml)
            elif self.cipher is not None:
                return self._refuse(400, "safe mode wants encrypt_type=aes")
        except (XmlError, CryptoError) as exc:
            return self._refuse(400, str(exc))
        if not msg.get("FromUserName") or not msg.get("MsgType"):
            return self._refuse(400, "missing fields")
        if msg.get("ToUserName") != self.original_id:
            return self._refuse(400, "not for this account")
        self.messages.append(msg)
        if self.hold:
            stall = self.hold.pop(0)
            try:
                async with asyncio.timeout(stall):
                    await self.release.wait()
            except TimeoutError:
                pass
        key = str(msg.get("MsgId") or f"{msg['FromUserName']}:{msg.get('CreateTime')}")
        if key in self.seen:  # WeChat's retry, or a replay: answered already
            self.duplicates.append(msg)
            self.duplicate_seen.set()
            return web.Response(text="success")
        self.seen.add(key)
        self.acted.append(msg)
        reply: str | dict[str, Any] | None
        if self.respond is not None:
            reply = await self.respond(msg)
        elif msg.get("MsgType") == "text":
            reply = {"MsgType": "text", "Content": f"echo: {msg.get('Content')}"}
        else:
            reply = "success"
        if reply is None:
            return web.Response(text="")
        if isinstance(reply, str):
            return web.Response(text=reply)
        return web.Response(text=self.reply_xml(msg, reply), content_type="application/xml")


async def _status(request: web.Request) -> web.Response:
    return web.Response(status=int(request.match_info["code"]), text="scripted")


async def _serve(service: Service) -> AsyncIterator[Service]:
    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_get("/wechat", service.handle_get)
    app.router.add_post("/wechat", service.handle_post)
    app.router.add_route("*", "/status/{code}", _status)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.2)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    service.url = f"http://127.0.0.1:{runner.addresses[0][1]}/wechat"
    try:
        yield service
    finally:
        service.release.set()
        await runner.cleanup()


@pytest.fixture
async def service() -> AsyncIterator[Service]:
    async for running in _serve(Service()):
        yield running


@pytest.fixture
async def emu(service: Service) -> AsyncIterator[WeChatEmulator]:
    """Plaintext mode, the callback pointed at ``service``; a short 5-second rule."""
    async with WeChatEmulator(service.url, token=TOKEN) as emulator:
        emulator.reply_timeout = 2.0  # tests of the 5-second rule set less and stall
        service.app_id, service.original_id = emulator.app_id, emulator.original_id
        service.clock = emulator.now
        yield emulator


@pytest.fixture(params=["safe", "compatible"])
async def safe_emu(
    request: pytest.FixtureRequest, service: Service
) -> AsyncIterator[WeChatEmulator]:
    """Safe (or compatible) mode: the service holds the same EncodingAESKey."""
    aes_key = make_aes_key()
    async with WeChatEmulator(
        service.url, token=TOKEN, aes_key=aes_key, mode=request.param
    ) as emulator:
        emulator.reply_timeout = 2.0  # tests of the 5-second rule set less and stall
        service.app_id, service.original_id = emulator.app_id, emulator.original_id
        service.clock = emulator.now
        service.cipher = WeChatCipher(aes_key, emulator.app_id)
        yield emulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


class Api:
    """The service's side of the WeChat API, in a few lines (what a channel would do)."""

    def __init__(self, emu: WeChatEmulator, http: aiohttp.ClientSession) -> None:
        self.emu = emu
        self.http = http

    async def token(self, secret: str | None = None, appid: str | None = None) -> dict[str, Any]:
        params = {
            "grant_type": "client_credential",
            "appid": appid or self.emu.app_id,
            "secret": secret or self.emu.app_secret,
        }
        async with self.http.get(f"{self.emu.base_url}/cgi-bin/token", params=params) as resp:
            return await resp.json()

    async def access_token(self) -> str:
        return str((await self.token())["access_token"])

    async def post(self, path: str, token: str, payload: Any) -> dict[str, Any]:
        data = payload if isinstance(payload, bytes) else _json(payload)
        url = f"{self.emu.base_url}/cgi-bin/{path}"
        async with self.http.post(url, params={"access_token": token}, data=data) as resp:
            return await resp.json()

    async def send_text(self, token: str, openid: str, content: str) -> dict[str, Any]:
        payload = {"touser": openid, "msgtype": "text", "text": {"content": content}}
        return await self.post("message/custom/send", token, payload)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


@pytest.fixture
def api(emu: WeChatEmulator, http: aiohttp.ClientSession) -> Api:
    return Api(emu, http)
