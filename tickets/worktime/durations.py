"""Deadline windows ("4h", "90m", "5d", "same_day") and their parser.

A :class:`WorkWindow` says how long a department has, in the city's *working* time:

- ``WORKING_TIME``: an amount of working time (``"4h"``, ``"90m"``, ``"1h30m"``): counted
  only inside working periods, see :meth:`tickets.worktime.calendar.WorkCalendar.add_working_time`.
- ``WORKING_DAYS``: a number of working days (``"5d"``, ``"13d"``): the deadline is the end of
  the N-th working day after the start date, see
  :meth:`tickets.worktime.calendar.WorkCalendar.add_working_days`.
- ``SAME_DAY``: the end of the current working day, or of the next one when the start is
  after hours (``"same_day"``).

:func:`parse_window` accepts English and Chinese spellings and raises ``ValueError`` with a
message fit to show an administrator (it names the bad value and the accepted forms). A window
in words (``within 3 working days``) is the interaction layer's
(``handlers.notify.format.describe_window``, texts in the message catalogue).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

__all__ = ["MAX_WORKING_DAYS", "MAX_WORKING_TIME", "WindowKind", "WorkWindow", "parse_window"]

MAX_WORKING_DAYS = 3650
MAX_WORKING_TIME = timedelta(hours=10_000)

_HELP = (
    "use a working-time amount such as '4h', '90m' or '1h30m', a number of working days "
    "such as '1d' or '13d', or 'same_day' (Chinese: '4小时', '90分钟', '5个工作日', '当天')"
)


class WindowKind(StrEnum):
    WORKING_TIME = "working_time"
    WORKING_DAYS = "working_days"
    SAME_DAY = "same_day"


@dataclass(frozen=True, slots=True)
class WorkWindow:
    """A deadline window in working time. Build it with the class methods or :func:`parse_window`."""

    kind: WindowKind
    working_time: timedelta = timedelta(0)
    working_days: int = 0

    def __post_init__(self) -> None:
        if self.kind is WindowKind.WORKING_TIME:
            if self.working_days:
                raise ValueError("a working-time window cannot also count working days")
            if self.working_time <= timedelta(0):
                raise ValueError(f"working time must be positive, got {self.working_time}")
            if self.working_time > MAX_WORKING_TIME:
                raise ValueError(f"working time must be at most {MAX_WORKING_TIME}")
        elif self.kind is WindowKind.WORKING_DAYS:
            if self.working_time:
                raise ValueError("a working-days window cannot also count working time")
            if isinstance(self.working_days, bool) or not isinstance(self.working_days, int):
                raise ValueError(f"working days must be a whole number, got {self.working_days!r}")
            if not 1 <= self.working_days <= MAX_WORKING_DAYS:
                raise ValueError(
                    f"working days must be between 1 and {MAX_WORKING_DAYS}, got {self.working_days}"
                )
        elif self.kind is WindowKind.SAME_DAY:
            if self.working_time or self.working_days:
                raise ValueError("a same-day window takes no amount")
        else:  # pragma: no cover - enum is closed
            raise ValueError(f"unknown window kind {self.kind!r}")

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def of(cls, delta: timedelta) -> WorkWindow:
        return cls(WindowKind.WORKING_TIME, working_time=delta)

    @classmethod
    def hours(cls, hours: float) -> WorkWindow:
        return cls(WindowKind.WORKING_TIME, working_time=timedelta(hours=hours))

    @classmethod
    def minutes(cls, minutes: float) -> WorkWindow:
        return cls(WindowKind.WORKING_TIME, working_time=timedelta(minutes=minutes))

    @classmethod
    def days(cls, days: int) -> WorkWindow:
        return cls(WindowKind.WORKING_DAYS, working_days=days)

    @classmethod
    def same_day(cls) -> WorkWindow:
        return cls(WindowKind.SAME_DAY)

    @classmethod
    def parse(cls, text: str | WorkWindow) -> WorkWindow:
        return parse_window(text)

    # -- the canonical text ---------------------------------------------------------------------
    def __str__(self) -> str:
        """Canonical text, which :func:`parse_window` reads back to an equal window."""
        if self.kind is WindowKind.SAME_DAY:
            return "same_day"
        if self.kind is WindowKind.WORKING_DAYS:
            return f"{self.working_days}d"
        seconds = self.working_time.total_seconds()
        if seconds % 3600 == 0:
            return f"{int(seconds // 3600)}h"
        if seconds % 60 == 0:
            return f"{int(seconds // 60)}m"
        return f"{self.working_time.total_seconds():g}s"


_SAME_DAY = {"same_day", "same-day", "sameday", "same day", "当天", "当日", "当个工作日", "即日"}

_TIME_UNITS: dict[str, int] = {}  # unit -> seconds
for _names, _secs in (
    (("h", "hr", "hrs", "hour", "hours", "小时", "个小时", "工作小时", "个工作小时"), 3600),
    (("m", "min", "mins", "minute", "minutes", "分钟", "分"), 60),
):
    for _name in _names:
        _TIME_UNITS[_name] = _secs
_DAY_UNITS = {
    "d",
    "day",
    "days",
    "wd",
    "working day",
    "working days",
    "workday",
    "workdays",
    "工作日",
    "个工作日",
    "天",
}
_UNIT_RE = "|".join(
    sorted((re.escape(u) for u in (*_TIME_UNITS, *_DAY_UNITS)), key=len, reverse=True)
)
_PART_RE = re.compile(rf"\s*(\d+(?:\.\d+)?)\s*({_UNIT_RE})(?![a-z])", re.IGNORECASE)


def parse_window(text: str | WorkWindow) -> WorkWindow:
    """Parse a window such as ``"4h"``, ``"90m"``, ``"1h30m"``, ``"13d"`` or ``"same_day"``.

    Working time may use decimal hours (``"1.5h"``) if the total is whole minutes; working days
    must be whole. Days and hours cannot be mixed (``"1d4h"`` is rejected: a working day has no
    fixed length in hours). Raises ``ValueError`` naming the problem and the accepted forms.
    """
    if isinstance(text, WorkWindow):
        return text
    if not isinstance(text, str):
        raise ValueError(f"deadline window {text!r} needs a unit: {_HELP}")
    raw = text
    s = text.strip().lower()
    if not s:
        raise ValueError(f"deadline window is empty: {_HELP}")
    if s in _SAME_DAY:
        return WorkWindow.same_day()
    if re.fullmatch(r"[+-]?\d+(?:\.\d+)?", s):
        raise ValueError(f"deadline window {raw!r} has no unit: {_HELP}")
    if s.startswith("-"):
        raise ValueError(f"deadline window {raw!r} must be positive: {_HELP}")
    pos = 0
    seconds = Decimal(0)
    days: Decimal | None = None
    saw_time = False
    while pos < len(s):
        m = _PART_RE.match(s, pos)
        if m is None:
            raise ValueError(f"cannot read deadline window {raw!r} at {s[pos:].strip()!r}: {_HELP}")
        try:
            amount = Decimal(m.group(1))
        except InvalidOperation as exc:  # pragma: no cover - regex guarantees digits
            raise ValueError(f"bad number in deadline window {raw!r}") from exc
        unit = m.group(2).lower()
        if unit in _TIME_UNITS:
            saw_time = True
            seconds += amount * _TIME_UNITS[unit]
        else:
            if days is not None:
                raise ValueError(f"deadline window {raw!r} gives working days twice: {_HELP}")
            days = amount
        pos = m.end()
    if days is not None and saw_time:
        raise ValueError(
            f"deadline window {raw!r} mixes working days and hours; a working day has no fixed "
            f"length, so use either hours (e.g. '12h') or days (e.g. '2d')"
        )
    if days is not None:
        if days != days.to_integral_value():
            raise ValueError(f"working days must be a whole number in {raw!r}: {_HELP}")
        if days <= 0:
            raise ValueError(f"deadline window {raw!r} must be positive: {_HELP}")
        if days > MAX_WORKING_DAYS:
            raise ValueError(f"deadline window {raw!r} is longer than {MAX_WORKING_DAYS} days")
        return WorkWindow.days(int(days))
    if seconds <= 0:
        raise ValueError(f"deadline window {raw!r} must be positive: {_HELP}")
    if seconds % 60 != 0:
        raise ValueError(f"deadline window {raw!r} is not a whole number of minutes")
    delta = timedelta(seconds=int(seconds))
    if delta > MAX_WORKING_TIME:
        raise ValueError(f"deadline window {raw!r} is longer than {MAX_WORKING_TIME}")
    return WorkWindow.of(delta)
