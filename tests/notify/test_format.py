"""Values in words: working time, deadline windows, the calendar's gaps, times, names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.notify.format import (
    DepartmentNames,
    coverage_warning,
    describe_late,
    describe_window,
    format_time,
)
from tickets.config.desk import DeskConfig
from tickets.worktime.calendar import CoverageGap
from tickets.worktime.durations import WorkWindow

from .support import desk


def test_lateness_in_words():
    day = timedelta(hours=7)
    assert describe_late(timedelta(hours=2, minutes=5), "zh", day) == "2小时5分钟"
    assert describe_late(timedelta(hours=16), "zh", day) == "2个工作日2小时"
    assert describe_late(timedelta(hours=16), "en", day) == "2 working days 2 h"
    assert describe_late(timedelta(minutes=7), "en", day) == "7 min"
    assert describe_late(timedelta(0), "en", day) == "under a minute"


def test_describe_in_both_languages() -> None:
    assert describe_window(WorkWindow.hours(4), "en") == "within 4 working hours"
    assert describe_window(WorkWindow.hours(4), "zh") == "4小时工作时间内"
    assert describe_window(WorkWindow.hours(1), "en") == "within 1 working hour"
    assert describe_window(WorkWindow.minutes(90), "en") == "within 1 h 30 min of working time"
    assert describe_window(WorkWindow.minutes(90), "zh-hans") == "1小时30分钟工作时间内"
    assert describe_window(WorkWindow.minutes(45), "en") == "within 45 working minutes"
    assert describe_window(WorkWindow.minutes(45), "zh") == "45分钟工作时间内"
    assert describe_window(WorkWindow.days(1), "en") == "within 1 working day"
    assert describe_window(WorkWindow.days(13), "en") == "within 13 working days"
    assert describe_window(WorkWindow.days(13), "zh") == "13个工作日内"
    assert describe_window(WorkWindow.same_day(), "en") == "within the same working day"
    assert describe_window(WorkWindow.same_day(), "zh") == "当个工作日内"


def test_a_window_without_within_is_what_the_auto_close_notice_says() -> None:
    """The surgery on the old English/Chinese strings ("within " / "内" cut off) is now the
    catalogue's bare form."""
    assert describe_window(WorkWindow.days(3), "en", within=False) == "3 working days"
    assert describe_window(WorkWindow.days(3), "zh", within=False) == "3个工作日"
    assert describe_window(WorkWindow.hours(4), "zh", within=False) == "4小时工作时间"
    assert describe_window(WorkWindow.same_day(), "en", within=False) == "the same working day"


def test_calendar_gaps_in_both_languages() -> None:
    estimated = CoverageGap(2027, True, "config/calendar/2027.yaml")
    en = coverage_warning(estimated, "en")
    assert "2027" in en and "make-up working days are unknown" in en
    assert "estimated by the holidays package" in en and "config/calendar/2027.yaml" in en
    zh = coverage_warning(estimated, "zh")
    assert "国务院办公厅关于2027年部分节假日安排的通知" in zh and "holidays 包推算" in zh
    fixed = CoverageGap(2028, False, "/etc/cal/2028.yaml")
    assert "Spring Festival" in coverage_warning(fixed, "en")
    assert "春节等农历节日未计入" in coverage_warning(fixed, "zh")


def test_times_in_the_city_and_names_from_the_file_then_the_database() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    assert format_time(datetime(2026, 11, 24, 9, 30, tzinfo=UTC), tz) == "2026-11-24 17:30"
    assert format_time(None, tz, "en") == "none" and format_time(None, tz, "zh") == "无"
    names = DepartmentNames(desk(), {"gone": ("旧局", "Old Bureau")})
    assert names.name("housing", "en") == "Housing Bureau"
    assert names.name("housing", "zh") == "住建局"
    assert names.name("gone", "en") == "Old Bureau" and names.name("gone", "zh") == "旧局"
    assert names.name("unknown", "en") == "unknown"
    assert not DepartmentNames(DeskConfig(departments={})).known("housing")
