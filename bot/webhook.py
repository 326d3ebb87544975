"""The Telegram webhook route: check, parse, process, commit, then answer.

Unlike aiogram's ``SimpleRequestHandler`` (which answers before processing), the answer is
sent only after the update's transaction committed, so a crash loses nothing:

* 401 for a missing or wrong ``X-Telegram-Bot-Api-Secret-Token`` (constant-time compare);
* 413 for a body over the limit, 400 for invalid JSON, a non-object, nesting deeper than
  :data:`bot.limits.MAX_DEPTH`, an integer beyond 64 bits anywhere (ids, dates...), a missing
  or non-integer ``update_id`` or a shape aiogram's ``Update`` rejects (unknown extra fields
  are fine: Telegram adds fields);
* 500 when the infrastructure failed (nothing committed; Telegram delivers again);
* 503 while shutting down (Telegram delivers again to the next instance);
* 200 otherwise, including a duplicate and a handler bug (apology queued).
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from aiogram import Bot
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.limits import problem
from bot.metrics import Metrics
from bot.processing import TransientError, UpdateProcessor, update_kind
from handlers.storable import valid_unicode, without_nul

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024  # Telegram's updates are far smaller


def _error(status: int, message: str, **extra: Any) -> web.Response:
    return web.json_response({"ok": False, "error": message, **extra}, status=status)


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:3]:
        where = ".".join(str(p) for p in err.get("loc", ())) or "update"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    return "; ".join(parts)


class WebhookHandler:
    """``POST WEBHOOK_PATH``: one Telegram update per request."""

    def __init__(
        self,
        processor: UpdateProcessor,
        bot: Bot,
        secret_token: str,
        metrics: Metrics,
        *,
        max_body: int = MAX_BODY,
    ) -> None:
        self.processor = processor
        self.bot = bot
        self._secret = secret_token.encode()
        self.metrics = metrics
        self.max_body = max_body
        self.accepting = True

    def _reject(self, status: int, message: str, **extra: Any) -> web.Response:
        self.metrics.rejected.labels(str(status)).inc()
        return _error(status, message, **extra)

    def secret_ok(self, given: str | None) -> bool:
        if given is None:
            return False
        return hmac.compare_digest(given.encode("utf-8", "surrogateescape"), self._secret)

    async def handle(self, request: web.Request) -> web.Response:
        if not self.secret_ok(request.headers.get(SECRET_HEADER)):
            return self._reject(401, "missing or wrong secret token")
        if not self.accepting:
            return self._reject(503, "shutting down; deliver again later")
        if request.content_length is not None and request.content_length > self.max_body:
            return self._reject(413, f"body larger than {self.max_body} bytes")
        try:
            body = await request.read()  # the app's client_max_size is the hard limit
        except web.HTTPRequestEntityTooLarge:
            return self._reject(413, f"body larger than {self.max_body} bytes")
        if len(body) > self.max_body:
            return self._reject(413, f"body larger than {self.max_body} bytes")
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            return self._reject(400, f"invalid JSON: {exc}")
        except RecursionError:
            return self._reject(400, "invalid JSON: nested too deeply")
        if not isinstance(data, dict):
            return self._reject(400, "the body must be a JSON object (one Update)")
        refused = problem(data)
        if refused is not None:
            return self._reject(400, f"not a Telegram Update: {refused}")
        if b"\\u0000" in body:  # NUL characters: PostgreSQL cannot store them in text
            data = without_nul(data)
        if b"\\ud" in body.lower() and not valid_unicode(data):
            return self._reject(400, "invalid JSON: a lone surrogate (\\ud800-\\udfff)")
        update_id = data.get("update_id")
        if type(update_id) is not int:
            return self._reject(400, "update_id missing or not an integer")
        try:
            update = Update.model_validate(data, context={"bot": self.bot})
        except ValidationError as exc:
            return self._reject(400, f"not a Telegram Update: {_describe(exc)}")
        try:
            result = await self.processor.process(update, update_kind(update))
        except TransientError:
            return _error(500, "temporarily unavailable; deliver the update again")
        return web.json_response({"ok": True, "outcome": result.outcome})
