"""What handlers get besides the update: the live configuration and the domain services.

The composition root (``bot/app.py``) builds one :class:`Deps` and puts it in the
dispatcher's workflow data, so every handler can declare a ``deps: Deps`` argument. Per
update, handlers also get ``session`` (the update's transaction), ``outgoing`` (queue
messages into the outbox) and ``lang`` ("zh" | "en").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from faq import KnowledgeBase
from faq.routing import RouteResult
from handlers.notify import NotifySetup, OutboxNotifier
from tickets.clock import Clock, SystemClock
from tickets.config.live import DeskConfigHolder
from tickets.routing import LiveRouter
from tickets.service import TicketService


class _LiveKnowledge(Protocol):
    """The live FAQ (``faq.KnowledgeBaseHolder`` or the service's wrapper around it)."""

    @property
    def current(self) -> KnowledgeBase | None: ...


@dataclass
class Deps:
    desk: DeskConfigHolder
    kb: _LiveKnowledge | None
    tz: ZoneInfo
    admin_ids: tuple[int, ...] = ()
    clock: Clock = field(default_factory=SystemClock)
    bot_username: str | None = None
    citizen_reopen_days: int = 7
    routing: LiveRouter = field(default_factory=LiveRouter)
    texts: Any = None  # the live texts (bot.texts.TextsService): reloaded by /reload
    console_url: str | None = None  # the web console's base URL (sign-in links), if served
    faq_review_days: int = 365  # FAQ_REVIEW_DAYS: /stale lists entries reviewed longer ago
    announce_hours: Any = None  # ANNOUNCE_HOURS (tickets.announce.SendingHours), for /announce

    def tickets(self, session: AsyncSession) -> TicketService:
        """A ticket service bound to this update's transaction."""
        return TicketService(
            session,
            clock=self.clock,
            config=self.desk.config,
            calendar=self.desk.calendar,
            notifier=self.notifier(session),
            tz=self.tz,
            admin_ids=self.admin_ids,
            citizen_reopen_days=self.citizen_reopen_days,
        )

    def notifier(self, session: AsyncSession) -> OutboxNotifier:
        """The notifier of this update's transaction, with the live departments file (names,
        the staff language)."""
        return OutboxNotifier(session, NotifySetup.of(self.desk.config, self.tz))

    @property
    def knowledge(self) -> KnowledgeBase | None:
        return self.kb.current if self.kb is not None else None

    async def propose_department(
        self, session: AsyncSession, text: str, lang: str | None = None
    ) -> RouteResult:
        """The department router's proposal for a request form (every channel's)."""
        return await self.routing.propose(
            session,
            text,
            lang,
            desk=self.desk.config,
            kb=self.knowledge,
            now=self.clock.now(),
        )

    def is_admin(self, telegram_user_id: int) -> bool:
        return telegram_user_id in self.admin_ids
