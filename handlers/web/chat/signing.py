"""The visitor cookie and the CSRF token, both HMAC-SHA256 under the web chat's key.

* cookie ``cd_visitor`` = ``<visitor id>.<signature>``: the visitor id is 24 random URL-safe
  characters (the ``external_id`` of their ``web`` identity); a cookie whose signature does not
  verify is no visitor (401);
* CSRF token = a MAC of the visitor id (a different purpose string): bound to the visitor, so
  another visitor's token, or one from before an erasure, is refused (403).

The key is ``WEBCHAT_SECRET``, else a random one made once and kept in the database
(:func:`shared_secret`), so every instance signs alike and restarts keep the visitors.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from datetime import datetime

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.models import WebchatKey

__all__ = ["COOKIE", "Signer", "new_visitor_id", "shared_secret"]

COOKIE = "cd_visitor"
_VISITOR = re.compile(r"^[A-Za-z0-9_-]{24}$")
KEY_NAME = "webchat"


def new_visitor_id() -> str:
    return secrets.token_urlsafe(18)  # 24 characters, 144 bits


class Signer:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(b"citizen-desk:webchat:" + secret.encode()).digest()

    def derive(self, purpose: str) -> bytes:
        """A key of its own for ``purpose`` (e.g. the shared rate limits' HMAC of addresses)."""
        return hmac.new(self._key, f"derive:{purpose}".encode(), hashlib.sha256).digest()

    def _mac(self, purpose: str, value: str) -> str:
        digest = hmac.new(self._key, f"{purpose}:{value}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")

    def cookie(self, visitor: str) -> str:
        return f"{visitor}.{self._mac('visitor', visitor)}"

    def visitor(self, cookie: str | None) -> str | None:
        """The visitor id of a cookie value whose signature verifies, else None."""
        if not cookie or len(cookie) > 100:
            return None
        visitor, _, mac = cookie.partition(".")
        if not _VISITOR.match(visitor):
            return None
        if not hmac.compare_digest(_raw(mac), self._mac("visitor", visitor).encode()):
            return None
        return visitor

    def csrf(self, visitor: str) -> str:
        return self._mac("csrf", visitor)

    def check_csrf(self, visitor: str, token: str | None) -> bool:
        if not token or len(token) > 100:
            return False
        return hmac.compare_digest(_raw(token), self.csrf(visitor).encode())


def _raw(value: str) -> bytes:
    """A header or cookie as its bytes (aiohttp keeps undecodable bytes as surrogates)."""
    return value.encode("utf-8", "surrogateescape")


async def shared_secret(session: AsyncSession, now: datetime) -> str:
    """The key kept in the database (made by the first instance that asks)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = (
        insert(WebchatKey)
        .values(name=KEY_NAME, secret=secrets.token_urlsafe(32), created_at=now)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    await session.exec(stmt)
    row = await session.get(WebchatKey, KEY_NAME)
    assert row is not None
    return row.secret
