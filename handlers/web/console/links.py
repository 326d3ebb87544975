"""One-time sign-in links (shared by the bot's /console and ``citizen-desk console link``)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.web.console.context import PREFIX
from tickets.console_access import LOGIN_TTL, console_actor, create_login

__all__ = ["login_url", "new_login_link"]


def login_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{PREFIX}/login?token={quote(token, safe='')}"


async def new_login_link(
    session: AsyncSession,
    telegram_user_id: int,
    *,
    base_url: str,
    admin_ids: tuple[int, ...] | list[int],
    now: datetime,
) -> str | None:
    """A fresh link valid for ten minutes, or None when the user is neither staff nor an
    administrator (the caller commits)."""
    if await console_actor(session, telegram_user_id, admin_ids) is None:
        return None
    token = await create_login(session, telegram_user_id, now=now, ttl=LOGIN_TTL)
    return login_url(base_url, token)
