"""WeChat customer-service messages: the outbox rows of channel ``wechat``, delivered by an
:class:`~bot.outbox.OutboxSender` (claims, order per follower, retries, at-least-once) through
:class:`WeChatTransport`.

Before each send the follower is checked: nothing goes to one who unfollowed the account or
whose last interaction is older than the 48-hour window (refused, recorded as failed, not
retried). The options the message offers become the follower's numbered choices, then it is
posted (``message/custom/send``, a ``msgmenu`` or a text). WeChat's answers:

* 40001 / 40014 / 42001 (the access token is invalid or expired): the token is refreshed
  (one instance at a time, see :class:`~handlers.wechat.api.TokenStore`) and the message sent
  again at once;
* 45015 (outside the 48-hour window, or unfollowed): failed, not retried;
* 45047 (too many messages since the follower's last interaction), 45009 (the API's daily
  quota), 40164 (this server's IP is not on the allow-list): retried later without using up
  the message's attempts (the window check ends a 45047 after 48 hours);
* -1 (busy), a 5xx, a timeout, the network: retried with backoff;
* any other error (a message WeChat refuses as it is): failed.

:func:`flag_unreachable` is the sender's failure handler: a message about a ticket that could
not be delivered (a staff reply, a question, a closure...) is flagged on the ticket
(``citizen_unreachable``) and told to the department, so staff reach the citizen otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.outbox import PermanentFailure, RetryLater
from handlers.wechat.api import (
    IP_NOT_ALLOWED,
    TOKEN_ERRORS,
    TokenStore,
    WeChatApi,
    WxApiError,
    WxUnavailable,
)
from handlers.wechat.render import custom_body, from_payload
from handlers.wechat.state import follower, in_window, set_options
from tickets.clock import Clock
from tickets.models import Outbox
from tickets.service import TicketService

__all__ = ["METHODS", "WeChatTransport", "flag_unreachable"]

log = logging.getLogger(__name__)

METHODS = frozenset({"custom", "message"})  # the channel's own messages, the ticket service's
OUTSIDE_WINDOW = 45015
OUT_OF_QUOTA = 45047
DAILY_QUOTA = 45009
WHY = ("window", "unsubscribed", "failed")


class WeChatTransport:
    """Delivers one outbox row as a customer-service message (see the module docstring)."""

    def __init__(
        self,
        api: WeChatApi,
        tokens: TokenStore,
        session_factory: Callable[[], AsyncSession],
        clock: Clock,
    ) -> None:
        self.api = api
        self.tokens = tokens
        self._sessions = session_factory
        self._clock = clock

    async def deliver(self, row: Outbox) -> Any:
        openid = row.address or ""
        if row.method not in METHODS or not openid:
            raise PermanentFailure(f"failed: not a WeChat message ({row.method})")
        message = from_payload(row.payload)
        if not message.text.strip() and not message.options:
            raise PermanentFailure("failed: empty message")
        now = self._clock.now()
        async with self._sessions() as session:
            found = await follower(session, openid)
            if found is not None and not found.subscribed:
                raise PermanentFailure("unsubscribed: the follower unfollowed the account")
            if not in_window(found, now):
                raise PermanentFailure(
                    "window: more than 48 hours since the follower's last message"
                )
            await set_options(session, openid, message.mapping, now)
            await session.commit()
        body = {"touser": openid, **custom_body(message)}
        return await self._send(body)

    async def _token(self, stale: str | None = None) -> str:
        try:
            return await (self.tokens.get() if stale is None else self.tokens.refresh(stale))
        except WxUnavailable as exc:
            raise RetryLater(f"access token: {exc}") from None
        except WxApiError as exc:  # AppID/AppSecret wrong, IP not allowed: an admin must act
            log.error("WeChat refuses to give an access token: %s", exc)
            raise RetryLater(f"access token: {exc}", 60, consume_attempt=False) from None

    async def _send(self, body: dict[str, Any]) -> Any:
        token = await self._token()
        for attempt in (1, 2):
            try:
                return await self.api.custom_send(token, body)
            except WxUnavailable as exc:
                raise RetryLater(str(exc)) from None
            except WxApiError as exc:
                if exc.errcode in TOKEN_ERRORS and attempt == 1:
                    token = await self._token(stale=token)
                    continue
                raise _failure(exc) from None
        raise AssertionError("unreachable")


def _failure(exc: WxApiError) -> Exception:
    code = exc.errcode
    if code == OUTSIDE_WINDOW:
        return PermanentFailure(f"window: WeChat {exc} (outside the 48-hour window)")
    if code == OUT_OF_QUOTA:
        return RetryLater(f"WeChat {exc} (too many messages)", 600, consume_attempt=False)
    if code == DAILY_QUOTA:
        return RetryLater(f"WeChat {exc} (daily quota)", 3600, consume_attempt=False)
    if code in TOKEN_ERRORS:
        return RetryLater(f"WeChat {exc} (access token)", 30, consume_attempt=False)
    if code == IP_NOT_ALLOWED:
        log.error("WeChat: this server's IP is not on the 公众号's IP allow-list: %s", exc)
        return RetryLater(f"WeChat {exc} (IP allow-list)", 300, consume_attempt=False)
    return PermanentFailure(f"failed: WeChat {exc}")


def flag_unreachable(
    tickets: Callable[[AsyncSession], TicketService],
) -> Callable[[AsyncSession, Outbox, str], Awaitable[None]]:
    """The failure handler: a message about a ticket that could not be delivered is flagged
    on that ticket (``tickets(session)`` builds the ticket service)."""

    async def handler(session: AsyncSession, row: Outbox, error: str) -> None:
        kind, _, argument = (row.ref or "").partition(":")
        if kind != "ticket" or not argument.split(":", 1)[0].isdigit():
            return
        why = error.split(":", 1)[0]
        await tickets(session).citizen_unreachable(
            int(argument.split(":", 1)[0]), channel=row.channel, why=why if why in WHY else "failed"
        )

    return handler
