from __future__ import annotations

from datetime import timedelta

import pytest

from tickets.worktime.durations import WindowKind, WorkWindow, parse_window


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4h", WorkWindow.hours(4)),
        (" 4 H ", WorkWindow.hours(4)),
        ("4 hours", WorkWindow.hours(4)),
        ("1 hour", WorkWindow.hours(1)),
        ("90m", WorkWindow.minutes(90)),
        ("90 min", WorkWindow.minutes(90)),
        ("1h30m", WorkWindow.minutes(90)),
        ("1h 30min", WorkWindow.minutes(90)),
        ("1.5h", WorkWindow.minutes(90)),
        ("4小时", WorkWindow.hours(4)),
        ("4个工作小时", WorkWindow.hours(4)),
        ("90分钟", WorkWindow.minutes(90)),
        ("1d", WorkWindow.days(1)),
        ("13d", WorkWindow.days(13)),
        ("5 working days", WorkWindow.days(5)),
        ("5 days", WorkWindow.days(5)),
        ("5个工作日", WorkWindow.days(5)),
        ("same_day", WorkWindow.same_day()),
        ("Same-Day", WorkWindow.same_day()),
        ("当天", WorkWindow.same_day()),
    ],
)
def test_parse_valid(text: str, expected: WorkWindow) -> None:
    assert parse_window(text) == expected


def test_parsed_values() -> None:
    w = parse_window("1h30m")
    assert w.kind is WindowKind.WORKING_TIME
    assert w.working_time == timedelta(minutes=90)
    d = parse_window("13d")
    assert d.kind is WindowKind.WORKING_DAYS
    assert d.working_days == 13
    assert parse_window("same_day").kind is WindowKind.SAME_DAY


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("4", "no unit"),
        ("13", "no unit"),
        ("4x", "cannot read"),
        ("4 weeks", "cannot read"),
        ("30s", "cannot read"),
        ("h4", "cannot read"),
        ("4h!", "cannot read"),
        ("-4h", "positive"),
        ("0h", "positive"),
        ("0d", "positive"),
        ("0m", "positive"),
        ("1.5d", "whole number"),
        ("1d4h", "mixes working days and hours"),
        ("4h1d", "mixes working days and hours"),
        ("1d2d", "working days twice"),
        ("0.01h", "whole number of minutes"),
        ("99999d", "longer than"),
        ("20000h", "longer than"),
    ],
)
def test_parse_errors_are_clear(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        parse_window(text)
    assert repr(text) in str(info.value) or not text.strip()


def test_parse_rejects_non_strings_with_value_error() -> None:
    with pytest.raises(ValueError, match="needs a unit"):
        parse_window(4)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs a unit"):
        parse_window(None)  # type: ignore[arg-type]


def test_parse_passes_windows_through() -> None:
    w = WorkWindow.days(3)
    assert parse_window(w) is w
    assert WorkWindow.parse("3d") == w


@pytest.mark.parametrize("text", ["4h", "90m", "1d", "13d", "same_day", "25h", "1m"])
def test_str_round_trips(text: str) -> None:
    assert str(parse_window(text)) == text
    assert parse_window(str(parse_window(text))) == parse_window(text)


def test_str_normalises() -> None:
    assert str(parse_window("1h30m")) == "90m"
    assert str(parse_window("120 min")) == "2h"
    assert str(parse_window("5个工作日")) == "5d"


def test_window_validation() -> None:
    with pytest.raises(ValueError, match="positive"):
        WorkWindow.hours(0)
    with pytest.raises(ValueError, match="between 1 and"):
        WorkWindow.days(0)
    with pytest.raises(ValueError, match="whole number"):
        WorkWindow(WindowKind.WORKING_DAYS, working_days=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cannot also"):
        WorkWindow(WindowKind.WORKING_TIME, working_time=timedelta(hours=1), working_days=1)
    with pytest.raises(ValueError, match="no amount"):
        WorkWindow(WindowKind.SAME_DAY, working_days=1)
