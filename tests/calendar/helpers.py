"""Helpers shared by the calendar tests."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers.notify.format import coverage_warning
from tickets.worktime.calendar import WorkCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given in Shanghai local time."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def warning(cal: WorkCalendar, year: int, lang: str = "en") -> str | None:
    """What the administrators are told about ``year`` (None: covered)."""
    gap = cal.coverage_gap(year)
    return coverage_warning(gap, lang) if gap is not None else None


def due_warnings(cal: WorkCalendar, today: date, lang: str = "en") -> list[tuple[int, str]]:
    """``(year, warning)`` for each year due and not covered on ``today``."""
    return [(gap.year, coverage_warning(gap, lang)) for gap in cal.due_coverage_gaps(today)]
