"""The WeChat API the desk calls (``WECHAT_API_URL``), over the aiohttp session the composition
root gives it; and the access token, shared by every instance through the database.

Errors come back as HTTP 200 with ``{"errcode", "errmsg"}`` (:class:`WxApiError`); a network
failure, a timeout or a 5xx is :class:`WxUnavailable`.

:class:`TokenStore` keeps the access_token in ``wechat_token`` (one row per AppID): every
instance reads it from there; one refreshes it when it is about to expire, or when WeChat says
it is invalid (40001) or expired (42001), after winning a conditional UPDATE of
``refreshing_until`` (a short lease). The others wait for the new token instead of asking
WeChat for one too (each request for a token invalidates the previous one a few minutes
later, and the daily number of requests is limited).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from sqlalchemy import and_, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.clock import Clock
from tickets.models import WeChatToken

__all__ = ["Media", "TokenStore", "WeChatApi", "WxApiError", "WxUnavailable"]

log = logging.getLogger(__name__)

TOKEN_ERRORS = frozenset({40001, 40014, 42001})  # invalid, malformed, expired access_token
IP_NOT_ALLOWED = 40164  # the server's IP is not on the account's allow-list
EARLY = timedelta(minutes=5)  # refresh this long before the token expires
LEASE = timedelta(seconds=15)  # how long one instance may take to refresh
MAX_MEDIA = 10 * 1024 * 1024


class WxApiError(Exception):
    """WeChat answered with an error code."""

    def __init__(self, errcode: int, errmsg: str = "") -> None:
        super().__init__(f"{errcode} {errmsg}".strip())
        self.errcode = errcode
        self.errmsg = errmsg


class WxUnavailable(Exception):
    """WeChat could not be reached, timed out or answered a server error."""


@dataclass(frozen=True)
class Media:
    content: bytes
    content_type: str


class WeChatApi:
    """The calls the desk makes: token, customer-service message, media download."""

    def __init__(
        self,
        http: Callable[[], aiohttp.ClientSession],
        base_url: str,
        app_id: str,
        app_secret: str,
        *,
        timeout: float = 10.0,
    ) -> None:
        self._http = http
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self._secret = app_secret
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def _request(self, method: str, path: str, **kwargs: Any) -> aiohttp.ClientResponse:
        url = f"{self.base_url}/cgi-bin/{path}"
        try:
            response = await self._http().request(method, url, timeout=self._timeout, **kwargs)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise WxUnavailable(f"{path}: {type(exc).__name__}: {exc}") from None
        if response.status >= 500 or response.status == 429:
            response.release()
            raise WxUnavailable(f"{path}: HTTP {response.status}")
        return response

    async def _json(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        response = await self._request(method, path, **kwargs)
        try:
            data = await response.json(content_type=None)
        except (ValueError, aiohttp.ClientError, TimeoutError) as exc:
            raise WxUnavailable(f"{path}: unreadable answer: {type(exc).__name__}") from None
        finally:
            response.release()
        if not isinstance(data, dict):
            raise WxUnavailable(f"{path}: unexpected answer")
        errcode = data.get("errcode")
        if isinstance(errcode, int) and errcode != 0:
            if errcode == -1:  # "system busy"
                raise WxUnavailable(f"{path}: -1 {data.get('errmsg', '')}")
            raise WxApiError(errcode, str(data.get("errmsg", "")))
        return data

    async def fetch_token(self) -> tuple[str, int]:
        """A new access_token and its lifetime in seconds."""
        params = {"grant_type": "client_credential", "appid": self.app_id, "secret": self._secret}
        data = await self._json("GET", "token", params=params)
        token, expires = data.get("access_token"), data.get("expires_in")
        if not isinstance(token, str) or not token or not isinstance(expires, int):
            raise WxUnavailable("token: no access_token in the answer")
        return token, expires

    async def custom_send(self, access_token: str, body: dict[str, Any]) -> dict[str, Any]:
        """``POST message/custom/send``: a customer-service message."""
        data = json.dumps(body, ensure_ascii=False).encode()
        return await self._json(
            "POST",
            "message/custom/send",
            params={"access_token": access_token},
            data=data,
            headers={"Content-Type": "application/json; charset=utf-8"},
        )

    async def media(self, access_token: str, media_id: str) -> Media:
        """``GET media/get``: a follower's photo (kept by WeChat for three days)."""
        response = await self._request(
            "GET", "media/get", params={"access_token": access_token, "media_id": media_id}
        )
        try:
            kind = response.content_type or "application/octet-stream"
            if kind in ("application/json", "text/plain"):
                data = json.loads(await response.read())
                raise WxApiError(int(data.get("errcode", -1)), str(data.get("errmsg", "")))
            content = await response.content.read(MAX_MEDIA + 1)
        finally:
            response.release()
        if len(content) > MAX_MEDIA:
            raise WxUnavailable("media/get: file too large")
        return Media(content, kind)


def _insert(session: AsyncSession) -> Any:
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


class TokenStore:
    """The access_token, cached in memory and shared through the database (module doc)."""

    def __init__(
        self,
        api: WeChatApi,
        session_factory: Callable[[], AsyncSession],
        clock: Clock,
        *,
        wait_step: float = 0.1,
    ) -> None:
        self.api = api
        self._sessions = session_factory
        self._clock = clock
        self._cached: tuple[str, datetime] | None = None
        self._lock = asyncio.Lock()
        self._wait_step = wait_step
        self.refreshes = 0  # tokens this instance asked WeChat for

    def _fresh(self, token: str | None, expires: datetime | None) -> bool:
        return bool(token) and expires is not None and expires - EARLY > self._clock.now()

    async def get(self) -> str:
        """A valid access_token (refreshed when it is about to expire)."""
        cached = self._cached
        if cached is not None and self._fresh(*cached):
            return cached[0]
        return await self.refresh(stale=None)

    async def refresh(self, stale: str | None) -> str:
        """A token other than ``stale`` (WeChat refused it), or a fresh one when ``stale`` is
        None; only one instance asks WeChat at a time."""
        async with self._lock:
            for _ in range(int(LEASE.total_seconds() / self._wait_step) + 20):
                row = await self._read()
                if row is not None and row.access_token != stale:
                    if self._fresh(row.access_token, row.expires_at):
                        assert row.access_token is not None and row.expires_at is not None
                        self._cached = (row.access_token, row.expires_at)
                        return row.access_token
                if await self._claim(stale):
                    return await self._fetch()
                await asyncio.sleep(self._wait_step)  # another instance is refreshing
            raise WxUnavailable("token: another instance did not finish refreshing it")

    async def _read(self) -> WeChatToken | None:
        async with self._sessions() as session:
            return await session.get(WeChatToken, self.api.app_id)

    async def _claim(self, stale: str | None) -> bool:
        """Take the refresh lease: nobody holds it, and the token is still the stale one (or
        not fresh); created first if the row does not exist."""
        now = self._clock.now()
        async with self._sessions() as session:
            await session.exec(
                _insert(session)(WeChatToken)
                .values(app_id=self.api.app_id, updated_at=now)
                .on_conflict_do_nothing(index_elements=["app_id"])
            )
            table = WeChatToken.__table__  # type: ignore[attr-defined]
            conditions = [table.c.access_token.is_(None), table.c.expires_at <= now + EARLY]
            if stale is not None:
                conditions.append(table.c.access_token == stale)
            result = await session.exec(
                update(table)
                .where(
                    and_(
                        table.c.app_id == self.api.app_id,
                        or_(table.c.refreshing_until.is_(None), table.c.refreshing_until < now),
                        or_(*conditions),
                    )
                )
                .values(refreshing_until=now + LEASE)
            )
            await session.commit()
            return bool(result.rowcount)

    async def _fetch(self) -> str:
        try:
            token, expires_in = await self.api.fetch_token()
        except Exception as exc:
            await self._release()
            if isinstance(exc, WxApiError) and exc.errcode == IP_NOT_ALLOWED:
                log.error(
                    "WeChat refuses the access token: this server's outbound IP is not on the "
                    "公众号's IP allow-list (开发 → 基本配置 → IP白名单): %s",
                    exc,
                )
            raise
        self.refreshes += 1
        now = self._clock.now()
        expires = now + timedelta(seconds=max(0, expires_in))
        async with self._sessions() as session:
            await session.exec(
                update(WeChatToken)
                .where(col(WeChatToken.app_id) == self.api.app_id)
                .values(
                    access_token=token, expires_at=expires, refreshing_until=None, updated_at=now
                )
            )
            await session.commit()
        self._cached = (token, expires)
        return token

    async def _release(self) -> None:
        async with self._sessions() as session:
            await session.exec(
                update(WeChatToken)
                .where(col(WeChatToken.app_id) == self.api.app_id)
                .values(refreshing_until=None)
            )
            await session.commit()
