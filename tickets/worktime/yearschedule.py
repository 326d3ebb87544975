"""The city's yearly holiday schedules: one file per year, copied from the State Council notice.

Each November the State Council publishes the next year's public holidays and make-up working
days (国务院办公厅关于YYYY年部分节假日安排的通知). The calendar packages carry it only after a
release (chinesecalendar ends at 2026; ``holidays`` estimates later years without make-up
days), so the city keeps its own copy: ``<folder>/YYYY.yaml``, where the folder is the
departments file's ``calendar.schedule_dir`` (default ``calendar`` next to the departments file,
i.e. ``config/calendar``). Format (README.md, "Yearly holiday schedules")::

    year: 2027
    source:                          # the notice it is copied from (or just its title)
      title: 国务院办公厅关于2027年部分节假日安排的通知
      url: https://www.gov.cn/...
      published: 2026-11-05
    holidays:                        # days off (放假), each with the holiday's name
      - name: 元旦
        days: [2027-01-01]
      - name: {zh: 春节, en: Spring Festival}
        days: ["2027-02-05..2027-02-12"]     # a range, both ends included
    workdays: [2027-02-20]           # make-up working days (调休上班), Saturdays or Sundays

:func:`load_schedule_dir` reads every ``YYYY.yaml`` (or ``.yml``) of a folder and returns the
schedules and every problem as ``FILE:LINE: message``; a folder that does not exist holds no
schedule. Dates are of year YYYY, or of December YYYY-1 (a New Year holiday may start there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from yaml.nodes import Node, ScalarNode

from configfiles.yamlnodes import NodeReader, Problem, compose_file, line_of

__all__ = ["YearSchedule", "load_schedule_dir", "load_schedule_file", "schedule_file_name"]

_TOP_KEYS = ("year", "source", "holidays", "workdays")
_SOURCE_KEYS = ("title", "url", "published")
_HOLIDAY_KEYS = ("name", "days")
_FILE_RE = re.compile(r"^(\d{4})\.ya?ml$")
_RANGE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_MAX_RANGE = 31  # days in one range: longer is surely a typo
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def schedule_file_name(year: int) -> str:
    return f"{year}.yaml"


@dataclass(frozen=True)
class YearSchedule:
    """One year's official schedule as the city keeps it."""

    year: int
    title: str  # the notice's title
    path: str
    days_off: dict[date, str] = field(default_factory=dict)  # date -> holiday name
    workdays: frozenset[date] = frozenset()  # make-up working days
    url: str | None = None
    published: date | None = None

    def is_working(self, day: date) -> bool | None:
        """True (make-up day), False (holiday) or None (not in this schedule)."""
        if day in self.workdays:
            return True
        if day in self.days_off:
            return False
        return None


def load_schedule_dir(folder: Path) -> tuple[tuple[YearSchedule, ...], list[Problem]]:
    """Every ``YYYY.yaml`` of ``folder`` (oldest year first) and all their problems."""
    folder = Path(folder)
    if not folder.is_dir():
        return (), []
    files = sorted(
        (p for p in folder.iterdir() if p.is_file() and _FILE_RE.match(p.name)),
        key=lambda p: p.name,
    )
    problems: list[Problem] = []
    schedules: list[YearSchedule] = []
    years: dict[int, str] = {}
    seen: dict[date, tuple[bool, str]] = {}
    for path in files:
        schedule, found = load_schedule_file(path)
        problems += found
        if schedule is None:
            continue
        if schedule.year in years:
            problems.append(
                Problem(str(path), 1, f"{schedule.year} is already in {years[schedule.year]}")
            )
            continue
        clash = False
        for day in sorted({*schedule.days_off, *schedule.workdays}):
            working = day in schedule.workdays
            other = seen.get(day)
            if other is not None and other[0] != working:
                problems.append(
                    Problem(
                        str(path),
                        1,
                        f"{day} is a {'working day' if working else 'holiday'} here but a "
                        f"{'working day' if other[0] else 'holiday'} in {other[1]}",
                    )
                )
                clash = True
            seen.setdefault(day, (working, str(path)))
        if not clash:
            years[schedule.year] = str(path)
            schedules.append(schedule)
    return tuple(schedules), problems


def load_schedule_file(path: Path) -> tuple[YearSchedule | None, list[Problem]]:
    """Read and validate one yearly file; None with its problems when it has any."""
    path = Path(path)
    root, problems = compose_file(path)
    if root is None:
        return None, problems
    reader = NodeReader(str(path), problems)
    top = reader.mapping(root, "file", allowed=_TOP_KEYS, required=("year", "source", "holidays"))
    if top is None:
        return None, reader.problems
    year = _read_year(reader, top["year"].value, path) if "year" in top else None
    title, url, published = None, None, None
    if "source" in top:
        title, url, published = _read_source(reader, top["source"].value)
    days_off: dict[date, str] = {}
    where: dict[date, Node] = {}
    if "holidays" in top and year is not None:
        items = reader.sequence(top["holidays"].value, "holidays", allow_null=False)
        if items is not None and not items:
            reader.problem(top["holidays"].value, "holidays: at least one holiday is needed")
        for item in items or []:
            fields = reader.mapping(item, "holiday", allowed=_HOLIDAY_KEYS, required=_HOLIDAY_KEYS)
            if fields is None or "name" not in fields or "days" not in fields:
                continue
            names = reader.localized(fields["name"].value, "holiday name", _LANG_RE)
            name = next(iter(names.values()))[0] if names else "?"
            for day, node in _read_days(reader, fields["days"].value, f"{name}: days", year):
                if day in days_off:
                    reader.problem(
                        node,
                        f"{day} is listed twice (first for {days_off[day]} at line "
                        f"{line_of(where[day])})",
                    )
                    continue
                days_off[day] = name
                where[day] = node
    workdays: set[date] = set()
    if "workdays" in top and year is not None:
        for day, node in _read_days(reader, top["workdays"].value, "workdays", year):
            if day in workdays:
                reader.problem(node, f"workdays: {day} is listed twice")
            elif day in days_off:
                reader.problem(
                    node,
                    f"workdays: {day} is also a holiday ({days_off[day]}, line "
                    f"{line_of(where[day])})",
                )
            elif day.weekday() < 5:
                reader.problem(
                    node,
                    f"workdays: {day} is a {_WEEKDAY_NAMES[day.weekday()]}; make-up working "
                    "days (调休上班) are Saturdays or Sundays",
                )
            workdays.add(day)
    if reader.problems or year is None or title is None:
        return None, reader.problems
    schedule = YearSchedule(
        year=year,
        title=title,
        path=str(path),
        days_off=dict(sorted(days_off.items())),
        workdays=frozenset(workdays),
        url=url,
        published=published,
    )
    return schedule, []


def _read_year(reader: NodeReader, node: Node, path: Path) -> int | None:
    value = reader.text(node, "year")
    if value is None:
        return None
    if not re.fullmatch(r"\d{4}", value):
        reader.problem(node, f"year: '{value}' is not a year like 2027")
        return None
    year = int(value)
    match = _FILE_RE.match(path.name)
    if match is not None and int(match.group(1)) != year:
        reader.problem(node, f"year {year} in a file named {path.name}: name it {year}.yaml")
        return None
    return year


def _read_source(reader: NodeReader, node: Node) -> tuple[str | None, str | None, date | None]:
    """``source: TITLE`` or ``source: {title, url, published}``."""
    if isinstance(node, ScalarNode):
        return reader.text(node, "source (the notice's title)"), None, None
    fields = reader.mapping(node, "source", allowed=_SOURCE_KEYS, required=("title",))
    if fields is None:
        return None, None, None
    title = reader.text(fields["title"].value, "source.title") if "title" in fields else None
    url = reader.text(fields["url"].value, "source.url") if "url" in fields else None
    published = None
    if "published" in fields:
        value = reader.text(fields["published"].value, "source.published")
        if value is not None:
            try:
                published = date.fromisoformat(value)
            except ValueError:
                reader.problem(
                    fields["published"].value,
                    f"source.published: '{value}' is not a date like 2026-11-05",
                )
    return title, url, published


def _read_days(reader: NodeReader, node: Node, what: str, year: int) -> list[tuple[date, Node]]:
    """Dates and ``A..B`` ranges of ``year`` (or of December ``year - 1``)."""
    out: list[tuple[date, Node]] = []
    for item, value in reader.text_list(node, what) or []:
        match = _RANGE_RE.match(value)
        try:
            if match is not None:
                first, last = date.fromisoformat(match[1]), date.fromisoformat(match[2])
            else:
                first = last = date.fromisoformat(value)
        except ValueError:
            reader.problem(
                item,
                f"{what}: '{value}' is not a date like 2027-02-05 or a range like "
                "2027-02-05..2027-02-12",
            )
            continue
        if last < first:
            reader.problem(item, f"{what}: the range {value} ends before it starts")
            continue
        if (last - first).days >= _MAX_RANGE:
            reader.problem(item, f"{what}: the range {value} is longer than {_MAX_RANGE} days")
            continue
        if not all(_in_year(d, year) for d in (first, last)):
            reader.problem(
                item,
                f"{what}: {value} is not in {year} (a {year} schedule lists days of {year}, "
                f"or of December {year - 1} for the New Year holiday)",
            )
            continue
        day = first
        while day <= last:
            out.append((day, item))
            day += timedelta(days=1)
    return out


def _in_year(day: date, year: int) -> bool:
    return day.year == year or (day.year == year - 1 and day.month == 12)
