"""The citizen command menu (``setMyCommands`` per language, private chats).

:func:`queue_command_menus` queues the calls through the outbox. Each call carries a dedupe key
made of the menu's content, so calling it at every start-up (or on every ``/start``) queues the
menu once per version of the texts, however many instances start.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.notify.outbox import write
from locales import t

COMMANDS = (
    "start",
    "new",
    "mytickets",
    "subscribe",
    "language",
    "mydata",
    "deleteme",
    "cancel",
    "help",
)
MENU_CHAT_ID = 0  # outbox rows need a chat: these calls are not about one chat
# language_code None: the default menu (users whose language has no menu of its own).
MENU_LANGUAGES: tuple[tuple[str | None, str], ...] = (("zh", "zh"), ("en", "en"), (None, "zh"))


def command_menu(lang: str) -> list[dict[str, str]]:
    return [{"command": c, "description": t(lang, f"cmd-{c}")} for c in COMMANDS]


def command_menu_calls() -> list[dict[str, Any]]:
    """The ``setMyCommands`` payloads: one per language plus the default."""
    calls = []
    for code, lang in MENU_LANGUAGES:
        payload: dict[str, Any] = {
            "commands": command_menu(lang),
            "scope": {"type": "all_private_chats"},
        }
        if code is not None:
            payload["language_code"] = code
        calls.append(payload)
    return calls


async def queue_command_menus(session: AsyncSession, *, now: datetime | None = None) -> int:
    """Queue the menus in the caller's transaction; returns how many were new."""
    queued = 0
    for payload in command_menu_calls():
        digest = hashlib.sha256(
            json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()[:16]
        key = f"commands:{payload.get('language_code', 'default')}:{digest}"
        row = await write(session, MENU_CHAT_ID, "setMyCommands", payload, dedupe_key=key, now=now)
        queued += row is not None
    return queued
