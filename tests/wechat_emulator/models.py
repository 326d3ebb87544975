"""Plain data held by the WeChat emulator: users, pushes and their attempts, replies, API calls."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

# What WeChat shows the user when the callback fails or answers something invalid.
SERVICE_UNAVAILABLE = "该公众号暂时无法提供服务，请稍后再试"


@dataclass
class WxUser:
    """A WeChat user following (or not) the official account."""

    openid: str
    lang: str = "zh_CN"
    subscribed: bool = True
    subscribe_time: int | None = None
    subscribe_scene: str = "ADD_SCENE_SEARCH"
    qr_scene_str: str = ""
    unionid: str | None = None
    last_interaction: float | None = None  # emulator clock; opens the 48-hour window
    sent_since_interaction: int = 0  # customer-service messages since then (45047 quota)

    def __hash__(self) -> int:
        return hash(self.openid)


@dataclass
class Media:
    """A file the emulator holds: sent by a user (image, voice) or uploaded by the service."""

    media_id: str
    type: str  # image | voice | video | thumb
    content: bytes
    content_type: str
    created_at: int
    filename: str = "file"
    origin: str = "user"  # user | upload


@dataclass
class Reply:
    """A passive reply, parsed: ``kind`` is text / image / voice / video / music / news /
    transfer_customer_service, or ``success`` / ``empty`` (nothing shown), or ``invalid``
    (WeChat would show the user "service unavailable"; ``error`` says why)."""

    kind: str
    raw: str = ""
    fields: dict[str, Any] = field(default_factory=dict)
    encrypted: bool = False
    error: str | None = None

    @property
    def content(self) -> str | None:
        return self.fields.get("Content") if self.kind == "text" else None

    @property
    def media_id(self) -> str | None:
        for key in ("Image", "Voice", "Video"):
            block = self.fields.get(key)
            if isinstance(block, dict):
                return block.get("MediaId")
        return None

    @property
    def articles(self) -> list[dict[str, Any]]:
        articles = self.fields.get("Articles")
        return articles if isinstance(articles, list) else []

    @property
    def shown(self) -> bool:
        """Whether the user sees a message from this reply."""
        return self.kind not in ("success", "empty", "invalid", "transfer_customer_service")


@dataclass
class PushAttempt:
    """One POST of a push to the callback URL."""

    number: int
    params: dict[str, str]
    body: str
    status: int | None = None
    response: str = ""
    error: str | None = None  # timeout / connection error / bad status
    latency: float = 0.0
    reply: Reply | None = None
    at: float = 0.0

    @property
    def timed_out(self) -> bool:
        return self.error == "timeout"


class Push:
    """A message or event WeChat pushes to the callback, with every attempt (the 5 s rule)."""

    def __init__(self, user: WxUser | None, fields: dict[str, Any], xml: str) -> None:
        self.user = user
        self.fields = fields
        self.xml = xml
        self.attempts: list[PushAttempt] = []
        self.status = "pending"  # pending | answered | failed
        self.reply: Reply | None = None
        self.inbox_mark = 0  # the user's inbox length when the push was made
        self._done = asyncio.Event()

    @property
    def msg_type(self) -> str:
        return str(self.fields.get("MsgType", ""))

    @property
    def msg_id(self) -> int | None:
        value = self.fields.get("MsgId")
        return int(value) if value is not None else None

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def service_unavailable(self) -> bool:
        """WeChat showed the user "该公众号暂时无法提供服务，请稍后再试"."""
        return self.status == "failed" or (self.reply is not None and self.reply.kind == "invalid")

    def _finish(self, status: str, reply: Reply | None) -> None:
        self.status = status
        self.reply = reply
        self._done.set()

    async def finished(self, timeout: float = 30.0) -> Push:  # noqa: ASYNC109
        """Wait until the push was answered or every attempt failed."""
        try:
            async with asyncio.timeout(timeout):
                await self._done.wait()
        except TimeoutError:
            raise AssertionError(
                f"push {self.msg_type} not finished within {timeout}s: {self.attempts}"
            ) from None
        return self

    async def answered(self, timeout: float = 30.0) -> Reply:  # noqa: ASYNC109
        """The reply of the attempt the callback answered in time; fails if none did."""
        await self.finished(timeout)
        if self.reply is None:
            raise AssertionError(
                f"push {self.msg_type} was not answered: "
                + "; ".join(f"#{a.number} {a.status} {a.error}" for a in self.attempts)
            )
        return self.reply

    def __repr__(self) -> str:
        return f"<Push {self.msg_type} {self.status} attempts={len(self.attempts)}>"


@dataclass
class ApiCall:
    """One request the service made to the emulated WeChat API."""

    seq: int
    method: str
    path: str  # after /cgi-bin/, e.g. "message/custom/send"
    query: dict[str, str]
    body: bytes
    json: Any = None
    status: int = 200
    response: Any = None
    openid: str | None = None
    at: float = 0.0
    fault: str | None = None

    @property
    def errcode(self) -> int:
        if isinstance(self.response, dict):
            return int(self.response.get("errcode", 0))
        return 0 if self.status == 200 else -1

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.errcode == 0

    @property
    def msgtype(self) -> str | None:
        return self.json.get("msgtype") if isinstance(self.json, dict) else None

    @property
    def text(self) -> str | None:
        if self.msgtype == "text":
            text = self.json.get("text")
            return text.get("content") if isinstance(text, dict) else None
        return None

    def __str__(self) -> str:
        what = f" {self.msgtype}" if self.msgtype else ""
        to = f" to {self.openid}" if self.openid else ""
        fault = f" [{self.fault}]" if self.fault else ""
        return f"#{self.seq} {self.method} {self.path}{what}{to} -> {self.status} errcode={self.errcode}{fault}"


@dataclass
class Received:
    """A message the user saw: a passive reply or a customer-service message."""

    via: str  # passive | custom
    msgtype: str
    content: str | None = None  # text
    media_id: str | None = None  # image / voice / video
    articles: list[dict[str, Any]] = field(default_factory=list)  # news
    menu: dict[str, Any] | None = None  # msgmenu: head_content, list, tail_content
    raw: Any = None  # the Reply or the JSON body
    push: Push | None = None  # for passive replies

    @property
    def menu_items(self) -> list[dict[str, str]]:
        return list(self.menu.get("list", [])) if self.menu else []


@dataclass
class RawResponse:
    """What the callback answered to a hand-made (raw or forged) request."""

    status: int | None
    body: str
    params: dict[str, str]
    sent: bytes
    error: str | None = None
    latency: float = 0.0
    kind: str = "raw"


@dataclass
class VerifyResult:
    """The callback's answer to the URL verification GET."""

    status: int | None
    body: str
    echostr: str
    params: dict[str, str]
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.body == self.echostr


@dataclass
class Fault:
    path: str  # "message/custom/send", "token", or "*"
    times: int
    errcode: int | None = None
    errmsg: str | None = None
    status: int | None = None  # HTTP status (5xx)
    hang: float | None = None
