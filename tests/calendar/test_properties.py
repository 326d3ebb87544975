"""Seeded random checks of the algebra between add_working_time and working_time_between."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import pytest

from tickets.worktime.calendar import WorkCalendar

CALENDARS = {
    "shanghai-default": WorkCalendar(),
    "berlin-dst": WorkCalendar(
        tz="Europe/Berlin", periods=[(time(8), time(12)), (time(13), time(16, 45))]
    ),
    "one-period-six-days": WorkCalendar(periods=[(time(8, 30), time(16, 30))], weekend={6}),
}
# 2025-12 .. 2027-03 spans the end of chinesecalendar's coverage and the Berlin DST changes.
SPAN_START = datetime(2025, 12, 1, tzinfo=UTC)
SPAN_SECONDS = int((datetime(2027, 3, 1, tzinfo=UTC) - SPAN_START).total_seconds())


def _instant(rng: random.Random) -> datetime:
    return SPAN_START + timedelta(
        seconds=rng.randrange(SPAN_SECONDS), microseconds=rng.randrange(10**6)
    )


@pytest.mark.parametrize("name", sorted(CALENDARS))
def test_add_then_between_is_identity(name: str) -> None:
    cal = CALENDARS[name]
    rng = random.Random(f"add-between-{name}")
    for _ in range(400):
        a = _instant(rng)
        delta = timedelta(seconds=rng.randrange(1, 80 * 3600))
        b = cal.add_working_time(a, delta)
        assert b > a
        assert cal.working_time_between(a, b) == delta, (a, delta)
        assert cal.working_time_between(b, a) == -delta
        # b is the earliest such instant: one microsecond earlier is not enough.
        assert cal.working_time_between(a, b - timedelta(microseconds=1)) < delta
        # Splitting the delta gives the same result (additivity).
        part = timedelta(seconds=rng.randrange(0, int(delta.total_seconds()) + 1))
        assert cal.add_working_time(cal.add_working_time(a, part), delta - part) == b


@pytest.mark.parametrize("name", sorted(CALENDARS))
def test_between_then_add_lands_on_or_before(name: str) -> None:
    cal = CALENDARS[name]
    rng = random.Random(f"between-add-{name}")
    for _ in range(300):
        a, b = sorted((_instant(rng), _instant(rng)))
        if rng.random() < 0.7:  # mostly short spans
            b = a + timedelta(seconds=rng.randrange(0, 10 * 86400))
        w = cal.working_time_between(a, b)
        assert w >= timedelta(0)
        c = cal.add_working_time(a, w)
        assert a <= c <= b
        # Nothing of working time lies between c and b.
        assert cal.working_time_between(c, b) == timedelta(0)
        # Additivity over a midpoint.
        m = a + (b - a) / 2
        assert cal.working_time_between(a, m) + cal.working_time_between(m, b) == w


@pytest.mark.parametrize("name", sorted(CALENDARS))
def test_deadlines_are_monotonic_and_inside_working_days(name: str) -> None:
    cal = CALENDARS[name]
    rng = random.Random(f"deadline-{name}")
    for _ in range(200):
        a = _instant(rng)
        same = cal.deadline(a, "same_day")
        one = cal.deadline(a, "1d")
        five = cal.deadline(a, "5d")
        assert a < same <= one < five
        # "same day" and "1 working day" coincide exactly when the start is after the end of
        # its local working day (or on a day off): both are then the next working day's end.
        periods = cal.working_periods(a)
        after_hours = not periods or a >= periods[-1].end
        assert (same == one) == after_hours
        for d in (same, one, five):
            # A day deadline is the end of the last period of a working day.
            assert cal.working_periods(d)[-1].end == d
        assert cal.next_working_start(a) >= a
        assert cal.is_working_time(cal.next_working_start(a))
        assert cal.deadline(a, "4h") <= cal.deadline(a, "5h")
