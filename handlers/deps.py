"""What handlers get besides the update: the live configuration and the domain services.

The composition root (``bot/app.py``) builds one :class:`Deps` and puts it in the
dispatcher's workflow data, so every handler can declare a ``deps: Deps`` argument. Per
update, handlers also get ``session`` (the update's transaction), ``outgoing`` (queue
messages into the outbox) and ``lang`` ("zh" | "en").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from faq import KnowledgeBase, KnowledgeBaseHolder
from tickets.clock import Clock, SystemClock
from tickets.deptconfig import DeskConfig
from tickets.service import TicketService
from tickets.workcalendar import WorkCalendar


class DeskConfigHolder:
    """The live departments configuration; replaced whole on a valid reload."""

    def __init__(self, config: DeskConfig, tz: ZoneInfo) -> None:
        self._tz = tz
        self.swap(config)

    def swap(self, config: DeskConfig) -> None:
        # One tuple assignment: readers never see a config with another config's calendar.
        self._state = (config, config.calendar(self._tz))

    @property
    def config(self) -> DeskConfig:
        return self._state[0]

    @property
    def calendar(self) -> WorkCalendar:
        return self._state[1]


@dataclass
class Deps:
    desk: DeskConfigHolder
    kb: KnowledgeBaseHolder | None
    tz: ZoneInfo
    admin_ids: tuple[int, ...] = ()
    clock: Clock = field(default_factory=SystemClock)
    bot_username: str | None = None
    citizen_reopen_days: int = 7

    def tickets(self, session: AsyncSession) -> TicketService:
        """A ticket service bound to this update's transaction."""
        return TicketService(
            session,
            clock=self.clock,
            config=self.desk.config,
            calendar=self.desk.calendar,
            tz=self.tz,
            admin_ids=self.admin_ids,
            citizen_reopen_days=self.citizen_reopen_days,
        )

    @property
    def knowledge(self) -> KnowledgeBase | None:
        return self.kb.current if self.kb is not None else None

    def is_admin(self, telegram_user_id: int) -> bool:
        return telegram_user_id in self.admin_ids
