"""The city's working-time calendar: working hours, weekends, public holidays, make-up days.

Every public method takes aware datetimes in any time zone (a naive one is taken as UTC, like
:func:`tickets.clock.ensure_utc`) and returns aware datetimes in UTC. Calendar *dates* (the
argument of :meth:`WorkCalendar.is_working_day`, :meth:`WorkCalendar.working_periods`) are the
city's local dates; passing a datetime there means "the local date of that instant".

Whether a local date is a working day is decided in this order (first match wins):

1. administrator local exceptions: ``extra_holidays`` (off) then ``extra_working_days`` (on);
2. the city's yearly schedule files (:mod:`tickets.worktime.yearschedule`, ``config/calendar/YYYY.yaml``
   copied from the State Council notice): a date they list is off (holiday) or on (make-up
   working day); any other date of a year that has a file follows the weekend rule alone;
3. the official national calendar for that year:

   - ``chinesecalendar`` (``import chinese_calendar``) for the years it covers (2004-2026 in
     1.11.0): public holidays (off) and make-up working days 调休上班 (on);
   - otherwise ``holidays.China`` (PyPI ``holidays``): official when that package carries the
     State Council notice for the year, else an *estimate* (fixed-date and lunar festivals with
     its substitute-day rule) that never makes a weekend day a working day;
   - otherwise only the fixed-date national holidays (1 Jan, 1-2 May, 1-3 Oct);

4. the weekend (Saturday and Sunday unless configured).

A weekend day is never a working day unless a local exception, a yearly file or an official
package says so. For years without a file or official package data,
:meth:`WorkCalendar.coverage_gap` says what is missing (a :class:`CoverageGap`: operators must
add the year's file; its words are in the message catalogue);
:meth:`WorkCalendar.due_coverage_gaps` says which years must be covered by a given day (the
current one, and from 1 November the next one, when the State Council has published it).

Working time is the union of the configured daily periods (default 09:00-12:00 and 13:30-17:30,
the civil-service day) on working days. Periods are half-open: 09:00 is working time, 17:30 is
not. Arithmetic jumps period by period and day by day (never minute by minute) and per-date
decisions are cached, so a deadline costs a few microseconds.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tickets.clock import ensure_utc
from tickets.worktime.durations import WindowKind, WorkWindow, parse_window
from tickets.worktime.yearschedule import YearSchedule, schedule_file_name

__all__ = [
    "DEFAULT_PERIODS",
    "DEFAULT_TIMEZONE",
    "DEFAULT_WEEKEND",
    "CalendarSource",
    "CoverageGap",
    "Interval",
    "WorkCalendar",
    "parse_dates",
    "parse_periods",
    "parse_weekend",
]

DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_PERIODS: tuple[tuple[time, time], ...] = (
    (time(9, 0), time(12, 0)),
    (time(13, 30), time(17, 30)),
)
DEFAULT_WEEKEND: frozenset[int] = frozenset({5, 6})  # date.weekday(): Monday is 0

_ONE_DAY = timedelta(days=1)
_ZERO = timedelta(0)
# A search for the next working day gives up after this many days (a misconfiguration such as
# every day declared a holiday must not hang a sweep).
_MAX_SCAN_DAYS = 3 * 366

SOURCE_CHINESE_CALENDAR = "chinesecalendar"
SOURCE_HOLIDAYS = "holidays"
_ALL_SOURCES = (SOURCE_CHINESE_CALENDAR, SOURCE_HOLIDAYS)


class CalendarSource(StrEnum):
    """Where the official holidays of a year come from."""

    CITY_FILE = "city-file"  # the city's yearly schedule file (a copy of the notice)
    CHINESE_CALENDAR = "chinesecalendar"  # official notice, incl. make-up days
    HOLIDAYS = "holidays"  # official notice as carried by the `holidays` package
    HOLIDAYS_ESTIMATE = "holidays-estimate"  # festivals computed, make-up days unknown
    FIXED_DATES = "fixed-dates"  # 1 Jan, 1-2 May, 1-3 Oct only; lunar festivals unknown

    @property
    def is_official(self) -> bool:
        return self in (
            CalendarSource.CITY_FILE,
            CalendarSource.CHINESE_CALENDAR,
            CalendarSource.HOLIDAYS,
        )


@dataclass(frozen=True, slots=True)
class CoverageGap:
    """A year the holiday calendar must cover and does not: ``estimated`` (festival dates
    estimated by the ``holidays`` package) or only the fixed-date holidays known; ``path``: the
    yearly schedule file to create."""

    year: int
    estimated: bool
    path: str


class Interval(NamedTuple):
    """A half-open stretch of working time ``[start, end)``, aware UTC datetimes."""

    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True, slots=True)
class _YearInfo:
    source: CalendarSource
    days_off: frozenset[date]  # official holidays (incl. substitute days off)
    days_on: frozenset[date]  # official make-up working days


class _Day(NamedTuple):
    periods: tuple[Interval, ...]  # empty on a non-working day
    total: timedelta


# ---------------------------------------------------------------------------------------------
# Config parsing helpers (for bot/config and the departments YAML)
# ---------------------------------------------------------------------------------------------
_WEEKDAYS = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tuesday": 1,
    "wed": 2,
    "wednesday": 2,
    "thu": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
    "周一": 0,
    "周二": 1,
    "周三": 2,
    "周四": 3,
    "周五": 4,
    "周六": 5,
    "周日": 6,
    "周天": 6,
}
_PERIOD_RE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*[-–~]\s*(\d{1,2}):(\d{2})\s*$")


def _parse_hhmm(hh: str, mm: str, text: str) -> time:
    h, m = int(hh), int(mm)
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValueError(f"working period {text!r}: {hh}:{mm} is not a time of day")
    return time(h, m)


def parse_periods(
    items: Iterable[str | tuple[time, time] | Sequence[str]],
) -> tuple[tuple[time, time], ...]:
    """Read working periods such as ``["09:00-12:00", "13:30-17:30"]``.

    Also accepts ``(time, time)`` pairs or ``["09:00", "12:00"]`` pairs. Validation (order,
    overlap) happens in :class:`WorkCalendar`.
    """
    if isinstance(items, str):
        items = [p for p in re.split(r"[,;]", items) if p.strip()]
    out: list[tuple[time, time]] = []
    for item in items:
        if isinstance(item, str):
            m = _PERIOD_RE.match(item)
            if m is None:
                raise ValueError(f"working period {item!r} is not like '09:00-12:00'")
            out.append((_parse_hhmm(m[1], m[2], item), _parse_hhmm(m[3], m[4], item)))
            continue
        pair = tuple(item)
        if len(pair) != 2:
            raise ValueError(f"working period {item!r} must be a (start, end) pair")
        ends: list[time] = []
        for part in pair:
            if isinstance(part, time):
                ends.append(part)
            elif isinstance(part, str) and (m := re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*", part)):
                ends.append(_parse_hhmm(m[1], m[2], str(item)))
            else:
                raise ValueError(f"working period {item!r}: {part!r} is not a time like '09:00'")
        out.append((ends[0], ends[1]))
    return tuple(out)


def parse_weekend(items: Iterable[str | int]) -> frozenset[int]:
    """Read weekend days: names (``"sat"``, ``"Sunday"``, ``"周六"``) or numbers (Monday = 0)."""
    if isinstance(items, str):
        items = [p for p in re.split(r"[,;\s]+", items) if p]
    out: set[int] = set()
    for item in items:
        if isinstance(item, bool):
            raise ValueError(f"weekend day {item!r} is not a weekday")
        if isinstance(item, int):
            if not 0 <= item <= 6:
                raise ValueError(f"weekend day {item} must be 0 (Monday) to 6 (Sunday)")
            out.add(item)
            continue
        key = str(item).strip().lower()
        if key not in _WEEKDAYS:
            raise ValueError(f"weekend day {item!r} is not a weekday name like 'sat' or 'sunday'")
        out.add(_WEEKDAYS[key])
    return frozenset(out)


def parse_dates(items: Iterable[str | date] | None, what: str = "date") -> frozenset[date]:
    """Read ISO dates (``"2026-02-13"``) or ``date`` objects for local exceptions."""
    if items is None:
        return frozenset()
    if isinstance(items, str | date):
        items = [items]
    out: set[date] = set()
    for item in items:
        if isinstance(item, datetime):
            raise ValueError(f"{what} {item!r} must be a date, not a date and time")
        if isinstance(item, date):
            out.add(item)
            continue
        try:
            out.add(date.fromisoformat(str(item).strip()))
        except ValueError as exc:
            raise ValueError(f"{what} {item!r} is not a date like 2026-02-13") from exc
    return frozenset(out)


def _as_tz(tz: str | tzinfo | None) -> tzinfo:
    if tz is None:
        return ZoneInfo(DEFAULT_TIMEZONE)
    if isinstance(tz, tzinfo):
        return tz
    try:
        return ZoneInfo(str(tz).strip())
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"unknown time zone {tz!r} (use an IANA name like 'Asia/Shanghai')"
        ) from exc


# ---------------------------------------------------------------------------------------------
# Official calendars
# ---------------------------------------------------------------------------------------------
def _fixed_date_holidays(year: int) -> frozenset[date]:
    """National holidays on fixed Gregorian dates (State Council holiday regulations).

    Labour Day has two days (1-2 May) since the 2024 revision, in force from 2025.
    """
    days = {date(year, 1, 1), date(year, 5, 1), date(year, 10, 1), date(year, 10, 2)}
    days.add(date(year, 10, 3))
    if year >= 2025:
        days.add(date(year, 5, 2))
    return frozenset(days)


def _from_chinese_calendar(year: int) -> _YearInfo | None:
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - it is a declared dependency
        return None
    try:
        chinese_calendar.is_workday(date(year, 6, 30))
    except NotImplementedError:
        return None
    off: set[date] = set()
    on: set[date] = set()
    day = date(year, 1, 1)
    while day.year == year:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if name is not None:  # a holiday-related day: either off, or a make-up working day
            (off if on_holiday else on).add(day)
        day += _ONE_DAY
    return _YearInfo(CalendarSource.CHINESE_CALENDAR, frozenset(off), frozenset(on))


def _from_holidays_package(year: int) -> _YearInfo | None:
    try:
        import holidays
    except ImportError:
        return None
    try:
        # The next year too: make-up days for a January holiday can fall in late December.
        cn = holidays.China(years=(year, year + 1))
    except Exception:  # pragma: no cover - defensive: an unsupported year or API change
        return None
    off = frozenset(d for d in cn if d.year == year)
    on = frozenset(d for d in getattr(cn, "weekend_workdays", ()) if d.year == year)
    try:
        from holidays.countries.china import ChinaStaticHolidays

        official = year in ChinaStaticHolidays.special_public_holidays
    except (ImportError, AttributeError):  # pragma: no cover - internal layout changed
        official = bool(on)
    if not official:
        # An estimate knows no make-up days: it must never turn a weekend into a working day.
        return _YearInfo(CalendarSource.HOLIDAYS_ESTIMATE, off, frozenset())
    return _YearInfo(CalendarSource.HOLIDAYS, off, on)


# ---------------------------------------------------------------------------------------------
# The calendar
# ---------------------------------------------------------------------------------------------
class WorkCalendar:
    """The city's working-time calendar. Immutable after construction; safe to share.

    Parameters (all keyword-only):

    - ``tz``: IANA name or tzinfo of the city (default ``Asia/Shanghai``);
    - ``periods``: daily working periods as ``(start, end)`` local times, sorted or not, not
      overlapping, each ``start < end`` (default 09:00-12:00 and 13:30-17:30);
    - ``weekend``: weekday numbers off every week (Monday = 0; default Saturday and Sunday);
    - ``extra_holidays`` / ``extra_working_days``: administrator local exceptions (local
      dates); they override the national calendar and the weekend; a date in both is an error;
    - ``sources``: which official calendars to consult, in order (default
      ``("chinesecalendar", "holidays")``); fixed-date holidays are the last resort;
    - ``acknowledged_years``: years whose local exceptions an administrator has completed by
      hand; :meth:`coverage_gap` is None for them;
    - ``schedules``: the city's yearly schedule files (:class:`YearSchedule`), consulted after
      the local exceptions and before the packages; ``schedule_dir`` is their folder as shown
      in warnings.
    """

    def __init__(
        self,
        *,
        tz: str | tzinfo | None = DEFAULT_TIMEZONE,
        periods: Iterable[tuple[time, time]] = DEFAULT_PERIODS,
        weekend: Iterable[int] = DEFAULT_WEEKEND,
        extra_holidays: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
        sources: Sequence[str] = _ALL_SOURCES,
        acknowledged_years: Iterable[int] = (),
        schedules: Iterable[YearSchedule] = (),
        schedule_dir: str | None = None,
    ) -> None:
        self._tz = _as_tz(tz)
        self._periods = self._validate_periods(periods)
        self._weekend = frozenset(weekend)
        if not self._weekend <= set(range(7)):
            raise ValueError(f"weekend days must be 0 (Monday) to 6 (Sunday), got {weekend!r}")
        if len(self._weekend) == 7:
            raise ValueError("the weekend cannot be the whole week")
        self._extra_holidays = parse_dates(extra_holidays, "extra holiday")
        self._extra_working_days = parse_dates(extra_working_days, "extra working day")
        both = self._extra_holidays & self._extra_working_days
        if both:
            listed = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"dates listed both as extra holiday and extra working day: {listed}")
        unknown = [s for s in sources if s not in _ALL_SOURCES]
        if unknown:
            raise ValueError(f"unknown calendar sources {unknown}; known: {list(_ALL_SOURCES)}")
        self._sources = tuple(sources)
        self._acknowledged = frozenset(int(y) for y in acknowledged_years)
        self._schedules = {s.year: s for s in schedules}
        self._schedule_days: dict[date, bool] = {}
        for schedule in self._schedules.values():
            for day in schedule.days_off:
                self._schedule_days[day] = False
            for day in schedule.workdays:
                self._schedule_days[day] = True
        self._schedule_dir = schedule_dir or "config/calendar"
        self._years: dict[int, _YearInfo] = {}
        # Per-instance caches (bound to this immutable configuration).
        self._day = functools.lru_cache(maxsize=8192)(self._compute_day)
        self._working_day = functools.lru_cache(maxsize=8192)(self._compute_working_day)

    @classmethod
    def from_config(
        cls,
        *,
        timezone: str = DEFAULT_TIMEZONE,
        working_hours: Iterable[str] | str | None = None,
        weekend: Iterable[str | int] | str | None = None,
        extra_holidays: Iterable[str | date] | None = None,
        extra_working_days: Iterable[str | date] | None = None,
        acknowledged_years: Iterable[int] = (),
    ) -> WorkCalendar:
        """Build from plain config values, e.g. from YAML or environment variables::

            WorkCalendar.from_config(
                timezone="Asia/Shanghai",
                working_hours=["09:00-12:00", "13:30-17:30"],
                weekend=["sat", "sun"],
                extra_holidays=["2026-06-01"],
                extra_working_days=["2027-02-20"],
            )

        Raises ``ValueError`` naming the bad value.
        """
        return cls(
            tz=timezone,
            periods=DEFAULT_PERIODS if working_hours is None else parse_periods(working_hours),
            weekend=DEFAULT_WEEKEND if weekend is None else parse_weekend(weekend),
            extra_holidays=parse_dates(extra_holidays, "extra holiday"),
            extra_working_days=parse_dates(extra_working_days, "extra working day"),
            acknowledged_years=acknowledged_years,
        )

    @staticmethod
    def _validate_periods(periods: Iterable[tuple[time, time]]) -> tuple[tuple[time, time], ...]:
        items: list[tuple[time, time]] = sorted(tuple(p) for p in periods)  # type: ignore[misc]
        if not items:
            raise ValueError("at least one working period is needed")
        for start, end in items:
            if not (isinstance(start, time) and isinstance(end, time)):
                raise ValueError(f"working period ({start!r}, {end!r}) must be two times")
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("working period times are local wall-clock times, without tz")
            if not start < end:
                raise ValueError(
                    f"working period {start:%H:%M}-{end:%H:%M} must end after it starts "
                    "(periods cannot cross midnight)"
                )
        for (_, prev_end), (start, _) in itertools.pairwise(items):
            if start < prev_end:
                raise ValueError(
                    f"working periods overlap: one ends at {prev_end:%H:%M}, "
                    f"the next starts at {start:%H:%M}"
                )
        return tuple(items)

    # -- configuration (read-only) --------------------------------------------------------------
    @property
    def tz(self) -> tzinfo:
        return self._tz

    @property
    def periods(self) -> tuple[tuple[time, time], ...]:
        return self._periods

    @property
    def weekend(self) -> frozenset[int]:
        return self._weekend

    @property
    def extra_holidays(self) -> frozenset[date]:
        return self._extra_holidays

    @property
    def extra_working_days(self) -> frozenset[date]:
        return self._extra_working_days

    @property
    def schedules(self) -> dict[int, YearSchedule]:
        """The city's yearly schedule files by year."""
        return dict(self._schedules)

    def __repr__(self) -> str:
        periods = ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in self._periods)
        return (
            f"WorkCalendar(tz={self._tz}, periods=[{periods}], weekend={sorted(self._weekend)}, "
            f"extra_holidays={len(self._extra_holidays)}, "
            f"extra_working_days={len(self._extra_working_days)})"
        )

    # -- official calendar coverage ----------------------------------------------------------
    def _year(self, year: int) -> _YearInfo:
        info = self._years.get(year)
        if info is None:
            schedule = self._schedules.get(year)
            if schedule is not None:  # the city's file decides the whole year
                self._years[year] = info = _YearInfo(
                    CalendarSource.CITY_FILE, frozenset(schedule.days_off), schedule.workdays
                )
                return info
            for source in self._sources:
                if source == SOURCE_CHINESE_CALENDAR:
                    info = _from_chinese_calendar(year)
                elif source == SOURCE_HOLIDAYS:
                    info = _from_holidays_package(year)
                if info is not None:
                    break
            if info is None:
                info = _YearInfo(
                    CalendarSource.FIXED_DATES, _fixed_date_holidays(year), frozenset()
                )
            self._years[year] = info
        return info

    def source(self, year: int) -> CalendarSource:
        """Which calendar decides the official holidays of ``year``."""
        return self._year(year).source

    def is_covered(self, year: int) -> bool:
        """Are the official holidays and make-up days of ``year`` known (a yearly file or a
        package carrying the State Council notice), or acknowledged by an administrator?"""
        return self.source(year).is_official or year in self._acknowledged

    def coverage_gap(self, year: int) -> CoverageGap | None:
        """What operators must add when ``year`` has no official holiday data, else ``None``.

        None for years covered by a yearly file or an official package and for
        ``acknowledged_years``.
        """
        if self.is_covered(year):
            return None
        path = f"{self._schedule_dir.rstrip('/')}/{schedule_file_name(year)}"
        return CoverageGap(year, self.source(year) is CalendarSource.HOLIDAYS_ESTIMATE, path)

    def due_coverage_gaps(self, today: date) -> list[CoverageGap]:
        """The gap of each year that must be covered on ``today`` and is not: the current year,
        and from 1 November the next one (its notice is out by then)."""
        years = [today.year] + ([today.year + 1] if today.month >= 11 else [])
        return [gap for gap in map(self.coverage_gap, years) if gap is not None]

    # -- days ---------------------------------------------------------------------------------
    def _local_date(self, dt: datetime) -> date:
        return ensure_utc(dt).astimezone(self._tz).date()

    def _as_local_date(self, day: date | datetime) -> date:
        if isinstance(day, datetime):
            return self._local_date(day)
        if isinstance(day, date):
            return day
        raise TypeError(f"expected a date or datetime, got {type(day).__name__}")

    def _compute_working_day(self, day: date) -> bool:
        if day in self._extra_holidays:
            return False
        if day in self._extra_working_days:
            return True
        listed = self._schedule_days.get(day)
        if listed is not None:
            return listed
        info = self._year(day.year)
        if day in info.days_off:
            return False
        if day in info.days_on:
            return True
        return day.weekday() not in self._weekend

    def _compute_day(self, day: date) -> _Day:
        if not self._working_day(day):
            return _Day((), _ZERO)
        periods: list[Interval] = []
        total = _ZERO
        for start, end in self._periods:
            s = datetime.combine(day, start, tzinfo=self._tz).astimezone(UTC)
            e = datetime.combine(day, end, tzinfo=self._tz).astimezone(UTC)
            if e > s:  # a DST jump can swallow a period
                periods.append(Interval(s, e))
                total += e - s
        return _Day(tuple(periods), total)

    def is_working_day(self, day: date | datetime) -> bool:
        """Is the local ``day`` (or the local date of an instant) a working day?"""
        return self._working_day(self._as_local_date(day))

    def working_periods(self, day: date | datetime) -> list[Interval]:
        """The working periods of the local ``day`` as UTC intervals (empty when off)."""
        return list(self._day(self._as_local_date(day)).periods)

    def working_time_on(self, day: date | datetime) -> timedelta:
        """Total working time of the local ``day`` (zero when off)."""
        return self._day(self._as_local_date(day)).total

    # -- instants -----------------------------------------------------------------------------
    def is_working_time(self, dt: datetime) -> bool:
        """Is ``dt`` inside a working period (start included, end excluded)?"""
        cur = ensure_utc(dt)
        return any(s <= cur < e for s, e in self._day(self._local_date(cur)).periods)

    def next_working_start(self, dt: datetime) -> datetime:
        """``dt`` itself if it is working time, else the start of the next working period."""
        cur = ensure_utc(dt)
        day = cur.astimezone(self._tz).date()
        for _ in range(_MAX_SCAN_DAYS):
            for s, e in self._day(day).periods:
                if cur < e:
                    return s if cur < s else cur
            day += _ONE_DAY
        raise self._no_working_day(cur)

    def end_of_working_day(self, dt: datetime) -> datetime:
        """End of the working day ``dt`` falls in ("same day").

        That is the end of the last period of ``dt``'s local date when that date is a working
        day and ``dt`` is before that end (during hours, in the lunch break or before opening);
        otherwise (after hours, on a day off) the end of the next working day.
        """
        cur = ensure_utc(dt)
        day = cur.astimezone(self._tz).date()
        for _ in range(_MAX_SCAN_DAYS):
            periods = self._day(day).periods
            if periods and cur < periods[-1].end:
                return periods[-1].end
            day += _ONE_DAY
        raise self._no_working_day(cur)

    def add_working_time(self, start: datetime, delta: timedelta) -> datetime:
        """The earliest instant at which ``delta`` of working time has passed since ``start``.

        Counting starts at ``next_working_start(start)``; non-working time (nights, the lunch
        break, weekends, holidays) does not count. A result that exactly fills a period is that
        period's end (4h from 13:30 is 17:30 the same day, not 09:00 the next). ``delta == 0``
        returns ``start`` itself. ``delta < 0`` raises ``ValueError``.
        Inverse of :meth:`working_time_between`: ``working_time_between(a, add_working_time(a,
        d)) == d``.
        """
        if delta < _ZERO:
            raise ValueError(f"working time to add must not be negative, got {delta}")
        cur = ensure_utc(start)
        if delta == _ZERO:
            return cur
        remaining = delta
        day = cur.astimezone(self._tz).date()
        scanned = 0
        while True:
            info = self._day(day)
            if info.periods:
                scanned = 0
                if info.total < remaining and cur <= info.periods[0].start:
                    remaining -= info.total  # whole day fits: jump over it
                else:
                    for s, e in info.periods:
                        if e <= cur:
                            continue
                        begin = s if cur < s else cur
                        avail = e - begin
                        if remaining <= avail:
                            return begin + remaining
                        remaining -= avail
            else:
                scanned += 1
                if scanned > _MAX_SCAN_DAYS:
                    raise self._no_working_day(cur)
            day += _ONE_DAY

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time elapsed from ``a`` to ``b``; negative when ``b`` is before ``a``.

        ``working_time_between(a, b) == -working_time_between(b, a)``.
        """
        a, b = ensure_utc(a), ensure_utc(b)
        if b < a:
            return -self.working_time_between(b, a)
        first = a.astimezone(self._tz).date()
        last = b.astimezone(self._tz).date()
        total = _ZERO
        day = first
        while day <= last:
            info = self._day(day)
            if info.periods:
                if first < day < last:
                    total += info.total
                else:
                    for s, e in info.periods:
                        lo = s if s > a else a
                        hi = e if e < b else b
                        if hi > lo:
                            total += hi - lo
            day += _ONE_DAY
        return total

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Deadline for "within ``days`` working days" of ``start``.

        Rule (as for legal time limits in China, Civil Code art. 201 "the starting day is not
        counted", and 12345 hotline practice): the start's local date is *not* counted, whatever
        the time of day; the deadline is the **end of the last working period of the N-th
        working day after the start's local date**. So a ticket from Friday 10:00 (or Friday
        20:00, or Saturday) with 1 working day is due Monday 17:30; with 5 working days the
        following Friday 17:30 when no holiday intervenes.

        ``days == 0`` means "same day": :meth:`end_of_working_day`. ``days < 0`` raises.
        """
        if isinstance(days, bool) or not isinstance(days, int):
            raise ValueError(f"working days must be a whole number, got {days!r}")
        if days < 0:
            raise ValueError(f"working days must not be negative, got {days}")
        if days == 0:
            return self.end_of_working_day(start)
        cur = ensure_utc(start)
        day = cur.astimezone(self._tz).date()
        count = 0
        scanned = 0
        while True:
            day += _ONE_DAY
            if self._working_day(day) and self._day(day).periods:
                count += 1
                scanned = 0
                if count == days:
                    return self._day(day).periods[-1].end
            else:
                scanned += 1
                if scanned > _MAX_SCAN_DAYS:
                    raise self._no_working_day(cur)

    # -- windows ------------------------------------------------------------------------------
    def deadline(self, start: datetime, window: WorkWindow | str) -> datetime:
        """Deadline of ``window`` (a :class:`WorkWindow` or text like ``"4h"``) from ``start``."""
        w = parse_window(window)
        if w.kind is WindowKind.WORKING_TIME:
            return self.add_working_time(start, w.working_time)
        if w.kind is WindowKind.WORKING_DAYS:
            return self.add_working_days(start, w.working_days)
        return self.end_of_working_day(start)

    def reminder_at(
        self, start: datetime, window: WorkWindow | str, fraction: float = 0.75
    ) -> datetime:
        """The instant when ``fraction`` of the window's working time has passed.

        For a working-time window that is ``add_working_time(start, fraction * window)``; for
        day and same-day windows the fraction is of the working time between ``start`` and the
        deadline. ``0 < fraction <= 1``.
        """
        if not 0 < fraction <= 1:
            raise ValueError(f"reminder fraction must be in (0, 1], got {fraction}")
        w = parse_window(window)
        if w.kind is WindowKind.WORKING_TIME:
            span = w.working_time
        else:
            span = self.working_time_between(start, self.deadline(start, w))
        return self.add_working_time(start, span * fraction)

    def _no_working_day(self, dt: datetime) -> RuntimeError:
        return RuntimeError(
            f"no working day within {_MAX_SCAN_DAYS} days after {dt.isoformat()}: "
            "check the calendar configuration (extra holidays, weekend)"
        )
