"""The WeChat Official Account channel, wired (``WECHAT_TOKEN`` set): the callback routes at
``WECHAT_PATH``, the processor behind them, the WeChat API client over one aiohttp session,
the shared access token, and the outbox sender of channel ``wechat`` (customer-service
messages) with its failure handler (a ticket's undeliverable message is flagged on it).
Started, drained and closed by the runtime (:mod:`bot.runtime`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import aiohttp
from aiohttp import web

from bot.config import Settings
from bot.db import SessionFactory
from bot.outbox import OutboxSender, Rate, RateLimits
from bot.processing import is_transient
from bot.wechat_transport import WeChatTransport, flag_unreachable
from handlers.deps import Deps
from handlers.wechat.api import TOKEN_ERRORS, Media, TokenStore, WeChatApi, WxApiError
from handlers.wechat.callback import WeChatCallback, WeChatKeys
from handlers.wechat.processing import WeChatProcessor
from tickets.clock import Clock

__all__ = ["WECHAT_LIMITS", "WeChatChannel", "setup_wechat"]

log = logging.getLogger(__name__)

# WeChat documents no rate for customer-service messages (only a quota per follower between
# two of their messages, 45047); these keep a burst polite.
WECHAT_LIMITS = RateLimits(
    overall=Rate(50, timedelta(seconds=1)),
    per_chat=Rate(5, timedelta(seconds=1)),
    per_group=Rate(5, timedelta(seconds=1)),
)


class WeChatChannel:
    """Everything the WeChat channel runs (see the module docstring)."""

    def __init__(
        self,
        settings: Settings,
        session_factory: SessionFactory,
        deps: Deps,
        clock: Clock,
    ) -> None:
        assert settings.wechat_token is not None and settings.wechat_app_secret is not None
        assert settings.wechat_app_id is not None
        aes = settings.wechat_aes_key
        self.keys = WeChatKeys(
            token=settings.wechat_token.get_secret_value(),
            app_id=settings.wechat_app_id,
            aes_key=aes.get_secret_value() if aes is not None else None,
        )
        self._http: aiohttp.ClientSession | None = None
        self.api = WeChatApi(
            self.http,
            settings.wechat_api_url,
            settings.wechat_app_id,
            settings.wechat_app_secret.get_secret_value(),
        )
        self.tokens = TokenStore(self.api, session_factory, clock)
        self.transport = WeChatTransport(self.api, self.tokens, session_factory, clock)
        self.sender: OutboxSender | None = None
        if settings.outbox_enabled:
            self.sender = OutboxSender(
                session_factory,
                self.transport,
                clock=clock,
                channel="wechat",
                limits=WECHAT_LIMITS,
                on_failed=flag_unreachable(deps.tickets),
            )
        self.processor = WeChatProcessor(session_factory, deps, is_transient=is_transient)
        self.callback = WeChatCallback(
            self.keys,
            self.processor,
            clock,
            deadline=settings.wechat_reply_deadline,
            on_commit=self.wake,
        )

    def http(self) -> aiohttp.ClientSession:
        """The channel's HTTP session (created in the running loop on first use)."""
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession()
        return self._http

    async def media(self, media_id: str) -> Media:
        """A follower's photo by its MediaId (the console shows it to staff)."""
        token = await self.tokens.get()
        try:
            return await self.api.media(token, media_id)
        except WxApiError as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
        return await self.api.media(await self.tokens.refresh(stale=token), media_id)

    def wake(self) -> None:
        if self.sender is not None:
            self.sender.wake()

    async def start(self) -> None:
        self.http()
        if self.sender is not None:
            await self.sender.start()
        mode = "safe mode" if self.keys.aes_key else "plaintext mode"
        log.info("WeChat: callback ready (%s), AppID %s", mode, self.keys.app_id)

    async def shutdown(self, timeout: float) -> None:  # noqa: ASYNC109
        if not await self.callback.drain(timeout):
            log.warning("WeChat: messages still in flight after %.0f s", timeout)
        if self.sender is not None:
            await self.sender.stop(timeout)

    async def cleanup(self) -> None:
        if self._http is not None:
            await self._http.close()
            self._http = None


def setup_wechat(
    app: web.Application,
    settings: Settings,
    session_factory: SessionFactory,
    deps: Deps,
    clock: Clock,
) -> WeChatChannel | None:
    """The channel and its routes when ``WECHAT_TOKEN`` is set, else None."""
    if not settings.wechat_enabled:
        return None
    channel = WeChatChannel(settings, session_factory, deps, clock)
    app.router.add_get(settings.wechat_path, channel.callback.verify)
    app.router.add_post(settings.wechat_path, channel.callback.receive)
    return channel
