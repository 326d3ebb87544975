"""The aiogram ``Bot`` factory and the outbox transport backed by it.

``create_bot`` is the only place a ``Bot`` is built. It adds no retry middleware (aiogram has
none by default): retries belong to the outbox, which records them in the database.
"""

from __future__ import annotations

import asyncio
import logging
from functools import cache
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    AiogramError,
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import TelegramMethod
from pydantic import BaseModel, ValidationError
from pydantic_core import PydanticSerializationError

from bot.config import Settings
from bot.outbox import PermanentFailure, RetryLater

__all__ = ["DEFAULT_TIMEOUT", "AiogramTransport", "create_bot", "method_class"]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
# A wrong BOT_TOKEN is a configuration error, not the message's fault: keep the rows and try
# again at this pace (without using up their attempts) until the operator fixes the token.
UNAUTHORIZED_RETRY_AFTER = 60.0


def create_bot(settings: Settings) -> Bot:
    """A Bot talking to ``TELEGRAM_API_URL`` (the real API, a local Bot API server, or the
    emulator in tests). ``TELEGRAM_TIMEOUT`` (seconds) is read if the settings have it."""
    if settings.bot_token is None:
        raise ValueError("BOT_TOKEN is not set")
    timeout = float(getattr(settings, "telegram_timeout", None) or DEFAULT_TIMEOUT)
    session = AiohttpSession(
        api=TelegramAPIServer.from_base(settings.telegram_api_url.rstrip("/")),
        timeout=timeout,
    )
    return Bot(token=settings.bot_token.get_secret_value(), session=session)


@cache
def _methods() -> dict[str, type[TelegramMethod[Any]]]:
    import aiogram.methods

    table: dict[str, type[TelegramMethod[Any]]] = {}
    for value in vars(aiogram.methods).values():
        if isinstance(value, type) and issubclass(value, TelegramMethod):
            name = getattr(value, "__api_method__", None)
            if isinstance(name, str):
                table[name] = value
    return table


def method_class(name: str) -> type[TelegramMethod[Any]] | None:
    """The aiogram method class for a Bot API method name ("sendMessage" -> SendMessage)."""
    return _methods().get(name)


def _jsonable(result: Any) -> Any:
    if isinstance(result, BaseModel):
        try:
            return result.model_dump(mode="json", exclude_none=True)
        except PydanticSerializationError:
            # aiogram leaves ``Default(...)`` placeholders in some fields Telegram echoes back
            # (a message's ``link_preview_options``): drop them, keep the rest.
            return _plain(result.model_dump(mode="python", exclude_none=True))
    if isinstance(result, list | tuple):
        return [_jsonable(item) for item in result]
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not isinstance(v, Default)}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value if not isinstance(v, Default)]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _not_modified(method: str, exc: TelegramBadRequest) -> bool:
    return method.startswith("edit") and "message is not modified" in exc.message.lower()


class AiogramTransport:
    """:class:`bot.outbox.Transport` over an aiogram ``Bot``."""

    def __init__(self, bot: Bot, request_timeout: float = 10) -> None:
        self.bot = bot
        self.request_timeout = request_timeout

    async def call(self, method: str, payload: dict[str, Any]) -> Any:
        cls = method_class(method)
        if cls is None:
            raise PermanentFailure(f"unknown Bot API method {method!r}")
        try:
            request = cls.model_validate(payload)
        except ValidationError as exc:
            raise PermanentFailure(f"invalid payload for {method}: {_errors(exc)}") from exc
        try:
            async with asyncio.timeout(self.request_timeout + 1):
                result = await self.bot(
                    request,
                    request_timeout=self.request_timeout,  # type: ignore[arg-type]
                )
        except TelegramRetryAfter as exc:
            raise RetryLater(
                f"429: {exc.message}",
                retry_after=float(exc.retry_after),
                consume_attempt=False,
                pause_all=True,
            ) from exc
        except TelegramMigrateToChat as exc:
            raise PermanentFailure(
                f"{exc.message} (group became supergroup {exc.migrate_to_chat_id})"
            ) from exc
        except TelegramEntityTooLarge as exc:
            raise PermanentFailure(f"413: {exc.message}") from exc
        except (TelegramServerError, TelegramNetworkError) as exc:
            raise RetryLater(f"{type(exc).__name__}: {exc.message}") from exc
        except TimeoutError as exc:
            raise RetryLater(f"timeout after {self.request_timeout:g}s") from exc
        except TelegramUnauthorizedError as exc:
            log.error("Telegram rejected BOT_TOKEN (401): %s", exc.message)
            raise RetryLater(
                f"401 unauthorized (check BOT_TOKEN): {exc.message}",
                retry_after=UNAUTHORIZED_RETRY_AFTER,
                consume_attempt=False,
            ) from exc
        except TelegramBadRequest as exc:
            if _not_modified(method, exc):
                return True
            raise PermanentFailure(f"400: {exc.message}") from exc
        except TelegramForbiddenError as exc:
            raise PermanentFailure(f"403: {exc.message}") from exc
        except TelegramNotFound as exc:
            raise PermanentFailure(f"404: {exc.message}") from exc
        except TelegramConflictError as exc:
            raise PermanentFailure(f"409: {exc.message}") from exc
        except ClientDecodeError as exc:
            # The server answered something that is not a Bot API response (a proxy's error
            # page...): treat like a server error.
            raise RetryLater(f"undecodable response: {exc.message}") from exc
        except (TelegramAPIError, AiogramError) as exc:
            raise PermanentFailure(f"{type(exc).__name__}: {exc}") from exc
        return _jsonable(result)


def _errors(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "payload"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)
