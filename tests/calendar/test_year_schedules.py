"""The city's yearly holiday schedule files: format, validation, and their place in the calendar."""

from __future__ import annotations

import textwrap
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.calendar.helpers import due_warnings
from tickets.worktime.calendar import CalendarSource, WorkCalendar
from tickets.worktime.yearschedule import load_schedule_dir, load_schedule_file

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "calendar"

# Made-up test data in the file format (NOT the official 2027 schedule): a Spring Festival
# week with make-up Sunday 31 January and Saturday 20 February.
TEST_2027 = """\
year: 2027
source:
  title: test data (not an official notice)
  url: https://example.invalid/2027
  published: 2026-11-05
holidays:
  - name: 元旦
    days: [2027-01-01]
  - name: {zh: 春节, en: Spring Festival}
    days: ["2027-02-05..2027-02-11"]
workdays: [2027-01-31, 2027-02-20]
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def days_of(year: int) -> list[date]:
    day, out = date(year, 1, 1), []
    while day.year == year:
        out.append(day)
        day += timedelta(days=1)
    return out


def test_the_2026_fixture_agrees_with_chinesecalendar_on_every_day() -> None:
    schedules, problems = load_schedule_dir(FIXTURES)
    assert problems == []
    (schedule,) = schedules
    assert schedule.year == 2026 and schedule.title.startswith("国务院办公厅")
    assert schedule.days_off[date(2026, 2, 17)] == "春节"
    from_file = WorkCalendar(schedules=schedules, sources=())
    package = WorkCalendar(sources=("chinesecalendar",))
    assert from_file.source(2026) is CalendarSource.CITY_FILE
    assert package.source(2026) is CalendarSource.CHINESE_CALENDAR
    assert [from_file.is_working_day(d) for d in days_of(2026)] == [
        package.is_working_day(d) for d in days_of(2026)
    ]


def test_a_yearly_file_decides_its_year_before_the_packages(tmp_path: Path) -> None:
    schedule, problems = load_schedule_file(write(tmp_path, "2027.yaml", TEST_2027))
    assert problems == [] and schedule is not None
    assert schedule.url == "https://example.invalid/2027"
    assert schedule.published == date(2026, 11, 5)
    assert schedule.workdays == {date(2027, 1, 31), date(2027, 2, 20)}
    cal = WorkCalendar(schedules=[schedule])
    assert cal.source(2027) is CalendarSource.CITY_FILE
    assert cal.is_working_day(date(2027, 2, 20))  # make-up Saturday
    assert cal.is_working_day(date(2027, 1, 31))  # make-up Sunday
    assert not cal.is_working_day(date(2027, 2, 10))
    # The holidays package estimates 9-10 Feb 2027 and 3-4 May as days off: the file rules its
    # year, and lists no such days.
    assert not WorkCalendar().is_working_day(date(2027, 5, 4))
    assert cal.is_working_day(date(2027, 5, 4))
    assert cal.is_working_day(date(2027, 2, 12))  # the day after the listed holidays
    assert not cal.is_working_day(date(2027, 2, 13))  # an ordinary Saturday
    # Deadlines use it: Friday 19 Feb + 1 working day = Saturday 20 Feb 17:30.
    assert (
        cal.deadline(cal.working_periods(date(2027, 2, 19))[0].start, "1d")
        == cal.working_periods(date(2027, 2, 20))[-1].end
    )
    assert cal.coverage_gap(2027) is None
    # Local exceptions come first.
    city = WorkCalendar(schedules=[schedule], extra_holidays=[date(2027, 2, 20)])
    assert not city.is_working_day(date(2027, 2, 20))


def test_a_new_year_holiday_may_start_in_december(tmp_path: Path) -> None:
    text = TEST_2027.replace("days: [2027-01-01]", 'days: ["2026-12-31..2027-01-01"]')
    schedule, problems = load_schedule_file(write(tmp_path, "2027.yaml", text))
    assert problems == [] and schedule is not None
    cal = WorkCalendar(schedules=[schedule])
    assert not cal.is_working_day(date(2026, 12, 31))  # a Thursday, off by the 2027 file
    assert cal.source(2026) is CalendarSource.CHINESE_CALENDAR  # 2026 itself stays official


def test_estimates_never_make_a_weekend_day_working(monkeypatch: pytest.MonkeyPatch) -> None:
    """A `holidays` year it only estimates must not bring make-up working days."""
    from holidays.countries.china import ChinaStaticHolidays

    years = dict(ChinaStaticHolidays.special_public_holidays)
    years.pop(2026)
    monkeypatch.setattr(ChinaStaticHolidays, "special_public_holidays", years)
    cal = WorkCalendar(sources=("holidays",))
    assert cal.source(2026) is CalendarSource.HOLIDAYS_ESTIMATE
    weekend = [d for d in days_of(2026) if d.weekday() >= 5]
    assert not any(cal.is_working_day(d) for d in weekend)
    assert WorkCalendar(sources=("chinesecalendar",)).is_working_day(date(2026, 2, 14))


def test_coverage_is_due_for_next_year_from_1_november(tmp_path: Path) -> None:
    cal = WorkCalendar()
    assert due_warnings(cal, date(2026, 10, 31)) == []
    ((year, warning),) = due_warnings(cal, date(2026, 11, 1))
    assert year == 2027 and "config/calendar/2027.yaml" in warning
    ((_, zh),) = due_warnings(cal, date(2026, 12, 31), "zh")
    assert "国务院办公厅关于2027年部分节假日安排的通知" in zh
    # Still missing in January: this year's warning, whatever the month.
    assert [y for y, _ in due_warnings(cal, date(2027, 1, 4))] == [2027]
    assert [y for y, _ in due_warnings(cal, date(2027, 11, 1))] == [2027, 2028]
    schedules, _ = load_schedule_dir(write(tmp_path / "cal", "2027.yaml", TEST_2027).parent)
    covered = WorkCalendar(schedules=schedules, schedule_dir="/etc/desk/calendar")
    assert due_warnings(covered, date(2026, 11, 1)) == []
    assert [y for y, _ in due_warnings(covered, date(2027, 11, 1))] == [2028]
    assert "/etc/desk/calendar/2028.yaml" in due_warnings(covered, date(2027, 11, 1))[0][1]
    assert due_warnings(WorkCalendar(acknowledged_years=[2027]), date(2026, 11, 1)) == []


def test_a_folder_reads_only_year_files(tmp_path: Path) -> None:
    assert load_schedule_dir(tmp_path / "missing") == ((), [])
    write(tmp_path, "README.md", "# not a schedule\n")
    write(tmp_path, "example.yaml", "whatever: true\n")
    write(tmp_path, "2027.yaml", TEST_2027)
    schedules, problems = load_schedule_dir(tmp_path)
    assert problems == [] and [s.year for s in schedules] == [2027]


def test_two_files_must_not_contradict_each_other(tmp_path: Path) -> None:
    write(tmp_path, "2026.yaml", (FIXTURES / "2026.yaml").read_text(encoding="utf-8"))
    write(
        tmp_path,
        "2027.yaml",
        TEST_2027.replace("workdays: [2027-01-31, 2027-02-20]", "workdays: [2026-12-27]"),
    )
    schedules, problems = load_schedule_dir(tmp_path)
    assert problems == []  # 27 Dec 2026 is in neither's holidays: no contradiction
    write(
        tmp_path,
        "2027.yaml",
        TEST_2027.replace("days: [2027-01-01]", 'days: ["2026-12-20", 2027-01-01]'),
    )
    write(
        tmp_path,
        "2026.yaml",
        (FIXTURES / "2026.yaml")
        .read_text(encoding="utf-8")
        .replace("  - 2026-10-10\n", "  - 2026-10-10\n  - 2026-12-20\n"),
    )
    schedules, problems = load_schedule_dir(tmp_path)
    assert [s.year for s in schedules] == [2026]
    assert [str(p) for p in problems] == [
        f"{tmp_path / '2027.yaml'}:1: 2026-12-20 is a holiday here but a working day in "
        f"{tmp_path / '2026.yaml'}"
    ]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "2027.yaml",
            """\
            year: 2027
            source: 国务院办公厅关于2027年部分节假日安排的通知
            holidays:
              - name: 春节
                days: ["2027-02-11..2027-02-05", 2027-02-30, 2026-05-01, "2027-01-01..2027-03-01"]
              - name: 元旦
                days: [2027-01-01, 2027-01-01]
            workdays: [2027-02-17, 2027-01-01, 2027-02-20, 2027-02-20]
            colour: red
            """,
            [
                "9: file: unknown key 'colour' (allowed: year, source, holidays, workdays)",
                "5: 春节: days: the range 2027-02-11..2027-02-05 ends before it starts",
                "5: 春节: days: '2027-02-30' is not a date like 2027-02-05 or a range like "
                "2027-02-05..2027-02-12",
                "5: 春节: days: 2026-05-01 is not in 2027 (a 2027 schedule lists days of 2027, "
                "or of December 2026 for the New Year holiday)",
                "5: 春节: days: the range 2027-01-01..2027-03-01 is longer than 31 days",
                "7: 2027-01-01 is listed twice (first for 元旦 at line 7)",
                "8: workdays: 2027-02-17 is a Wednesday; make-up working days (调休上班) are "
                "Saturdays or Sundays",
                "8: workdays: 2027-01-01 is also a holiday (元旦, line 7)",
                "8: workdays: 2027-02-20 is listed twice",
            ],
        ),
        (
            "2028.yaml",
            "year: 2027\nholidays: []\n",
            [
                "1: file: missing required field 'source'",
                "1: year 2027 in a file named 2028.yaml: name it 2027.yaml",
            ],
        ),
        (
            "2027.yaml",
            "year: next\nsource: {url: x, published: soon}\nholidays: [{name: 春节}]\n",
            [
                "1: year: 'next' is not a year like 2027",
                "2: source: missing required field 'title'",
                "2: source.published: 'soon' is not a date like 2026-11-05",
            ],
        ),
        (
            "2027.yaml",
            "year: 2027\nsource: t\nholidays: []\n",
            ["3: holidays: at least one holiday is needed"],
        ),
    ],
)
def test_problems_name_file_and_line(
    tmp_path: Path, name: str, text: str, expected: list[str]
) -> None:
    path = write(tmp_path, name, text)
    schedule, problems = load_schedule_file(path)
    assert schedule is None
    assert sorted(str(p) for p in problems) == sorted(f"{path}:{e}" for e in expected)
