"""Administrator local exceptions, configuration parsing, and years beyond the packages."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from tests.calendar.helpers import sh, warning
from tickets.worktime.calendar import (
    CalendarSource,
    WorkCalendar,
    parse_dates,
    parse_periods,
    parse_weekend,
)

H = timedelta(hours=1)


# --- local exceptions ------------------------------------------------------------------------
def test_extra_holiday_on_an_ordinary_monday() -> None:
    cal = WorkCalendar(extra_holidays=[date(2026, 3, 9)])
    assert not cal.is_working_day(date(2026, 3, 9))
    assert cal.add_working_time(sh(2026, 3, 6, 16), 4 * H) == sh(2026, 3, 10, 11, 30)
    assert cal.deadline(sh(2026, 3, 6, 10), "1d") == sh(2026, 3, 10, 17, 30)


def test_extra_working_day_on_a_saturday() -> None:
    cal = WorkCalendar(extra_working_days=[date(2026, 3, 7)])
    assert cal.is_working_day(date(2026, 3, 7))
    assert cal.add_working_time(sh(2026, 3, 6, 16), 4 * H) == sh(2026, 3, 7, 11, 30)
    assert cal.deadline(sh(2026, 3, 6, 10), "1d") == sh(2026, 3, 7, 17, 30)


def test_exceptions_override_the_package() -> None:
    # The city works on 16 Feb 2026 (a national holiday) and rests on 14 Feb (a make-up day).
    cal = WorkCalendar(extra_working_days=[date(2026, 2, 16)], extra_holidays=[date(2026, 2, 14)])
    assert cal.is_working_day(date(2026, 2, 16))
    assert not cal.is_working_day(date(2026, 2, 14))
    assert cal.add_working_time(sh(2026, 2, 13, 16), 4 * H) == sh(2026, 2, 16, 11, 30)
    assert cal.deadline(sh(2026, 2, 13, 10), "2d") == sh(2026, 2, 24, 17, 30)


def test_default_calendar_is_unaffected_by_another_instance(cal: WorkCalendar) -> None:
    WorkCalendar(extra_holidays=[date(2026, 3, 9)])
    assert cal.is_working_day(date(2026, 3, 9))
    assert cal.extra_holidays == frozenset()


def test_from_config_parses_strings() -> None:
    cal = WorkCalendar.from_config(
        timezone="Asia/Shanghai",
        working_hours=["08:30-12:00", "14:00-17:00"],
        weekend=["sun"],
        extra_holidays=["2026-03-09"],
        extra_working_days=["2026-02-16"],
        acknowledged_years=[2027],
    )
    assert cal.periods == ((time(8, 30), time(12)), (time(14), time(17)))
    assert cal.weekend == frozenset({6})
    assert cal.extra_holidays == frozenset({date(2026, 3, 9)})
    assert cal.is_working_day(date(2026, 2, 16))
    assert cal.is_working_day(date(2026, 3, 7))  # Saturday works in this city
    assert cal.add_working_time(sh(2026, 3, 7, 16), 2 * H) == sh(2026, 3, 10, 9, 30)
    assert cal.coverage_gap(2027) is None  # acknowledged


def test_from_config_defaults_equal_constructor_defaults(cal: WorkCalendar) -> None:
    other = WorkCalendar.from_config()
    assert (other.tz, other.periods, other.weekend) == (cal.tz, cal.periods, cal.weekend)


def test_parse_helpers() -> None:
    assert parse_periods("09:00-12:00, 13:30-17:30") == (
        (time(9), time(12)),
        (time(13, 30), time(17, 30)),
    )
    assert parse_periods([("9:00", "12:00")]) == ((time(9), time(12)),)
    assert parse_periods([(time(9), time(12))]) == ((time(9), time(12)),)
    assert parse_weekend("sat, sun") == frozenset({5, 6})
    assert parse_weekend(["Friday", 5, "周日"]) == frozenset({4, 5, 6})
    assert parse_dates(["2026-02-13", date(2026, 2, 14)]) == {date(2026, 2, 13), date(2026, 2, 14)}
    assert parse_dates("2026-02-13") == {date(2026, 2, 13)}
    assert parse_dates(None) == frozenset()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"working_hours": ["9-12"]}, "not like '09:00-12:00'"),
        ({"working_hours": ["09:00-25:00"]}, "not a time of day"),
        ({"working_hours": ["12:00-09:00"]}, "must end after it starts"),
        ({"working_hours": ["22:00-02:00"]}, "cannot cross midnight"),
        ({"working_hours": ["09:00-12:00", "11:00-14:00"]}, "overlap"),
        ({"working_hours": []}, "at least one working period"),
        ({"weekend": ["caturday"]}, "not a weekday name"),
        ({"weekend": [7]}, "0 \\(Monday\\) to 6"),
        ({"weekend": "mon tue wed thu fri sat sun"}, "whole week"),
        ({"timezone": "Mars/Olympus"}, "unknown time zone"),
        ({"extra_holidays": ["2026-02-30"]}, "not a date"),
        ({"extra_holidays": ["2026-03-09"], "extra_working_days": ["2026-03-09"]}, "both"),
    ],
)
def test_bad_config_raises_clear_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        WorkCalendar.from_config(**kwargs)  # type: ignore[arg-type]


def test_unknown_source_rejected() -> None:
    with pytest.raises(ValueError, match="unknown calendar sources"):
        WorkCalendar(sources=("outlook",))


def test_touching_periods_are_allowed() -> None:
    cal = WorkCalendar(periods=[(time(9), time(12)), (time(12), time(13))])
    assert cal.add_working_time(sh(2026, 3, 9, 11), 2 * H) == sh(2026, 3, 9, 13)
    assert cal.is_working_time(sh(2026, 3, 9, 12))


def test_misconfiguration_does_not_hang() -> None:
    # Only Sundays work, and every Sunday from 2027 to 2031 is declared a local holiday.
    sundays = []
    day = date(2027, 1, 3)
    while day.year < 2032:
        sundays.append(day)
        day += timedelta(days=7)
    cal = WorkCalendar(weekend={0, 1, 2, 3, 4, 5}, extra_holidays=sundays)
    with pytest.raises(RuntimeError, match="no working day"):
        cal.add_working_time(sh(2027, 1, 1), H)
    with pytest.raises(RuntimeError, match="no working day"):
        cal.next_working_start(sh(2027, 1, 1))
    with pytest.raises(RuntimeError, match="no working day"):
        cal.add_working_days(sh(2027, 1, 1), 1)
    with pytest.raises(RuntimeError, match="no working day"):
        cal.end_of_working_day(sh(2027, 1, 1))


# --- beyond the package's coverage ----------------------------------------------------------
def test_2027_falls_back_to_holidays_estimate_and_warns(cal: WorkCalendar) -> None:
    assert cal.source(2027) is CalendarSource.HOLIDAYS_ESTIMATE
    text = warning(cal, 2027)
    assert text is not None
    assert "2027" in text and "make-up working days are unknown" in text
    assert "config/calendar/2027.yaml" in text
    zh = warning(cal, 2027, "zh")
    assert zh is not None and "2027" in zh and "调休" in zh and "2027.yaml" in zh
    # Spring Festival 2027 is on Saturday 6 Feb: Monday 8 Feb is a holiday.
    assert not cal.is_working_day(date(2027, 2, 8))
    assert not cal.is_working_day(date(2027, 1, 1))
    assert not cal.is_working_day(date(2027, 10, 1))
    assert not cal.is_working_day(date(2027, 9, 15))  # Mid-Autumn Festival 2027
    assert cal.is_working_day(date(2027, 3, 1))
    # No make-up days are known: every 2027 Saturday and Sunday is off.
    day = date(2027, 1, 1)
    while day.year == 2027:
        if day.weekday() >= 5:
            assert not cal.is_working_day(day), day
        day += timedelta(days=1)
    # Deadlines still work across the estimated holiday.
    assert cal.deadline(sh(2027, 2, 4, 10), "1d").date() >= date(2027, 2, 11)


def test_2027_make_up_days_can_be_added_locally() -> None:
    cal = WorkCalendar(extra_working_days=[date(2027, 2, 20)])
    assert cal.is_working_day(date(2027, 2, 20))
    assert warning(cal, 2027) is not None  # still warns until acknowledged
    acknowledged = WorkCalendar(extra_working_days=[date(2027, 2, 20)], acknowledged_years=[2027])
    assert acknowledged.coverage_gap(2027) is None


def test_fixed_date_fallback_without_packages() -> None:
    cal = WorkCalendar(sources=())
    assert cal.source(2027) is CalendarSource.FIXED_DATES
    assert cal.source(2026) is CalendarSource.FIXED_DATES
    # Weekdays in 2027/2028 that are fixed-date holidays: 1 Jan, 1-2 May, 1-3 Oct.
    for d in (date(2027, 1, 1), date(2028, 5, 1), date(2028, 5, 2), date(2027, 10, 1)):
        assert not cal.is_working_day(d), d
    assert not cal.is_working_day(date(2028, 10, 3))
    assert cal.is_working_day(date(2027, 10, 4))  # Monday: substitute days are unknown
    assert cal.is_working_day(date(2027, 2, 8))  # lunar festivals unknown without a package
    text = warning(cal, 2027)
    assert text is not None and "Spring Festival" in text
    # Before 2025 Labour Day was a single day.
    assert cal.is_working_day(date(2024, 5, 2))
    assert not cal.is_working_day(date(2024, 5, 1))
