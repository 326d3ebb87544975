"""Values in words, for every channel: times in the city's time zone, working time and
deadline windows, department names, the holiday calendar's gaps (texts: ``locales/``).

Times are shown in the city's time zone as ``2026-11-24 17:30``.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any

from locales import catalogue, t
from tickets.config.desk import DeskConfig
from tickets.notify import CoverageGap
from tickets.worktime.durations import WindowKind, WorkWindow

__all__ = [
    "DepartmentNames",
    "coverage_warning",
    "describe_late",
    "describe_window",
    "event_label",
    "format_time",
    "unreachable",
]


def format_time(dt: datetime | None, tz: tzinfo, lang: str | None = None) -> str:
    """``2026-11-24 17:30`` in the city's time zone (``none``/``无`` for a missing time)."""
    if dt is None:
        return t(lang, "label-none")
    return dt.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def describe_late(late: timedelta, lang: str | None, day_length: timedelta) -> str:
    """Working time in words: ``2 working days 3 h 5 min`` / ``2个工作日3小时5分钟``.

    ``day_length`` is the working time of a normal working day (7 h by default), used to
    count whole working days when ``late`` is that long.
    """
    minutes = max(0, int(late.total_seconds() // 60))
    day_minutes = max(1, int(day_length.total_seconds() // 60))
    days, rest = divmod(minutes, day_minutes)
    hours, mins = divmod(rest, 60)
    parts = [
        t(lang, key, count=value)
        for key, value in (("late-days", days), ("late-hours", hours), ("late-minutes", mins))
        if value
    ]
    return t(lang, "late-sep").join(parts) or t(lang, "late-none")


def describe_window(window: WorkWindow, lang: str | None, *, within: bool = True) -> str:
    """A deadline window in words: ``within 3 working days`` / ``3个工作日内`` (``within``
    False: ``3 working days`` / ``3个工作日``, e.g. "we heard nothing from you within …")."""
    if window.kind is WindowKind.SAME_DAY:
        amount = t(lang, "window-same_day")
    elif window.kind is WindowKind.WORKING_DAYS:
        amount = t(lang, "window-days", count=window.working_days)
    else:
        hours, minutes = divmod(int(window.working_time.total_seconds() // 60), 60)
        if hours and minutes:
            amount = t(lang, "window-hours_minutes", hours=hours, minutes=minutes)
        elif hours:
            amount = t(lang, "window-hours", count=hours)
        elif minutes:
            amount = t(lang, "window-minutes", count=minutes)
        else:
            amount = t(lang, "window-none")
    return t(lang, "window-within", window=amount) if within else amount


def coverage_warning(gap: CoverageGap, lang: str | None) -> str:
    """What the administrators are told while a year's official holiday schedule is missing
    (``departments check`` and the service's log print it too)."""
    key = "calendar-gap_estimated" if gap.estimated else "calendar-gap_fixed_dates"
    return t(lang, key, year=str(gap.year), path=gap.path)


class DepartmentNames:
    """A department's name in a language: from the departments file, else the database row
    (a department that left the file), else its slug."""

    def __init__(self, config: DeskConfig | None, rows: dict[str, tuple[str, str]] | None = None):
        self.config = config
        self.rows = rows  # slug -> (name_zh, name_en), loaded when the file does not know a slug

    def known(self, slug: str) -> bool:
        return self.config is not None and self.config.get(slug) is not None

    def name(self, slug: str, lang: str | None) -> str:
        cfg = self.config.get(slug) if self.config is not None else None
        if cfg is not None:
            return cfg.name_for(lang)
        zh, en = (self.rows or {}).get(slug, (slug, slug))
        return en if (lang or "").startswith("en") else zh


def unreachable(data: dict[str, Any]) -> str:
    """Why a ``citizen_unreachable`` event's message could not be delivered (a known code)."""
    why = str(data.get("why") or "")
    return why if why in ("window", "unsubscribed") else "failed"


def event_label(lang: str | None, kind: str) -> str:
    """The audit-trail name of an event kind (the kind itself when the catalogue lacks it)."""
    key = f"sh-event-{kind}"
    return t(lang, key) if key in catalogue() else kind
