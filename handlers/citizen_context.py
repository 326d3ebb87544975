"""What every citizen handler needs: the citizen's language, their record, flood control.

Language: an explicit ``/language`` choice (``Citizen.language``) wins; otherwise the Telegram
``language_code`` when it is Chinese or English; otherwise the language of the message itself;
otherwise Chinese, the city's language.

Flood control (:class:`FloodGuard`) is in memory, per process: with several instances behind
one bot each counts the updates it receives, so the effective limit is per instance (the
FSM's Redis event isolation does not change that). More than ``limit`` messages (an album
counts once) or button presses within ``window`` get one polite "slow down" message saying
that what follows is not processed, then silence (those updates are dropped, not queued)
until ``window`` has passed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Chat, Message, TelegramObject, User

from handlers.outgoing import Outgoing
from locales import choose_lang, t
from tickets.models import Citizen
from tickets.people.citizens import find_citizen


def resolve_lang(citizen: Citizen | None, language_code: str | None, text: str | None) -> str:
    """``zh`` or ``en``: :func:`locales.choose_lang` on the citizen's choice, their Telegram
    language and their message."""
    return choose_lang(citizen.language if citizen is not None else None, language_code, text)


@dataclass
class _Sender:
    times: deque[datetime] = field(default_factory=deque)
    blocked_until: datetime | None = None
    last_album: str | None = None


class FloodGuard:
    """Per-user sliding window: ``check`` says ``ok``, ``warn`` (say so once) or ``drop``."""

    def __init__(self, limit: int = 10, window: timedelta = timedelta(seconds=15)) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        self._users: dict[int, _Sender] = {}
        self._checks = 0

    def check(self, user_id: int, now: datetime, album: str | None = None) -> str:
        self._checks += 1
        if self._checks % 1000 == 0:
            self._forget_idle(now)
        sender = self._users.setdefault(user_id, _Sender())
        if sender.blocked_until is not None:
            if now < sender.blocked_until:
                return "drop"
            sender.blocked_until = None
        if album is not None and album == sender.last_album:
            return "ok"  # the other pictures of an album already counted
        sender.last_album = album
        while sender.times and sender.times[0] <= now - self.window:
            sender.times.popleft()
        sender.times.append(now)
        if len(sender.times) > self.limit:
            sender.times.clear()
            sender.blocked_until = now + self.window
            return "warn"
        return "ok"

    def _forget_idle(self, now: datetime) -> None:
        idle = [
            uid
            for uid, s in self._users.items()
            if (s.blocked_until is None or s.blocked_until <= now)
            and (not s.times or s.times[-1] <= now - self.window)
        ]
        for uid in idle:
            del self._users[uid]


class CitizenContextMiddleware(BaseMiddleware):
    """Outer middleware of the citizen router: flood control, ``citizen`` and ``lang``."""

    def __init__(self, flood: FloodGuard | None) -> None:
        self.flood = flood

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("event_from_user")
        chat = data.get("event_chat")
        session = data.get("session")
        if not isinstance(user, User) or not isinstance(chat, Chat) or chat.type != "private":
            return await handler(event, data)
        text = None
        if isinstance(event, Message):
            text = event.text or event.caption
        citizen = await find_citizen(session, "telegram", user.id) if session is not None else None
        lang = resolve_lang(citizen, user.language_code, text)
        data["citizen"] = citizen
        data["lang"] = lang
        deps = data.get("deps")
        if self.flood is not None and deps is not None:
            album = event.media_group_id if isinstance(event, Message) else None
            verdict = self.flood.check(user.id, deps.clock.now(), album)
            if verdict != "ok":
                outgoing: Outgoing | None = data.get("outgoing")
                if verdict == "warn" and outgoing is not None:
                    seconds = int(self.flood.window.total_seconds())
                    await outgoing.send_message(chat.id, t(lang, "flood", seconds=seconds))
                if isinstance(event, CallbackQuery) and outgoing is not None:
                    await answer_callback(outgoing, event)
                return None
        return await handler(event, data)


async def answer_callback(
    outgoing: Outgoing,
    query: CallbackQuery,
    text: str | None = None,
    *,
    alert: bool = False,
    transient: bool = False,
) -> None:
    """Queue ``answerCallbackQuery`` (stops the button's spinner; ``text`` shows a toast)."""
    payload: dict[str, Any] = {"callback_query_id": query.id}
    if text:
        payload["text"] = text[:200]
        if alert:
            payload["show_alert"] = True
    await outgoing.call("answerCallbackQuery", query.from_user.id, payload, transient=transient)
