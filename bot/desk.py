"""The departments file as the service sees it: loaded and synced at start, reloadable.

A file with problems never replaces a configuration that is live. At start there is no
previous one, so the service refuses to start and names every problem (``FILE:LINE``).
Reloads at run time go through ``DeskConfigHolder.reload`` (admin /reload).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from bot.db import SessionFactory
from tickets.clock import Clock
from tickets.config.desk import load_desk_config
from tickets.config.live import DeskConfigHolder, DeskReload

log = logging.getLogger(__name__)


class DeskConfigError(Exception):
    """The departments file cannot be used; the message lists its problems."""


class DeskService:
    def __init__(self, holder: DeskConfigHolder, clock: Clock) -> None:
        self.holder = holder
        self.clock = clock
        self.synced = True

    async def start(self, session_factory: SessionFactory) -> None:
        try:
            async with session_factory() as session:
                outcome = await self.holder.reload(session, now=self.clock.now())
                if outcome.ok:
                    await session.commit()
        except (OSError, SQLAlchemyError) as exc:
            # The database is down: serve with the file as it is (healthz says the database
            # is down; departments are synced at the next start or /reload).
            log.error("departments not synced, database unavailable: %s", exc)
            if self.holder.path is None:
                raise
            result = await asyncio.to_thread(load_desk_config, self.holder.path)
            if result.config is None or result.problems:
                outcome = DeskReload(self.holder.path, False, tuple(result.problems))
            else:
                self.holder.swap(result.config)
                self.synced = False
                return
        if not outcome.ok:
            problems = "\n".join(str(p) for p in outcome.problems)
            raise DeskConfigError(f"the departments file cannot be used:\n{problems}")
        log.info("departments file %s: %s", self.holder.path, outcome.summary())
        self.warn_about_calendar()

    def warn_about_calendar(self) -> None:
        """Log when this year's holidays (and, from 1 November, next year's) are not known."""
        from handlers.notify.format import coverage_warning

        calendar = self.holder.calendar
        today = self.clock.now().astimezone(calendar.tz).date()
        for gap in calendar.due_coverage_gaps(today):
            log.warning("%s", coverage_warning(gap, "en"))

    def status(self) -> tuple[bool, dict[str, Any]]:
        path = str(self.holder.path)
        if not self.holder.loaded:
            return False, {"status": "down", "path": path}
        return True, {
            "status": "ok",
            "path": path,
            "departments": len(self.holder.config.departments),
            "synced": self.synced,
        }
