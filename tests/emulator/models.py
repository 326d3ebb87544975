"""Plain data held by the emulator: users, chats, recorded calls, deliveries, files."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class EmuUser:
    """A Telegram user (a citizen or a staff member) that can act on the bot."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"
    is_bot: bool = False

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data

    def private_chat(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data


@dataclass
class ChatState:
    """One chat as the emulator sees it: its messages (edits applied) and members."""

    id: int
    type: str  # private | group | supergroup | channel
    title: str | None = None
    first_name: str | None = None
    username: str | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    deleted: set[int] = field(default_factory=set)
    members: dict[int, str] = field(default_factory=dict)  # user id -> status
    bot_left: bool = False
    next_message_id: int = 1

    def to_api(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.title is not None:
            data["title"] = self.title
        if self.first_name is not None:
            data["first_name"] = self.first_name
        if self.username is not None:
            data["username"] = self.username
        return data

    @property
    def messages(self) -> list[dict[str, Any]]:
        """Every message still in the chat (user's and bot's), oldest first, edits applied."""
        return [m for m in self.history if m["message_id"] not in self.deleted]

    @property
    def bot_messages(self) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("from", {}).get("is_bot")]

    @property
    def texts(self) -> list[str]:
        """Text (or caption) of every bot message still in the chat."""
        return [m.get("text") or m.get("caption") or "" for m in self.bot_messages]

    @property
    def last(self) -> dict[str, Any] | None:
        msgs = self.bot_messages
        return msgs[-1] if msgs else None

    def find(self, message_id: int) -> dict[str, Any] | None:
        for message in self.history:
            if message["message_id"] == message_id and message_id not in self.deleted:
                return message
        return None

    def take_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content: bytes
    content_type: str | None = None


@dataclass
class StoredFile:
    """A file known to the emulator (uploaded by the bot or "sent" by a user)."""

    file_id: str
    file_unique_id: str
    content: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class RecordedCall:
    """One Bot API request the bot made, with the answer the emulator gave."""

    seq: int
    token: str
    method: str  # canonical name ("sendMessage") or the name as requested when unknown
    params: dict[str, Any]
    files: dict[str, UploadedFile]
    chat_id: int | str | None
    status: int = 0
    response: dict[str, Any] = field(default_factory=dict)
    at: float = 0.0
    via_webhook_reply: bool = False
    fault: str | None = None  # "injected 429", "blocked", "hang 1.0s", "rate limit" ...

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))

    @property
    def result(self) -> Any:
        return self.response.get("result")

    @property
    def description(self) -> str | None:
        return self.response.get("description")

    @property
    def message(self) -> dict[str, Any] | None:
        """The Message this call produced, if any."""
        result = self.result
        if isinstance(result, dict) and "message_id" in result and "chat" in result:
            return result
        return None

    @property
    def text(self) -> str | None:
        message = self.message
        if message is not None:
            return message.get("text") or message.get("caption")
        return self.params.get("text")

    def __str__(self) -> str:
        outcome = "ok" if self.ok else f"{self.status} {self.description}"
        text = self.text
        shown = f" text={text[:60]!r}" if text else ""
        return f"#{self.seq} {self.method} chat={self.chat_id}{shown} -> {outcome}"


@dataclass
class DeliveryAttempt:
    """One try to hand an update to the bot."""

    number: int
    via: str  # "webhook" | "getUpdates"
    status: int | None  # HTTP status from the webhook (200 for getUpdates); None on error
    error: str | None
    latency: float  # seconds
    at: float
    body: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None = None
    allowed_updates: list[str] | None = None
    max_connections: int = 40
    ip_address: str | None = None
    slots: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(40))


@dataclass
class Fault:
    """A scripted failure for the next calls of a method."""

    method: str  # lower-case name, or "*" for any
    times: int
    status: int | None = None
    description: str | None = None
    retry_after: int | None = None
    hang: float = 0.0
    process_after_hang: bool = True
    chat_id: int | str | None = None


DEFAULT_UPDATE_TYPES_EXCLUDED = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)


class Delivery:
    """An update on its way to the bot; await :meth:`delivered` for the outcome."""

    def __init__(self, update: dict[str, Any], token: str) -> None:
        self.update = update
        self.token = token
        self.attempts: list[DeliveryAttempt] = []
        self.status = "pending"  # pending | delivered | confirmed | failed | dropped | filtered
        self.reply_call: RecordedCall | None = None
        self.callback_answer_call: RecordedCall | None = None
        self._done = asyncio.Event()
        self._answered = asyncio.Event()

    @property
    def update_id(self) -> int:
        return int(self.update["update_id"])

    @property
    def update_type(self) -> str:
        return next(key for key in self.update if key != "update_id")

    @property
    def message(self) -> dict[str, Any] | None:
        """The user's message carried by this update, if any."""
        for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
            if key in self.update:
                return self.update[key]
        return None

    @property
    def callback_query_id(self) -> str | None:
        query = self.update.get("callback_query")
        return query["id"] if query else None

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def _finish(self, status: str) -> None:
        self.status = status
        self._done.set()

    def describe(self) -> str:
        lines = [f"update {self.update_id} ({self.update_type}): {self.status}"]
        for attempt in self.attempts:
            lines.append(
                f"  attempt {attempt.number} via {attempt.via}: status={attempt.status} "
                f"error={attempt.error} latency={attempt.latency * 1000:.1f}ms"
            )
        return "\n".join(lines)

    async def delivered(self, timeout: float = 5.0) -> Delivery:  # noqa: ASYNC109
        """Wait until the bot accepted the update (2xx webhook answer or fetched by getUpdates).

        Raises AssertionError when delivery gave up, the update was dropped, or on timeout.
        """
        try:
            async with asyncio.timeout(timeout):
                await self._done.wait()
        except TimeoutError:
            raise AssertionError(
                f"update not delivered within {timeout}s\n{self.describe()}"
            ) from None
        if self.status not in ("delivered", "confirmed"):
            raise AssertionError(f"update was not delivered\n{self.describe()}")
        return self

    async def callback_answer(self, timeout: float = 5.0) -> RecordedCall:  # noqa: ASYNC109
        """Wait for the bot's answerCallbackQuery for this callback query update."""
        if self.callback_query_id is None:
            raise AssertionError(f"update {self.update_id} is not a callback query")
        try:
            async with asyncio.timeout(timeout):
                await self._answered.wait()
        except TimeoutError:
            raise AssertionError(
                f"callback query {self.callback_query_id} not answered within {timeout}s\n"
                f"{self.describe()}"
            ) from None
        assert self.callback_answer_call is not None
        return self.callback_answer_call

    def __repr__(self) -> str:
        return f"<Delivery update_id={self.update_id} {self.update_type} {self.status}>"


@dataclass
class BotState:
    """One bot account served by the emulator."""

    token: str
    id: int
    username: str
    first_name: str
    can_join_groups: bool = True
    can_read_all_group_messages: bool = False
    supports_inline_queries: bool = False
    webhook: WebhookConfig | None = None
    pending: list[Delivery] = field(default_factory=list)  # for getUpdates, unconfirmed
    inflight: set[Delivery] = field(default_factory=set)  # being pushed to the webhook
    allowed_updates: list[str] | None = None  # as last given to getUpdates
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)
    texts: dict[tuple[str, str], str] = field(default_factory=dict)  # (kind, lang) -> text
    poll_generation: int = 0
    waiting_polls: int = 0  # getUpdates requests parked in a long poll
    last_error_date: int | None = None
    last_error_message: str | None = None
    next_update_id: int = 100_000_001

    def to_api(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
            "can_join_groups": self.can_join_groups,
            "can_read_all_group_messages": self.can_read_all_group_messages,
            "supports_inline_queries": self.supports_inline_queries,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def sender(self) -> dict[str, Any]:
        """The bot as the ``from`` of its messages."""
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def take_update_id(self) -> int:
        update_id = self.next_update_id
        self.next_update_id += 1
        return update_id
