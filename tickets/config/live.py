"""The live departments configuration: replaced whole, and only by a valid file.

:class:`DeskConfigHolder` holds the configuration and its calendar as one value (readers never
see a configuration paired with another one's calendar); :meth:`~DeskConfigHolder.reload`
reads the file, syncs the departments table in the caller's session and swaps, or changes
nothing when the file has a problem (:class:`DeskReload` says which).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.config.desk import DeskConfig, Problem, load_desk_config
from tickets.people.departments import SyncReport, sync_departments
from tickets.worktime.calendar import WorkCalendar

__all__ = ["DeskConfigHolder", "DeskReload"]


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
