"""Deadlines around Spring Festival and National Day 2026, checked against chinesecalendar.

Besides hand-worked examples, every start on a 15-minute grid over the holiday weeks is checked
against a brute-force oracle that knows nothing of the calendar's internals: it lists the
15-minute working slots from ``chinese_calendar.is_workday`` and the default periods.
"""

from __future__ import annotations

import bisect
from datetime import date, datetime, time, timedelta

import chinese_calendar
import pytest

from tests.calendar.helpers import SHANGHAI, sh
from tickets.worktime.calendar import CalendarSource, WorkCalendar

SLOT = timedelta(minutes=15)
PERIODS = ((time(9), time(12)), (time(13, 30), time(17, 30)))


def test_package_facts_spring_festival_2026() -> None:
    off = [date(2026, 2, d) for d in range(15, 24)]
    assert all(not chinese_calendar.is_workday(d) for d in off)
    assert chinese_calendar.is_workday(date(2026, 2, 14))  # Saturday, make-up day
    assert chinese_calendar.is_workday(date(2026, 2, 28))  # Saturday, make-up day
    assert chinese_calendar.is_workday(date(2026, 2, 13))
    assert chinese_calendar.is_workday(date(2026, 2, 24))


def test_package_facts_national_day_2026() -> None:
    assert all(not chinese_calendar.is_workday(date(2026, 10, d)) for d in range(1, 8))
    assert chinese_calendar.is_workday(date(2026, 9, 20))  # Sunday, make-up day
    assert chinese_calendar.is_workday(date(2026, 10, 10))  # Saturday, make-up day
    # Mid-Autumn Festival 2026 (25 Sep) with the weekend after it.
    assert all(not chinese_calendar.is_workday(date(2026, 9, d)) for d in (25, 26, 27))


def test_calendar_agrees_with_package_for_every_day_2004_2026(cal: WorkCalendar) -> None:
    day = date(2004, 1, 1)
    mismatches = []
    while day.year <= 2026:
        if cal.is_working_day(day) != chinese_calendar.is_workday(day):
            mismatches.append(day)
        day += timedelta(days=1)
    assert mismatches == []
    assert cal.source(2004) is CalendarSource.CHINESE_CALENDAR
    assert cal.source(2026) is CalendarSource.CHINESE_CALENDAR
    assert cal.coverage_gap(2026) is None


def test_holidays_package_agrees_with_chinesecalendar_2025_2026() -> None:
    """The fallback package carries the same official schedule where both have it."""
    only_holidays = WorkCalendar(sources=("holidays",))
    assert only_holidays.source(2026) is CalendarSource.HOLIDAYS
    assert only_holidays.coverage_gap(2026) is None
    day = date(2025, 1, 1)
    while day.year <= 2026:
        assert only_holidays.is_working_day(day) == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)


@pytest.mark.parametrize(
    ("start", "window", "expected"),
    [
        # --- Spring Festival 2026: off 15-23 Feb, make-up working Saturdays 14 and 28 Feb.
        (sh(2026, 2, 13, 16, 0), "4h", sh(2026, 2, 14, 11, 30)),  # into the make-up Saturday
        (sh(2026, 2, 14, 16, 0), "4h", sh(2026, 2, 24, 11, 30)),  # across the whole holiday
        (sh(2026, 2, 14, 17, 30), "1h", sh(2026, 2, 24, 10, 0)),
        (sh(2026, 2, 18, 10, 0), "4h", sh(2026, 2, 24, 14, 30)),  # created during the holiday
        (sh(2026, 2, 27, 16, 0), "4h", sh(2026, 2, 28, 11, 30)),  # second make-up Saturday
        (sh(2026, 2, 28, 16, 0), "4h", sh(2026, 3, 2, 11, 30)),
        (sh(2026, 2, 13, 10, 0), "1d", sh(2026, 2, 14, 17, 30)),
        (sh(2026, 2, 14, 10, 0), "1d", sh(2026, 2, 24, 17, 30)),
        (sh(2026, 2, 13, 10, 0), "5d", sh(2026, 2, 27, 17, 30)),  # 14, 24, 25, 26, 27
        (sh(2026, 2, 13, 10, 0), "13d", sh(2026, 3, 10, 17, 30)),  # 14, 24-28, 2-6, 9, 10
        (sh(2026, 2, 12, 10, 0), "5d", sh(2026, 2, 26, 17, 30)),  # 13, 14, 24, 25, 26
        (sh(2026, 2, 13, 18, 0), "same_day", sh(2026, 2, 14, 17, 30)),
        (sh(2026, 2, 15, 9, 0), "same_day", sh(2026, 2, 24, 17, 30)),
        (sh(2026, 2, 14, 12, 0), "same_day", sh(2026, 2, 14, 17, 30)),
        # --- Mid-Autumn (25-27 Sep) and National Day 2026 (1-7 Oct), make-up 20 Sep and 10 Oct.
        (sh(2026, 9, 19, 10, 0), "4h", sh(2026, 9, 20, 14, 30)),  # make-up Sunday
        (sh(2026, 9, 24, 17, 0), "1h", sh(2026, 9, 28, 9, 30)),  # across Mid-Autumn
        (sh(2026, 9, 30, 16, 0), "4h", sh(2026, 10, 8, 11, 30)),  # across National Day
        (sh(2026, 10, 3, 10, 0), "4h", sh(2026, 10, 8, 14, 30)),
        (sh(2026, 10, 9, 16, 0), "4h", sh(2026, 10, 10, 11, 30)),  # make-up Saturday
        (sh(2026, 10, 10, 16, 0), "4h", sh(2026, 10, 12, 11, 30)),
        (sh(2026, 9, 30, 10, 0), "1d", sh(2026, 10, 8, 17, 30)),
        (sh(2026, 10, 9, 10, 0), "1d", sh(2026, 10, 10, 17, 30)),
        (sh(2026, 9, 30, 10, 0), "13d", sh(2026, 10, 23, 17, 30)),  # 8, 9, 10, 12-16, 19-23
        (sh(2026, 9, 18, 10, 0), "5d", sh(2026, 9, 24, 17, 30)),  # 20, 21, 22, 23, 24
        (sh(2026, 9, 30, 20, 0), "same_day", sh(2026, 10, 8, 17, 30)),
    ],
)
def test_holiday_deadlines(
    cal: WorkCalendar, start: datetime, window: str, expected: datetime
) -> None:
    out = cal.deadline(start, window)
    assert out == expected, out.astimezone(SHANGHAI)


# ---------------------------------------------------------------------------------------------
# Brute-force oracle
# ---------------------------------------------------------------------------------------------
def _oracle_slots(first: date, last: date) -> list[datetime]:
    """Start instants of every 15-minute working slot between two local dates (inclusive)."""
    slots: list[datetime] = []
    day = first
    while day <= last:
        if chinese_calendar.is_workday(day):
            for start, end in PERIODS:
                t = datetime.combine(day, start, tzinfo=SHANGHAI)
                stop = datetime.combine(day, end, tzinfo=SHANGHAI)
                while t < stop:
                    slots.append(t)
                    t += SLOT
        day += timedelta(days=1)
    return slots


def _oracle_working_dates(first: date, last: date) -> list[date]:
    out = []
    day = first
    while day <= last:
        if chinese_calendar.is_workday(day):
            out.append(day)
        day += timedelta(days=1)
    return out


@pytest.mark.parametrize(
    ("first", "last"),
    [(date(2026, 2, 9), date(2026, 3, 3)), (date(2026, 9, 14), date(2026, 10, 13))],
    ids=["spring-festival-2026", "national-day-2026"],
)
def test_exhaustive_against_oracle(cal: WorkCalendar, first: date, last: date) -> None:
    slots = _oracle_slots(first, last + timedelta(days=40))
    dates = _oracle_working_dates(first, last + timedelta(days=40))
    checked = 0
    t = datetime.combine(first, time(0), tzinfo=SHANGHAI)
    stop = datetime.combine(last, time(23, 59), tzinfo=SHANGHAI)
    while t <= stop:
        i = bisect.bisect_left(slots, t)  # first working slot at or after t
        local = t.date()
        for n_slots in (1, 4, 16, 28, 29, 60):  # 15 min, 1 h, 4 h, 7 h, 7 h 15, 15 h
            want = slots[i + n_slots - 1] + SLOT
            got = cal.add_working_time(t, n_slots * SLOT)
            assert got == want, (t, n_slots)
            assert cal.working_time_between(t, want) == n_slots * SLOT
        assert cal.next_working_start(t) == slots[i]
        assert cal.is_working_time(t) == (slots[i] == t)
        j = bisect.bisect_right(dates, local)  # first working date after the start date
        for n_days in (1, 5, 13):
            want_day = dates[j + n_days - 1]
            want = datetime.combine(want_day, time(17, 30), tzinfo=SHANGHAI)
            assert cal.deadline(t, f"{n_days}d") == want, (t, n_days)
        k = bisect.bisect_left(dates, local)
        same = (
            dates[k]
            if dates[k] == local and t.time() < time(17, 30)
            else dates[bisect.bisect_right(dates, local)]
        )
        assert cal.deadline(t, "same_day") == datetime.combine(same, time(17, 30), tzinfo=SHANGHAI)
        checked += 1
        t += 2 * SLOT
    assert checked > 1000
