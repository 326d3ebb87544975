"""Emulator state: the account, its users, the clock, recording, waiting, faults."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .crypto import AES_KEY_RE, WeChatCipher
from .models import ApiCall, Fault, Media, Push, RawResponse, Received, WxUser

MODES = ("plaintext", "compatible", "safe")


def make_app_id() -> str:
    """An AppID-shaped string: ``wx`` and 16 hex digits."""
    return "wx" + secrets.token_hex(8)


def make_secret() -> str:
    """An AppSecret-shaped string: 32 hex digits."""
    return secrets.token_hex(16)


@dataclass
class TokenState:
    access_token: str
    issued_at: float
    expires_at: float
    invalidated: bool = False


class EmulatorCore:
    """Shared state; the callback pusher and the API handlers build on it."""

    def __init__(
        self,
        *,
        callback_url: str | None = None,
        token: str = "citizendesk",
        app_id: str | None = None,
        app_secret: str | None = None,
        aes_key: str | None = None,
        mode: str | None = None,
        original_id: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.app_id = app_id or make_app_id()
        self.app_secret = app_secret or make_secret()
        self.original_id = original_id or (
            "gh_" + hashlib.sha256(self.app_id.encode()).hexdigest()[:12]
        )
        self.callback_url = callback_url
        self.aes_key: str | None = None
        self.mode = "plaintext"
        self.configure(aes_key=aes_key, mode=mode)
        self.clock = clock
        self.clock_offset = 0.0
        # The 5-second rule: how long WeChat waits for the callback, and its retries.
        self.reply_timeout = 5.0
        self.max_attempts = 3  # requests in total for one message (the first and 2 retries)
        self.retry = True
        self.retry_delay = 0.0
        self.max_reply_bytes = 1024 * 1024
        # Customer-service messages.
        self.window_seconds = 48 * 3600
        self.custom_quota = 20  # per user between two interactions (45047 beyond)
        self.text_limit_bytes = 2048  # 45002 beyond (see README: the figure SDKs use)
        # access_token lifetime, and how long the previous one keeps working after a refresh.
        self.token_ttl = 7200
        self.token_overlap = 300
        self.users: dict[str, WxUser] = {}
        self.media: dict[str, Media] = {}
        self.pushes: list[Push] = []
        self.calls: list[ApiCall] = []
        self.raw_sent: list[RawResponse] = []
        self.tokens: dict[str, TokenState] = {}
        self.faults: list[Fault] = []
        self._inbox: dict[str, list[Received]] = {}
        self._cursors: dict[str, int] = {}
        self._cond = asyncio.Condition()
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        self._msg_ids = itertools.count(24_000_000_000_000_001)
        self._stopping = asyncio.Event()

    # ------------------------------------------------------------ account
    def configure(
        self,
        callback_url: str | None = None,
        *,
        token: str | None = None,
        aes_key: str | None = None,
        mode: str | None = None,
    ) -> None:
        """Set the callback URL, Token, EncodingAESKey and mode (as in the admin console).

        ``mode`` defaults to ``"safe"`` when an EncodingAESKey is set, else ``"plaintext"``.
        """
        if callback_url is not None:
            self.callback_url = callback_url
        if token is not None:
            self.token = token
        if aes_key is not None:
            if not AES_KEY_RE.match(aes_key):
                raise ValueError("EncodingAESKey must be 43 characters of [A-Za-z0-9]")
            self.aes_key = aes_key
        if mode is None:
            mode = "safe" if aes_key is not None else self.mode
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        if mode != "plaintext" and self.aes_key is None:
            raise ValueError(f"{mode} mode needs an EncodingAESKey")
        self.mode = mode

    @property
    def cipher(self) -> WeChatCipher:
        if self.aes_key is None:
            raise RuntimeError("no EncodingAESKey configured")
        return WeChatCipher(self.aes_key, self.app_id)

    # --------------------------------------------------------------- clock
    def now(self) -> float:
        """The emulator's time: ``clock()`` plus what :meth:`advance` added."""
        return self.clock() + self.clock_offset

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward (48-hour window, token expiry)."""
        self.clock_offset += seconds

    # --------------------------------------------------------------- users
    def user(
        self,
        openid: str | None = None,
        lang: str = "zh_CN",
        *,
        subscribed: bool = True,
        unionid: str | None = None,
    ) -> WxUser:
        """A user of the account (openids are generated: ``o`` + 27 characters)."""
        if openid is None:
            digest = hashlib.sha256(f"{self.app_id}:{next(self._ids)}".encode()).digest()
            openid = "o" + base64.urlsafe_b64encode(digest).decode()[:27]
        if openid in self.users:
            return self.users[openid]
        found = WxUser(
            openid=openid,
            lang=lang,
            subscribed=subscribed,
            subscribe_time=int(self.now()) if subscribed else None,
            unionid=unionid,
        )
        self.users[openid] = found
        return found

    def _touch(self, user: WxUser) -> None:
        """The user interacted: the 48-hour window and the message quota start again."""
        user.last_interaction = self.now()
        user.sent_since_interaction = 0

    def _new_msg_id(self) -> int:
        return next(self._msg_ids)

    def _new_media_id(self) -> str:
        number = next(self._ids)
        tail = base64.urlsafe_b64encode(hashlib.sha256(f"m{number}".encode()).digest()).decode()
        return f"EMU{number:06d}{tail[:55]}"

    def store_media(
        self,
        content: bytes,
        *,
        type: str = "image",
        content_type: str = "image/jpeg",
        filename: str | None = None,
        origin: str = "user",
    ) -> Media:
        media_id = self._new_media_id()
        extension = {"image": "jpg", "voice": "amr", "video": "mp4", "thumb": "jpg"}.get(
            type, "bin"
        )
        media = Media(
            media_id=media_id,
            type=type,
            content=content,
            content_type=content_type,
            created_at=int(self.now()),
            filename=filename or f"{media_id}.{extension}",
            origin=origin,
        )
        self.media[media_id] = media
        return media

    # --------------------------------------------------------------- faults
    def fail_next(
        self,
        path: str = "*",
        errcode: int | None = -1,
        times: int = 1,
        *,
        errmsg: str | None = None,
        status: int | None = None,
    ) -> None:
        """The next ``times`` API calls of ``path`` ("message/custom/send", "token", "*")
        answer ``{"errcode": errcode}`` (-1: system busy), or HTTP ``status`` when given."""
        if status is not None:
            errcode = None
        if errmsg is None and errcode is not None:
            errmsg = "system error" if errcode == -1 else "injected error"
        self.faults.append(
            Fault(path=_path_key(path), times=times, errcode=errcode, errmsg=errmsg, status=status)
        )

    def hang_next(self, path: str = "*", seconds: float = 30.0, times: int = 1) -> None:
        """Hold the next ``times`` API calls of ``path`` for ``seconds``, then execute them
        (a client timeout does not mean WeChat did not send the message)."""
        self.faults.append(Fault(path=_path_key(path), times=times, hang=seconds))

    def clear_faults(self) -> None:
        self.faults.clear()

    def _take_faults(self, path: str) -> list[Fault]:
        taken: list[Fault] = []
        kinds: set[str] = set()
        for fault in list(self.faults):
            if fault.path not in (path, "*"):
                continue
            kind = "hang" if fault.hang else "answer"
            if kind in kinds:
                continue
            kinds.add(kind)
            taken.append(fault)
            fault.times -= 1
            if fault.times <= 0:
                self.faults.remove(fault)
        return taken

    # ------------------------------------------------------------- records
    async def _notify(self) -> None:
        async with self._cond:
            self._cond.notify_all()

    def _record(self, call: ApiCall) -> None:
        call.seq = next(self._seq)
        self.calls.append(call)

    def _deliver(self, openid: str, received: Received) -> None:
        self._inbox.setdefault(openid, []).append(received)

    def requests(self, path: str | None = None) -> list[ApiCall]:
        """Every API call the service made, optionally of one path ("token", "media/upload")."""
        wanted = None if path is None else _path_key(path)
        return [c for c in self.calls if wanted is None or c.path == wanted]

    def sent(
        self,
        user: WxUser | str | None = None,
        msgtype: str | None = None,
        *,
        ok: bool | None = None,
    ) -> list[ApiCall]:
        """Customer-service sends (``message/custom/send``), failed ones included."""
        openid = _openid(user) if user is not None else None
        return [
            c
            for c in self.calls
            if c.path == "message/custom/send"
            and (openid is None or c.openid == openid)
            and (msgtype is None or c.msgtype == msgtype)
            and (ok is None or c.ok == ok)
        ]

    def inbox(self, user: WxUser | str) -> list[Received]:
        """Everything the user saw, in order: passive replies and customer-service messages."""
        return list(self._inbox.get(_openid(user), []))

    def mark(self) -> int:
        """Position in the API call log; pass it as ``since`` to :meth:`wait_for`."""
        return len(self.calls)

    def describe(self, calls: Iterable[ApiCall] | None = None) -> str:
        lines = [f"  {c}" for c in list(self.calls if calls is None else calls)[-40:]]
        lines += [f"  {p!r}" for p in self.pushes[-10:]]
        return "\n".join(lines) if lines else "  (nothing recorded)"

    # ------------------------------------------------------------- waiting
    async def wait_for(
        self,
        predicate: Callable[[ApiCall], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        since: int = 0,
    ) -> ApiCall:
        """The first API call (from index ``since``) matching ``predicate``; waits for it."""
        checked = since
        try:
            async with self._cond, asyncio.timeout(timeout):
                while True:
                    for call in self.calls[checked:]:
                        if predicate(call):
                            return call
                    checked = max(checked, len(self.calls))
                    await self._cond.wait()
        except TimeoutError:
            raise AssertionError(
                f"no matching WeChat API call within {timeout}s; recorded:\n{self.describe()}"
            ) from None

    async def wait_until(
        self,
        condition: Callable[[], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
        what: str = "condition",
    ) -> None:
        """Wait (on the emulator's condition variable) until ``condition()`` is true."""
        try:
            async with self._cond, asyncio.timeout(timeout):
                await self._cond.wait_for(condition)
        except TimeoutError:
            raise AssertionError(
                f"{what} not reached within {timeout}s; recorded:\n{self.describe()}"
            ) from None

    async def next_message(
        self,
        user: WxUser | str,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> Received:
        """The next message the user saw (passive or customer-service); a cursor per user."""
        openid = _openid(user)
        try:
            async with self._cond, asyncio.timeout(timeout):
                while True:
                    box = self._inbox.get(openid, [])
                    cursor = self._cursors.get(openid, 0)
                    if len(box) > cursor:
                        self._cursors[openid] = cursor + 1
                        return box[cursor]
                    await self._cond.wait()
        except TimeoutError:
            raise AssertionError(
                f"user {openid} saw no new message within {timeout}s; recorded:\n{self.describe()}"
            ) from None

    async def answer(self, push: Push, timeout: float = 5.0) -> Received:  # noqa: ASYNC109
        """The answer the user saw to ``push``: its passive reply when one was shown,
        otherwise the first customer-service message to that user after the push."""
        if push.user is None:
            raise ValueError("a push without a user has no answer")
        openid = push.user.openid
        start = push.inbox_mark

        def found() -> Received | None:
            for item in self._inbox.get(openid, [])[start:]:
                if item.via == "custom" or item.push is push:
                    return item
            return None

        try:
            async with self._cond, asyncio.timeout(timeout):
                while (item := found()) is None:
                    await self._cond.wait()
                return item
        except TimeoutError:
            raise AssertionError(
                f"no answer to {push!r} within {timeout}s; recorded:\n{self.describe()}"
            ) from None


def _openid(user: WxUser | str) -> str:
    return user.openid if isinstance(user, WxUser) else user


def _path_key(path: str) -> str:
    key = path.strip("/")
    return key.removeprefix("cgi-bin/") if key != "*" else "*"
