"""The web chat, wired (``WEBCHAT_ENABLED``, on by default): its routes (``/chat``...), the
processor behind them, the streams' hub and, on PostgreSQL, the ``LISTEN`` that wakes streams
of events written by other instances, and the outbox sender of channel ``web``.

Delivering an outbox row of channel ``web`` (a staff reply, a request for information, a
closure... queued by the ticket service's notifier) = writing it as an event of the visitor's
stream, in one transaction with the row's ``outbox_id`` (unique): a row delivered twice (a
sender killed between the event's commit and the row's) writes one event. Then the streams are
woken (here directly, elsewhere by ``pg_notify``).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from aiohttp import web
from sqlalchemy.exc import IntegrityError

from bot.config import Settings
from bot.db import SessionFactory
from bot.outbox import OutboxSender, PermanentFailure, Rate, RateLimits
from handlers.deps import Deps
from handlers.web.chat import events
from handlers.web.chat.hub import PgListener, StreamHub, asyncpg_dsn
from handlers.web.chat.processing import WebChatProcessor
from handlers.web.chat.render import from_outbox
from handlers.web.chat.signing import Signer, shared_secret
from handlers.web.chat.views import WebChat
from tickets.clock import Clock
from tickets.models import Outbox

__all__ = ["WEB_LIMITS", "WebChatChannel", "WebTransport", "setup_webchat"]

log = logging.getLogger(__name__)

# Writing an event is a database insert: the limits only keep one visitor's burst polite.
WEB_LIMITS = RateLimits(
    overall=Rate(1000, timedelta(seconds=1)),
    per_chat=Rate(50, timedelta(seconds=1)),
    per_group=Rate(50, timedelta(seconds=1)),
)


class WebTransport:
    """An outbox row of channel ``web`` -> an event of the visitor's stream."""

    def __init__(self, session_factory: SessionFactory, hub: StreamHub, clock: Clock) -> None:
        self._sessions = session_factory
        self._hub = hub
        self._clock = clock

    async def deliver(self, row: Outbox) -> Any:
        visitor = row.address or ""
        if row.method != "message" or not visitor or row.id is None:
            raise PermanentFailure(f"failed: not a web chat message ({row.method})")
        event = from_outbox(row.payload)
        try:
            async with self._sessions() as session, session.begin():
                if await events.delivered(session, row.id):
                    return {"seq": None}
                seq = await events.append(
                    session, visitor, event, self._clock.now(), outbox_id=row.id
                )
        except IntegrityError:  # another sender delivered it meanwhile
            return {"seq": None}
        self._hub.wake(visitor)
        return {"seq": seq}


class WebChatChannel:
    def __init__(
        self, settings: Settings, session_factory: SessionFactory, deps: Deps, clock: Clock
    ) -> None:
        self.settings = settings
        self.sessions = session_factory
        self.clock = clock
        self.hub = StreamHub()
        self.processor = WebChatProcessor(session_factory, deps)
        self.sender: OutboxSender | None = None
        self.wake_others: Any = None  # the runtime's wake_outbox (the ticket's posts to staff)
        if settings.outbox_enabled:
            self.sender = OutboxSender(
                session_factory,
                WebTransport(session_factory, self.hub, clock),
                clock=clock,
                channel=events.CHANNEL,
                limits=WEB_LIMITS,
            )
        dsn = asyncpg_dsn(settings.database_url)
        self.listener = PgListener(dsn, self.hub) if dsn else None
        self.chat = WebChat(
            settings, session_factory, self.processor, self.hub, on_commit=self._woken
        )
        self.redis: Any = None
        if settings.redis_url:  # several instances: one rate limit for all of them
            from redis.asyncio import Redis

            from handlers.web.chat.limits import SharedRateLimiter

            self.redis = Redis.from_url(settings.redis_url, socket_timeout=2)

            def secret() -> bytes:
                signer = self.chat.signer
                return signer.derive("rate-limits") if signer is not None else b""

            self.chat.visitor_limit = SharedRateLimiter(
                self.redis, settings.webchat_rate, name="visitor", secret=secret
            )
            self.chat.ip_limit = SharedRateLimiter(
                self.redis, settings.webchat_ip_rate, name="ip", secret=secret
            )

    def _woken(self, visitors: list[str]) -> None:
        for visitor in visitors:
            self.hub.wake(visitor)
        if self.wake_others is not None:
            self.wake_others()
        else:
            self.wake()

    def wake(self) -> None:
        if self.sender is not None:
            self.sender.wake()

    async def start(self) -> None:
        self.chat.load_key = self._key
        try:
            await self.chat.ensure_signer()
        except Exception as exc:  # the database is down: the first request tries again
            log.warning("web chat: signing key not loaded yet: %s: %s", type(exc).__name__, exc)
        if self.listener is not None:
            await self.listener.start()
        if self.sender is not None:
            await self.sender.start()
        log.info("web chat: %s/chat", self.settings.console_base_url)

    async def _key(self) -> Signer:
        secret = self.settings.webchat_secret
        if secret is not None:
            return Signer(secret.get_secret_value())
        async with self.sessions() as session, session.begin():
            return Signer(await shared_secret(session, self.clock.now()))

    async def shutdown(self, timeout: float) -> None:  # noqa: ASYNC109
        self.chat.close_streams()
        if self.listener is not None:
            await self.listener.stop()
        if self.sender is not None:
            await self.sender.stop(timeout)
        if self.redis is not None:
            await self.redis.aclose()


def setup_webchat(
    app: web.Application,
    settings: Settings,
    session_factory: SessionFactory,
    deps: Deps,
    clock: Clock,
) -> WebChatChannel | None:
    if not settings.webchat_enabled:
        return None
    channel = WebChatChannel(settings, session_factory, deps, clock)
    channel.chat.routes(app)
    return channel
