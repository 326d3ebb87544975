"""Reading what a test queued: outbox rows, their texts and their buttons."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.models import Outbox


async def outbox_rows(session: AsyncSession, after_id: int = 0) -> list[Outbox]:
    stmt = select(Outbox).where(col(Outbox.id) > after_id).order_by(col(Outbox.id))
    return list((await session.exec(stmt)).all())


def texts(rows: list[Outbox], chat: int | None = None) -> list[str]:
    """The texts of the Telegram messages among ``rows`` (to ``chat`` only, if given)."""
    return [
        str(r.payload.get("text", ""))
        for r in rows
        if r.method == "sendMessage" and (chat is None or r.chat_id == chat)
    ]


def callbacks(row: Outbox) -> list[str]:
    """The callback data of a Telegram message's inline buttons, in order."""
    markup: dict[str, Any] = row.payload.get("reply_markup") or {}
    return [b["callback_data"] for line in markup.get("inline_keyboard", []) for b in line]
