"""Working hours arithmetic on ordinary days: lunch break, after hours, weekends, time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.calendar.helpers import SHANGHAI, sh
from tickets.worktime.calendar import Interval, WorkCalendar
from tickets.worktime.durations import WorkWindow

H = timedelta(hours=1)
M = timedelta(minutes=1)

# March 2026 has no public holiday: Mon 2 .. Fri 6, Sat 7, Sun 8, Mon 9 ... Fri 13.


def test_working_periods_are_utc_intervals(cal: WorkCalendar) -> None:
    periods = cal.working_periods(date(2026, 3, 9))
    assert periods == [
        Interval(datetime(2026, 3, 9, 1, 0, tzinfo=UTC), datetime(2026, 3, 9, 4, 0, tzinfo=UTC)),
        Interval(datetime(2026, 3, 9, 5, 30, tzinfo=UTC), datetime(2026, 3, 9, 9, 30, tzinfo=UTC)),
    ]
    assert all(p.start.tzinfo is UTC for p in periods)
    assert [p.duration for p in periods] == [3 * H, 4 * H]
    assert cal.working_time_on(date(2026, 3, 9)) == 7 * H
    assert cal.working_periods(date(2026, 3, 7)) == []
    assert cal.working_time_on(date(2026, 3, 8)) == timedelta(0)
    # A datetime means its local date: 2026-03-08 20:00 UTC is Monday 04:00 in Shanghai.
    assert cal.working_periods(datetime(2026, 3, 8, 20, 0, tzinfo=UTC)) == periods


def test_is_working_day_weekdays_and_weekend(cal: WorkCalendar) -> None:
    assert [cal.is_working_day(date(2026, 3, d)) for d in range(2, 10)] == [
        True, True, True, True, True, False, False, True,
    ]  # fmt: skip
    # Saturday 01:00 UTC is Saturday 09:00 in Shanghai; Friday 20:00 UTC is Saturday 04:00.
    assert not cal.is_working_day(datetime(2026, 3, 6, 20, 0, tzinfo=UTC))
    assert cal.is_working_day(datetime(2026, 3, 6, 9, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        ((8, 59), False),
        ((9, 0), True),
        ((11, 59), True),
        ((12, 0), False),
        ((12, 45), False),
        ((13, 29), False),
        ((13, 30), True),
        ((17, 29), True),
        ((17, 30), False),
        ((23, 0), False),
    ],
)
def test_is_working_time_boundaries(
    cal: WorkCalendar, local: tuple[int, int], expected: bool
) -> None:
    assert cal.is_working_time(sh(2026, 3, 9, *local)) is expected


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (sh(2026, 3, 9, 10, 15), sh(2026, 3, 9, 10, 15)),  # inside: itself
        (sh(2026, 3, 9, 7, 0), sh(2026, 3, 9, 9, 0)),  # before opening
        (sh(2026, 3, 9, 12, 0), sh(2026, 3, 9, 13, 30)),  # lunch
        (sh(2026, 3, 9, 17, 30), sh(2026, 3, 10, 9, 0)),  # closing time
        (sh(2026, 3, 6, 18, 0), sh(2026, 3, 9, 9, 0)),  # Friday evening
        (sh(2026, 3, 7, 10, 0), sh(2026, 3, 9, 9, 0)),  # Saturday
    ],
)
def test_next_working_start(cal: WorkCalendar, start: datetime, expected: datetime) -> None:
    out = cal.next_working_start(start)
    assert out == expected
    assert out.tzinfo is UTC


@pytest.mark.parametrize(
    ("start", "delta", "expected"),
    [
        # Friday 16:00 + 4 working hours: 1.5 h on Friday, 2.5 h on Monday morning.
        (sh(2026, 3, 6, 16, 0), 4 * H, sh(2026, 3, 9, 11, 30)),
        # Through the lunch break.
        (sh(2026, 3, 9, 11, 0), 2 * H, sh(2026, 3, 9, 14, 30)),
        (sh(2026, 3, 9, 11, 0), 1 * H, sh(2026, 3, 9, 12, 0)),  # exactly fills the morning
        (sh(2026, 3, 9, 11, 0), 1 * H + M, sh(2026, 3, 9, 13, 31)),
        # Starting in the lunch break counts from 13:30.
        (sh(2026, 3, 9, 12, 30), 1 * H, sh(2026, 3, 9, 14, 30)),
        # Exactly filling the afternoon ends at 17:30, not at 09:00 the next day.
        (sh(2026, 3, 9, 13, 30), 4 * H, sh(2026, 3, 9, 17, 30)),
        # After hours and before opening.
        (sh(2026, 3, 9, 20, 0), 1 * H, sh(2026, 3, 10, 10, 0)),
        (sh(2026, 3, 9, 7, 0), 1 * H, sh(2026, 3, 9, 10, 0)),
        (sh(2026, 3, 9, 7, 0), 7 * H, sh(2026, 3, 9, 17, 30)),
        (sh(2026, 3, 9, 7, 0), 7 * H + M, sh(2026, 3, 10, 9, 1)),
        # Weekend starts count from Monday 09:00.
        (sh(2026, 3, 7, 10, 0), 4 * H, sh(2026, 3, 9, 14, 30)),
        (sh(2026, 3, 8, 23, 59), 90 * M, sh(2026, 3, 9, 10, 30)),
        # A full working week (35 h) from Monday 09:00 ends Friday 17:30.
        (sh(2026, 3, 9, 9, 0), 35 * H, sh(2026, 3, 13, 17, 30)),
        (sh(2026, 3, 9, 9, 0), 35 * H + M, sh(2026, 3, 16, 9, 1)),
        # Zero adds nothing, even outside working time.
        (sh(2026, 3, 7, 10, 0), timedelta(0), sh(2026, 3, 7, 10, 0)),
    ],
)
def test_add_working_time(
    cal: WorkCalendar, start: datetime, delta: timedelta, expected: datetime
) -> None:
    out = cal.add_working_time(start, delta)
    assert out == expected
    assert out.tzinfo is UTC
    assert cal.working_time_between(start, out) == delta


def test_add_working_time_rejects_negative(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        cal.add_working_time(sh(2026, 3, 9, 10), -H)


def test_working_time_between(cal: WorkCalendar) -> None:
    assert cal.working_time_between(sh(2026, 3, 9, 11), sh(2026, 3, 9, 14)) == 1.5 * H
    assert cal.working_time_between(sh(2026, 3, 6, 16), sh(2026, 3, 9, 10)) == 2.5 * H
    assert cal.working_time_between(sh(2026, 3, 7, 0), sh(2026, 3, 8, 23, 59)) == timedelta(0)
    # Four whole weeks.
    assert cal.working_time_between(sh(2026, 3, 2), sh(2026, 3, 30)) == 4 * 35 * H
    # Reversed arguments give the negative.
    assert cal.working_time_between(sh(2026, 3, 9, 14), sh(2026, 3, 9, 11)) == -1.5 * H
    assert cal.working_time_between(sh(2026, 3, 9, 14), sh(2026, 3, 9, 14)) == timedelta(0)


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (sh(2026, 3, 9, 7, 0), sh(2026, 3, 9, 17, 30)),  # before opening: today
        (sh(2026, 3, 9, 10, 0), sh(2026, 3, 9, 17, 30)),
        (sh(2026, 3, 9, 12, 30), sh(2026, 3, 9, 17, 30)),  # lunch
        (sh(2026, 3, 9, 17, 29), sh(2026, 3, 9, 17, 30)),
        (sh(2026, 3, 9, 17, 30), sh(2026, 3, 10, 17, 30)),  # after hours: next working day
        (sh(2026, 3, 6, 19, 0), sh(2026, 3, 9, 17, 30)),  # Friday evening
        (sh(2026, 3, 8, 12, 0), sh(2026, 3, 9, 17, 30)),  # Sunday
    ],
)
def test_same_day(cal: WorkCalendar, start: datetime, expected: datetime) -> None:
    assert cal.end_of_working_day(start) == expected
    assert cal.deadline(start, "same_day") == expected
    assert cal.deadline(start, WorkWindow.same_day()) == expected
    assert cal.add_working_days(start, 0) == expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # The start date never counts; the deadline is the end of the N-th working day after it.
        (sh(2026, 3, 9, 10, 0), 1, sh(2026, 3, 10, 17, 30)),
        (sh(2026, 3, 9, 7, 0), 1, sh(2026, 3, 10, 17, 30)),  # before hours: same rule
        (sh(2026, 3, 9, 22, 0), 1, sh(2026, 3, 10, 17, 30)),  # after hours: same rule
        (sh(2026, 3, 6, 10, 0), 1, sh(2026, 3, 9, 17, 30)),  # Friday -> Monday
        (sh(2026, 3, 7, 10, 0), 1, sh(2026, 3, 9, 17, 30)),  # Saturday -> Monday
        (sh(2026, 3, 8, 10, 0), 1, sh(2026, 3, 9, 17, 30)),  # Sunday -> Monday
        (sh(2026, 3, 6, 10, 0), 5, sh(2026, 3, 13, 17, 30)),
        (sh(2026, 3, 9, 10, 0), 5, sh(2026, 3, 16, 17, 30)),
        (sh(2026, 3, 2, 10, 0), 13, sh(2026, 3, 19, 17, 30)),
    ],
)
def test_add_working_days(
    cal: WorkCalendar, start: datetime, days: int, expected: datetime
) -> None:
    assert cal.add_working_days(start, days) == expected
    assert cal.deadline(start, f"{days}d") == expected


def test_add_working_days_rejects_bad_counts(cal: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="negative"):
        cal.add_working_days(sh(2026, 3, 9), -1)
    with pytest.raises(ValueError, match="whole number"):
        cal.add_working_days(sh(2026, 3, 9), 1.5)  # type: ignore[arg-type]


def test_deadline_dispatches_on_window(cal: WorkCalendar) -> None:
    start = sh(2026, 3, 6, 16, 0)
    assert cal.deadline(start, "4h") == sh(2026, 3, 9, 11, 30)
    assert cal.deadline(start, WorkWindow.hours(4)) == sh(2026, 3, 9, 11, 30)
    assert cal.deadline(start, "90m") == sh(2026, 3, 6, 17, 30)
    assert cal.deadline(start, "1d") == sh(2026, 3, 9, 17, 30)
    with pytest.raises(ValueError, match="no unit"):
        cal.deadline(start, "4")


def test_reminder_at_75_percent(cal: WorkCalendar) -> None:
    # 4 h from Friday 16:00: 75 % is 3 h -> 1.5 h Friday + 1.5 h Monday = Monday 10:30.
    start = sh(2026, 3, 6, 16, 0)
    assert cal.reminder_at(start, "4h") == sh(2026, 3, 9, 10, 30)
    assert cal.reminder_at(start, "4h", fraction=1.0) == cal.deadline(start, "4h")
    # 1 working day from Monday 10:00 (due Tuesday 17:30): 6 h Monday + 7 h Tuesday = 13 h;
    # 75 % = 9 h 45 min -> all of Monday (6 h), Tuesday morning (3 h), then 45 min: 14:15.
    start = sh(2026, 3, 9, 10, 0)
    assert cal.reminder_at(start, "1d") == sh(2026, 3, 10, 14, 15)
    # 1 h from 09:00: 75 % = 45 min.
    assert cal.reminder_at(sh(2026, 3, 9, 9), "1h") == sh(2026, 3, 9, 9, 45)
    # Same day from 13:00 (lunch): 4 h of working time left; 75 % = 3 h -> 16:30.
    assert cal.reminder_at(sh(2026, 3, 9, 13, 0), "same_day") == sh(2026, 3, 9, 16, 30)
    with pytest.raises(ValueError, match="fraction"):
        cal.reminder_at(start, "4h", fraction=0)


def test_utc_input_and_output(cal: WorkCalendar) -> None:
    # Friday 08:00 UTC is Friday 16:00 in Shanghai.
    start = datetime(2026, 3, 6, 8, 0, tzinfo=UTC)
    out = cal.add_working_time(start, 4 * H)
    assert out == datetime(2026, 3, 9, 3, 30, tzinfo=UTC)
    assert out.tzinfo is UTC
    # Naive input is UTC.
    assert cal.add_working_time(datetime(2026, 3, 6, 8, 0), 4 * H) == out
    # Any other zone gives the same instant.
    ny = start.astimezone(ZoneInfo("America/New_York"))
    assert cal.add_working_time(ny, 4 * H) == out
    # 23:00 UTC on Sunday is already Monday 07:00 in Shanghai: a working day.
    assert cal.end_of_working_day(datetime(2026, 3, 8, 23, 0, tzinfo=UTC)) == sh(2026, 3, 9, 17, 30)


def test_non_default_timezone_across_dst() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    cal = WorkCalendar(tz="Europe/Berlin", periods=[(time(8), time(12)), (time(13), time(17))])
    # Clocks go forward on Sunday 29 March 2026. Friday 16:00 CET + 4 h -> Monday 11:00 CEST.
    start = datetime(2026, 3, 27, 16, 0, tzinfo=berlin)
    out = cal.add_working_time(start, 4 * H)
    assert out == datetime(2026, 3, 30, 11, 0, tzinfo=berlin)
    assert out == datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
    assert cal.working_time_between(start, out) == 4 * H
    assert cal.working_periods(date(2026, 3, 30))[0].start == datetime(2026, 3, 30, 6, tzinfo=UTC)
    assert cal.working_periods(date(2026, 3, 27))[0].start == datetime(2026, 3, 27, 7, tzinfo=UTC)
    # Chinese national holidays still apply: 1 Oct 2026 is off.
    assert not cal.is_working_day(date(2026, 10, 1))


def test_custom_periods_and_weekend() -> None:
    # A six-day service desk open 08:30-16:30 without lunch break, closed on Sundays only.
    cal = WorkCalendar(periods=[(time(8, 30), time(16, 30))], weekend={6})
    assert cal.is_working_day(date(2026, 3, 7))  # Saturday
    assert not cal.is_working_day(date(2026, 3, 8))
    assert cal.add_working_time(sh(2026, 3, 6, 16, 0), 4 * H) == sh(2026, 3, 7, 12, 0)
    assert cal.add_working_days(sh(2026, 3, 6, 10), 2) == sh(2026, 3, 9, 16, 30)
    # A make-up working day stays a working day whatever the weekend.
    assert cal.is_working_day(date(2026, 9, 20))


def test_defaults_and_repr(cal: WorkCalendar) -> None:
    assert cal.tz == SHANGHAI
    assert cal.periods == ((time(9), time(12)), (time(13, 30), time(17, 30)))
    assert cal.weekend == frozenset({5, 6})
    assert "09:00-12:00, 13:30-17:30" in repr(cal)
