"""What handlers get besides the update: the live configuration and the domain services.

The composition root (``bot/app.py``) builds one :class:`Deps` and puts it in the
dispatcher's workflow data, so every handler can declare a ``deps: Deps`` argument. Per
update, handlers also get ``session`` (the update's transaction), ``outgoing`` (queue
messages into the outbox) and ``lang`` ("zh" | "en").
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from faq import KnowledgeBase
from tickets.clock import Clock, SystemClock
from tickets.departments import SyncReport, sync_departments
from tickets.deptconfig import DeskConfig, Problem, load_desk_config
from tickets.service import TicketService
from tickets.workcalendar import WorkCalendar


class _LiveKnowledge(Protocol):
    """The live FAQ (``faq.KnowledgeBaseHolder`` or the service's wrapper around it)."""

    @property
    def current(self) -> KnowledgeBase | None: ...


@dataclass(frozen=True)
class DeskReload:
    """The outcome of loading the departments file."""

    path: Path | None
    ok: bool
    problems: tuple[Problem, ...] = ()
    report: SyncReport | None = None
    departments: int = 0

    def summary(self) -> str:
        if self.ok:
            changes = f"; {self.report.summary()}" if self.report is not None else ""
            return f"{self.departments} departments{changes}"
        lines = [f"{len(self.problems)} problem(s), the live version stays:"]
        lines += [str(p) for p in self.problems[:20]]
        return "\n".join(lines)


class DeskConfigHolder:
    """The live departments configuration; replaced whole, and only by a valid file."""

    def __init__(self, tz: ZoneInfo, path: Path | None = None, config: DeskConfig | None = None):
        self._tz = tz
        self.path = path
        self._state: tuple[DeskConfig, WorkCalendar] | None = None
        if config is not None:
            self.swap(config)

    def swap(self, config: DeskConfig) -> None:
        # One assignment: readers never see a config paired with another config's calendar.
        self._state = (config, config.calendar(self._tz))

    async def reload(self, session: AsyncSession, *, now: datetime) -> DeskReload:
        """Read the file (in a thread), sync departments in ``session`` (the caller commits),
        then swap. A file with problems changes nothing."""
        if self.path is None:
            return DeskReload(None, True)
        result = await asyncio.to_thread(load_desk_config, self.path)
        if result.config is None or result.problems:
            return DeskReload(self.path, False, tuple(result.problems))
        report = await sync_departments(session, result.config, now=now)
        self.swap(result.config)
        return DeskReload(self.path, True, (), report, len(result.config.departments))

    @property
    def loaded(self) -> bool:
        return self._state is not None

    @property
    def config(self) -> DeskConfig:
        if self._state is None:
            raise RuntimeError("the departments configuration is not loaded")
        return self._state[0]

    @property
    def calendar(self) -> WorkCalendar:
        if self._state is None:
            raise RuntimeError("the departments configuration is not loaded")
        return self._state[1]


@dataclass
class Deps:
    desk: DeskConfigHolder
    kb: _LiveKnowledge | None
    tz: ZoneInfo
    admin_ids: tuple[int, ...] = ()
    clock: Clock = field(default_factory=SystemClock)
    bot_username: str | None = None
    citizen_reopen_days: int = 7
    faq_review_days: int = 365  # FAQ_REVIEW_DAYS: /stale lists entries reviewed longer ago

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
