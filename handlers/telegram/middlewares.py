"""Middlewares shared by the routers."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import Chat, TelegramObject, Update, User

from handlers.telegram.texts import lang_of

log = logging.getLogger(__name__)


class LanguageMiddleware(BaseMiddleware):
    """Give handlers ``lang`` ("zh" or "en") from the sender's Telegram language."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data.get("event_from_user")
        data["lang"] = lang_of(user if isinstance(user, User) else None)
        return await handler(event, data)


class SenderRequired(BaseMiddleware):
    """A private-chat update without a sender (no ``from``) reaches no router.

    Telegram always names the sender in a private chat; without one there is nobody to
    answer, no citizen to find and no conversation key (aiogram gives no ``state``), so every
    handler would fail on it. It is left unhandled on purpose: recorded as ``ignored``,
    answered 200, no reply.
    """

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        chat = data.get("event_chat")
        if (
            isinstance(chat, Chat)
            and chat.type == "private"
            and not isinstance(data.get("event_from_user"), User)
        ):
            update_id = event.update_id if isinstance(event, Update) else None
            log.info("update %s ignored: a private-chat update without a sender", update_id)
            return UNHANDLED
        return await handler(event, data)
