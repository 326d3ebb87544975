"""Middlewares shared by the routers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, User

from handlers.texts import lang_of


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
