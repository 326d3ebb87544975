"""Citizens as tests need them: a row and their Telegram identity, like a first message makes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.models import Citizen, CitizenIdentity


async def add_citizen(
    session: AsyncSession,
    telegram_user_id: int | None = None,
    chat_id: int | None = None,
    *,
    channel: str = "telegram",
    external_id: str | None = None,
    address: str | None = None,
    **fields: Any,
) -> Citizen:
    """A citizen known on ``channel`` (Telegram by default: ``telegram_user_id`` and the chat,
    which defaults to the user's id); flushed, not committed."""
    now = fields.pop("created_at", None) or datetime(2026, 1, 1, tzinfo=UTC)
    citizen = Citizen(created_at=now, last_seen_at=now, **fields)
    session.add(citizen)
    await session.flush()
    if channel == "telegram":
        assert telegram_user_id is not None
        external_id = str(telegram_user_id)
        address = str(chat_id if chat_id is not None else telegram_user_id)
    assert external_id is not None
    session.add(
        CitizenIdentity(
            citizen_id=citizen.id,  # type: ignore[arg-type]
            channel=channel,
            external_id=external_id,
            address=address,
            created_at=now,
            last_seen_at=now,
        )
    )
    await session.flush()
    return citizen
