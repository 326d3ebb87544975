"""Who may use the web console, one-time sign-in links and console sessions.

Pure domain (no HTTP): functions take the session and the current time; none commits.

- A **sign-in link** carries a random token (32 URL-safe bytes). Only its SHA-256 is stored
  (``console_login``), with its owner and an expiry ten minutes on. Redeeming claims it with a
  conditional ``UPDATE ... WHERE used_at IS NULL AND expires_at > now``: it works once, even
  when two browsers open it at the same moment.
- A **console session** is another random token, in an HttpOnly cookie; the table holds its
  SHA-256, the owner, its own CSRF token and the expiry. Signing out deletes the row, so a
  copied cookie stops working at once. Every request re-reads who the owner is (the staff
  table and ``ADMIN_IDS``): a deactivated clerk loses the console with their next click.
- Who may sign in: administrators (``ADMIN_IDS``, or staff with role ``admin``) and active
  staff (:func:`tickets.authz.actor_for`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.authz import Actor, actor_for
from tickets.models import ConsoleLogin, ConsoleSession

__all__ = [
    "LOGIN_TTL",
    "ConsoleUser",
    "check_csrf",
    "console_actor",
    "create_login",
    "end_session",
    "hash_token",
    "load_session",
    "redeem_login",
]

LOGIN_TTL = timedelta(minutes=10)
_TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class ConsoleUser:
    """A signed-in console user: the session row and the actor behind it."""

    session_id: int
    csrf_token: str
    expires_at: datetime
    actor: Actor


async def console_actor(
    session: AsyncSession, telegram_user_id: int, admin_ids: Iterable[int]
) -> Actor | None:
    """The actor if this Telegram user may use the console (staff or administrator)."""
    actor = await actor_for(session, telegram_user_id, admin_ids)
    return actor if actor.is_staff else None


async def create_login(
    session: AsyncSession, telegram_user_id: int, *, now: datetime, ttl: timedelta = LOGIN_TTL
) -> str:
    """A new one-time sign-in token for this user (the caller checked they may sign in)."""
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    session.add(
        ConsoleLogin(
            token_hash=hash_token(token),
            telegram_user_id=telegram_user_id,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    await session.flush()
    return token


async def redeem_login(
    session: AsyncSession,
    token: str,
    *,
    now: datetime,
    admin_ids: Iterable[int],
    session_ttl: timedelta,
) -> tuple[str, ConsoleUser] | None:
    """Use a sign-in token once: a new session ``(cookie token, user)``, or None when the
    token is unknown, used, expired, or its owner is no longer staff."""
    if not token or len(token) > 200:
        return None
    digest = hash_token(token)
    claim = (
        update(ConsoleLogin)
        .where(
            col(ConsoleLogin.token_hash) == digest,
            col(ConsoleLogin.used_at).is_(None),
            col(ConsoleLogin.expires_at) > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if (await session.exec(claim)).rowcount != 1:
        return None
    stmt = select(ConsoleLogin.telegram_user_id).where(ConsoleLogin.token_hash == digest)
    user_id = (await session.exec(stmt)).one()
    actor = await console_actor(session, user_id, admin_ids)
    if actor is None:
        return None
    await _forget_expired(session, now)
    cookie = secrets.token_urlsafe(_TOKEN_BYTES)
    row = ConsoleSession(
        token_hash=hash_token(cookie),
        telegram_user_id=user_id,
        csrf_token=secrets.token_urlsafe(24),
        created_at=now,
        expires_at=now + session_ttl,
    )
    session.add(row)
    await session.flush()
    assert row.id is not None
    return cookie, ConsoleUser(row.id, row.csrf_token, row.expires_at, actor)


async def load_session(
    session: AsyncSession, cookie: str | None, *, now: datetime, admin_ids: Iterable[int]
) -> ConsoleUser | None:
    """The user of a session cookie, or None (no such session, expired, no longer staff)."""
    if not cookie or len(cookie) > 200:
        return None
    stmt = select(ConsoleSession).where(
        ConsoleSession.token_hash == hash_token(cookie), col(ConsoleSession.expires_at) > now
    )
    row = (await session.exec(stmt)).first()
    if row is None or row.id is None:
        return None
    actor = await console_actor(session, row.telegram_user_id, admin_ids)
    if actor is None:
        return None
    return ConsoleUser(row.id, row.csrf_token, row.expires_at, actor)


async def end_session(session: AsyncSession, session_id: int, *, now: datetime) -> None:
    """Sign out (and forget sessions and sign-in links that expired anyway)."""
    await session.exec(delete(ConsoleSession).where(col(ConsoleSession.id) == session_id))
    await _forget_expired(session, now)


async def _forget_expired(session: AsyncSession, now: datetime) -> None:
    """Sessions and sign-in links past their expiry are of no use: delete them (at each
    sign-in and sign-out, so the tables stay small)."""
    await session.exec(delete(ConsoleSession).where(col(ConsoleSession.expires_at) <= now))
    await session.exec(delete(ConsoleLogin).where(col(ConsoleLogin.expires_at) <= now))


def check_csrf(user: ConsoleUser, supplied: str | None) -> bool:
    # Bytes: compare_digest refuses str with non-ASCII characters (a hostile form field).
    given = str(supplied or "").encode("utf-8", "surrogateescape")
    return bool(given) and hmac.compare_digest(user.csrf_token.encode(), given)
