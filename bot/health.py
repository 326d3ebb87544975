"""``GET /healthz`` and ``GET /metrics``."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from sqlalchemy import text

from bot.metrics import CONTENT_TYPE_LATEST
from bot.runtime import Runtime
from tickets.outbox import backlog

log = logging.getLogger(__name__)
CHECK_TIMEOUT = 3.0


async def _database(runtime: Runtime) -> tuple[bool, dict[str, Any]]:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT), runtime.session_factory() as session:
            await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
            pending = await backlog(session)
    except Exception as exc:
        return False, {"status": "down", "error": f"{type(exc).__name__}: {exc}"[:300]}
    return True, {"status": "ok", "outbox_backlog": pending}


async def outbox_backlog(runtime: Runtime) -> int | None:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT), runtime.session_factory() as session:
            return await backlog(session)
    except Exception as exc:
        log.warning("outbox backlog unavailable: %s", exc)
        return None


def _running(sender: Any) -> str:
    """``running``, or ``off`` (no such channel, or its sender is stopped or disabled)."""
    return "running" if sender is not None and sender.running else "off"


def make_healthz(runtime: Runtime) -> Any:
    async def healthz(request: web.Request) -> web.Response:
        db_ok, db = await _database(runtime)
        kb_ok, kb = runtime.knowledge.status()
        desk_ok, desk = runtime.desk.status()
        checks = (("database", db_ok), ("knowledge_base", kb_ok), ("departments", desk_ok))
        down = [name for name, ok in checks if not ok]
        body = {
            "status": "ok" if not down else "down",
            "down": down,
            "database": db,
            "knowledge_base": kb,
            "departments": desk,
            "texts": runtime.texts.status(),
            "telegram": runtime.mode,
            "outbox_sender": _running(runtime.sender),  # Telegram's
            "senders": {
                "telegram": _running(runtime.sender),
                "web": _running(runtime.webchat.sender if runtime.webchat else None),
                "wechat": _running(runtime.wechat.sender if runtime.wechat else None),
            },
        }
        return web.json_response(body, status=200 if not down else 503)

    return healthz


def make_metrics(runtime: Runtime) -> Any:
    async def metrics(request: web.Request) -> web.Response:
        payload = await runtime.metrics.render(
            backlog=lambda: outbox_backlog(runtime), kb_entries=runtime.knowledge.entry_count
        )
        return web.Response(body=payload, headers={"Content-Type": CONTENT_TYPE_LATEST})

    return metrics
