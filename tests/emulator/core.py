"""Emulator state, call execution, recording, waiting and fault injection."""

from __future__ import annotations

import asyncio
import copy
import itertools
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from .limits import RateLimiter
from .models import (
    BotState,
    ChatState,
    Delivery,
    EmuUser,
    Fault,
    RecordedCall,
    StoredFile,
    UploadedFile,
)

TOKEN_RE = re.compile(r"^(\d{1,20}):([A-Za-z0-9_-]{1,100})$")
SENDING_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendlocation",
        "sendcontact",
        "sendvenue",
        "copymessage",
        "forwardmessage",
    }
)
ERROR_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

Handler = Callable[[Any, BotState, RecordedCall], Awaitable[Any]]


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code": status, "description": ...}``."""

    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


def api_method(name: str) -> Callable[[Handler], Handler]:
    """Mark an emulator coroutine as the handler of Bot API method ``name``."""

    def mark(func: Handler) -> Handler:
        func._api_name = name  # type: ignore[attr-defined]
        return func

    return mark


class EmulatorCore:
    """Shared state; the HTTP server and the method handlers build on it."""

    def __init__(
        self, *, accept_any_token: bool = True, clock: Callable[[], float] = time.time
    ) -> None:
        self.accept_any_token = accept_any_token
        self.clock = clock
        self.enforce_limits = False
        self.limiter = RateLimiter(lambda: self.clock())
        self.redelivery_delays: list[float] = [0.05, 0.1, 0.2, 0.4, 0.8]
        self.max_delivery_attempts = 5
        self.webhook_timeout = 10.0
        self.bots: dict[str, BotState] = {}
        self.chats: dict[int | str, ChatState] = {}
        self.users: dict[int, EmuUser] = {}
        self.files: dict[str, StoredFile] = {}
        self.calls: list[RecordedCall] = []
        self.deliveries: list[Delivery] = []
        self.blocked: set[int | str] = set()
        self.faults: list[Fault] = []
        self._methods: dict[str, tuple[str, Handler]] = {}
        for klass in reversed(type(self).__mro__):
            for attr in vars(klass).values():
                name = getattr(attr, "_api_name", None)
                if name:
                    self._methods[name.lower()] = (name, attr)
        self._cond = asyncio.Condition()
        self._cursors: dict[int | str, int] = {}
        self._callback_queries: dict[str, Delivery] = {}
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        self._stopping = asyncio.Event()

    # ----------------------------------------------------------------- bots
    def add_bot(
        self,
        token: str,
        username: str = "citizen_desk_bot",
        first_name: str = "Citizen Desk",
        *,
        can_join_groups: bool = True,
        can_read_all_group_messages: bool = False,
    ) -> BotState:
        match = TOKEN_RE.match(token)
        if match is None:
            raise ValueError(f"not a bot token: {token!r} (want '<digits>:<secret>')")
        bot = BotState(
            token=token,
            id=int(match.group(1)),
            username=username,
            first_name=first_name,
            can_join_groups=can_join_groups,
            can_read_all_group_messages=can_read_all_group_messages,
        )
        self.bots[token] = bot
        return bot

    def _bot_for_token(self, token: str) -> BotState | None:
        bot = self.bots.get(token)
        if bot is None and self.accept_any_token and TOKEN_RE.match(token):
            bot = self.add_bot(token, username=f"bot{token.split(':')[0]}_bot", first_name="Bot")
        return bot

    def bot(self, token: str | None = None) -> BotState:
        """The bot with ``token``, or the first one added."""
        if token is not None:
            found = self._bot_for_token(token)
            if found is None:
                raise KeyError(f"unknown bot token {token!r}")
            return found
        if not self.bots:
            raise RuntimeError("no bot yet: call emu.add_bot(token) first")
        return next(iter(self.bots.values()))

    # ---------------------------------------------------------------- chats
    def chat(self, chat: int | str | EmuUser | ChatState) -> ChatState:
        """The chat's state (created on first use: any chat id works, like a real user)."""
        if isinstance(chat, ChatState):
            return chat
        if isinstance(chat, EmuUser):
            chat_id: int | str = chat.id
        else:
            chat_id = chat
        state = self.chats.get(chat_id)
        if state is None:
            if isinstance(chat_id, str):
                raise bad_request("chat not found")
            user = self.users.get(chat_id) if chat_id > 0 else None
            if chat_id > 0:
                state = ChatState(
                    id=chat_id,
                    type="private",
                    first_name=user.first_name if user else f"User{chat_id}",
                    username=user.username if user else None,
                )
            elif chat_id < -1_000_000_000_000:
                state = ChatState(id=chat_id, type="supergroup", title=f"Group {chat_id}")
            else:
                state = ChatState(id=chat_id, type="group", title=f"Group {chat_id}")
            self.chats[chat_id] = state
        return state

    def _resolve_chat_id(self, chat_id: Any) -> ChatState:
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str):
            for state in self.chats.values():
                if state.username and f"@{state.username}".lower() == chat_id.lower():
                    return state
            raise bad_request("chat not found")
        return self.chat(int(chat_id))

    def _writable_chat(self, chat_id: Any) -> ChatState:
        """The chat a send/edit goes to, or 403 when the bot may not write there."""
        state = self._resolve_chat_id(chat_id)
        if state.id in self.blocked:
            if state.type == "private":
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            kind = "supergroup chat" if state.type == "supergroup" else "group chat"
            raise ApiError(403, f"Forbidden: bot was kicked from the {kind}")
        if state.bot_left:
            raise ApiError(403, "Forbidden: bot is not a member of the group chat")
        return state

    def block(self, chat_id: int | EmuUser | ChatState) -> None:
        """Sends to this chat answer 403 (blocked by the user / kicked from the group)."""
        self.blocked.add(self.chat(chat_id).id)

    def unblock(self, chat_id: int | EmuUser | ChatState) -> None:
        self.blocked.discard(self.chat(chat_id).id)

    # ---------------------------------------------------------------- files
    def store_file(
        self,
        content: bytes,
        *,
        kind: str = "documents",
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        number = next(self._ids)
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        elif kind == "photos":
            suffix = ".jpg"
        stored = StoredFile(
            file_id=f"EMU{kind[:3].upper()}{number:08d}AAQ-file-id",
            file_unique_id=f"EMUu{number:08d}",
            content=content,
            file_path=f"{kind}/file_{number}{suffix}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    # --------------------------------------------------------------- faults
    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int = 1,
        times: int = 1,
        *,
        description: str | None = None,
        chat_id: int | str | None = None,
    ) -> None:
        """The next ``times`` calls of ``method`` ("*" for any) fail with ``status``."""
        if description is None:
            if status == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = ERROR_DESCRIPTIONS.get(status, "Error")
        self.faults.append(
            Fault(
                method=method.lower(),
                times=times,
                status=status,
                description=description,
                retry_after=retry_after if status == 429 else None,
                chat_id=chat_id,
            )
        )

    def hang_next(self, method: str, seconds: float, times: int = 1) -> None:
        """Hold the next ``times`` calls of ``method`` for ``seconds`` before processing them.

        The call is still executed afterwards (as Telegram may do after a client timeout).
        """
        self.faults.append(Fault(method=method.lower(), times=times, hang=seconds))

    def clear_faults(self) -> None:
        self.faults.clear()

    def _take_faults(self, method: str, chat_id: Any) -> list[Fault]:
        taken: list[Fault] = []
        kinds: set[str] = set()
        for fault in list(self.faults):
            if fault.method not in (method, "*"):
                continue
            if fault.chat_id is not None and fault.chat_id != chat_id:
                continue
            kind = "hang" if fault.hang else "status"
            if kind in kinds:
                continue
            kinds.add(kind)
            taken.append(fault)
            fault.times -= 1
            if fault.times <= 0:
                self.faults.remove(fault)
        return taken

    # ------------------------------------------------------------ execution
    async def execute(
        self,
        bot: BotState,
        method: str,
        params: dict[str, Any],
        files: dict[str, UploadedFile] | None = None,
        *,
        via_webhook_reply: bool = False,
    ) -> RecordedCall:
        """Run one Bot API call as Telegram would, record it and return the record."""
        key = method.lower()
        entry = self._methods.get(key)
        chat_id = params.get("chat_id")
        call = RecordedCall(
            seq=0,
            token=bot.token,
            method=entry[0] if entry else method,
            params=params,
            files=files or {},
            chat_id=chat_id,
            at=self.clock(),
            via_webhook_reply=via_webhook_reply,
        )
        faults = self._take_faults(key, chat_id)
        try:
            for fault in faults:
                if fault.hang:
                    call.fault = f"hang {fault.hang}s"
                    try:
                        async with asyncio.timeout(fault.hang):
                            await self._stopping.wait()
                    except TimeoutError:
                        pass
            for fault in faults:
                if fault.status:
                    call.fault = f"injected {fault.status}"
                    raise ApiError(fault.status, fault.description or "", fault.retry_after)
            if entry is None:
                raise ApiError(404, "Not Found")
            limited_chat = None
            if self.enforce_limits and key in SENDING_METHODS and chat_id is not None:
                limited_chat = self._resolve_chat_id(chat_id).id
                wait = self.limiter.check(limited_chat)
                if wait is not None:
                    call.fault = "rate limit"
                    raise ApiError(429, f"Too Many Requests: retry after {wait}", wait)
            result = await entry[1](self, bot, call)
            if limited_chat is not None:
                self.limiter.record(limited_chat)
            call.status, call.response = 200, {"ok": True, "result": result}
        except ApiError as error:
            call.status, call.response = error.status, error.body()
        call.seq = next(self._seq)
        self.calls.append(call)
        await self._notify()
        return call

    async def _notify(self) -> None:
        async with self._cond:
            self._cond.notify_all()

    # ------------------------------------------------------------- reading
    def requests(self, method: str | None = None) -> list[RecordedCall]:
        """Every recorded call (including getUpdates, getMe...), optionally of one method."""
        return [c for c in self.calls if method is None or c.method.lower() == method.lower()]

    def sent(
        self,
        chat_id: int | str | EmuUser | ChatState | None = None,
        method: str | None = None,
        *,
        ok: bool | None = None,
    ) -> list[RecordedCall]:
        """Recorded calls aimed at a chat (sends, edits, deletes...), failed ones included."""
        wanted = None if chat_id is None else _chat_key(chat_id)
        return [
            c
            for c in self.calls
            if c.chat_id is not None
            and (wanted is None or c.chat_id == wanted)
            and (method is None or c.method.lower() == method.lower())
            and (ok is None or c.ok == ok)
        ]

    def mark(self) -> int:
        """Position in the call log; pass it as ``since`` to :meth:`wait_for`."""
        return len(self.calls)

    def describe_calls(self, calls: Iterable[RecordedCall] | None = None) -> str:
        shown = list(self.calls if calls is None else calls)
        if not shown:
            return "  (no calls recorded)"
        return "\n".join(f"  {c}" for c in shown[-40:])

    async def wait_for(
        self,
        predicate: Callable[[RecordedCall], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        since: int = 0,
    ) -> RecordedCall:
        """The first recorded call (from index ``since``) matching ``predicate``; waits."""
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
                f"no matching Bot API call within {timeout}s; calls recorded:\n"
                f"{self.describe_calls()}"
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
                f"{what} not reached within {timeout}s; calls recorded:\n{self.describe_calls()}"
            ) from None

    async def wait_polling(self, token: str | None = None, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot has a getUpdates long poll parked in the emulator."""
        bot = self.bot(token)
        await self.wait_until(lambda: bot.waiting_polls > 0, timeout, "a waiting getUpdates")

    async def next_message(
        self,
        chat_id: int | str | EmuUser | ChatState,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """The next message the bot sent to the chat, not returned before (a per-chat cursor)."""
        key = _chat_key(chat_id)

        def sent_here() -> list[RecordedCall]:
            return [
                c
                for c in self.calls
                if c.ok and c.method.lower() in SENDING_METHODS and c.chat_id == key
            ]

        try:
            async with self._cond, asyncio.timeout(timeout):
                while True:
                    found = sent_here()
                    cursor = self._cursors.get(key, 0)
                    if len(found) > cursor:
                        self._cursors[key] = cursor + 1
                        call = found[cursor]
                        return call.message or {"message_id": call.result["message_id"]}
                    await self._cond.wait()
        except TimeoutError:
            raise AssertionError(
                f"the bot sent no new message to chat {key} within {timeout}s; "
                f"calls recorded:\n{self.describe_calls()}"
            ) from None

    def _now(self) -> int:
        return int(self.clock())

    def _unique_id(self) -> int:
        return next(self._ids)


def _chat_key(chat: int | str | EmuUser | ChatState) -> int | str:
    if isinstance(chat, EmuUser | ChatState):
        return chat.id
    if isinstance(chat, str) and re.match(r"^-?\d+$", chat):
        return int(chat)
    return chat


def public_copy(message: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(message)
