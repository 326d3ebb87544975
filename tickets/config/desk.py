"""The departments file: departments, their SLA windows, canned replies and the work calendar.

Administrators edit one YAML file (``DEPARTMENTS_FILE``, default ``config/departments.yaml``;
format in README.md, "Departments file"). :func:`load_desk_config` reads and validates it and
returns either a complete immutable :class:`DeskConfig` or every problem found, each shown as
``FILE:LINE: message``; a file with any problem yields no configuration, so a bad edit never
replaces a good configuration that is already live.

SLA windows are merged per field: built-in defaults < the file's ``defaults`` < the
department's own ``sla`` / ``urgent``.

The city's yearly holiday schedules (:mod:`tickets.worktime.yearschedule`) are read with the file from
``calendar.schedule_dir`` (relative to the departments file; default ``calendar``, so
``config/calendar`` beside ``config/departments.yaml``); a problem in one of them is a problem
of the configuration.
"""

from __future__ import annotations

import itertools
import re
import string
from dataclasses import dataclass, field
from datetime import date, time, tzinfo
from pathlib import Path
from typing import Any, Literal

from yaml.nodes import MappingNode, Node, ScalarNode

from configfiles.yamlnodes import Field, NodeReader, Problem, compose_file, line_of
from tickets.lifecycle import DEMAND_TYPES
from tickets.sweeps.policy import POLICY_KEYS, SweepPolicy
from tickets.worktime.calendar import (
    DEFAULT_PERIODS,
    DEFAULT_WEEKEND,
    WorkCalendar,
    parse_periods,
    parse_weekend,
)
from tickets.worktime.durations import WindowKind, WorkWindow, parse_window
from tickets.worktime.yearschedule import YearSchedule, load_schedule_dir

__all__ = [
    "PLACEHOLDERS",
    "TRANSFER_CLOCKS",
    "CannedReply",
    "DepartmentConfig",
    "DeskConfig",
    "DeskConfigResult",
    "Problem",
    "Sla",
    "TopicConfig",
    "Window",
    "load_desk_config",
]

Window = WorkWindow

# Demand types as 12345 hotlines classify them (咨询, 求助, 投诉, 举报, 建议).
TRANSFER_CLOCKS = ("keep", "restart")
PLACEHOLDERS = ("name", "number")
TransferClock = Literal["keep", "restart"]

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

BUILTIN_SLA: dict[str, tuple[str, str]] = {
    "consultation": ("4h", "1d"),
    "help": ("4h", "5d"),
    "complaint": ("4h", "13d"),
    "report": ("4h", "10d"),
    "suggestion": ("1d", "13d"),
}
BUILTIN_URGENT: tuple[str, str] = ("1h", "same_day")
BUILTIN_TRANSFER_CLOCK: TransferClock = "keep"

_TOP_KEYS = ("calendar", "defaults", "departments", "scheduler", "topics")
_TOPIC_KEYS = ("id", "name", "department", "description")
TOPIC_ID_MAX = 48  # "sub:off:<id>" and "sf:an:t:<id>" must fit Telegram's 64-byte callback data
_CALENDAR_KEYS = (
    "working_hours",
    "weekend",
    "extra_holidays",
    "extra_working_days",
    "acknowledged_years",
    "schedule_dir",
)
DEFAULT_SCHEDULE_DIR = "calendar"  # relative to the departments file
_DEFAULTS_KEYS = ("sla", "urgent", "transfer_clock", "canned_replies")
_DEPARTMENT_KEYS = (
    "slug",
    "name",
    "staff_chat_id",
    "head_user_id",
    "sla",
    "urgent",
    "transfer_clock",
    "canned_replies",
    "keywords",
    "duties",
)
_SLA_KEYS = ("response", "resolution")
_REPLY_KEYS = ("id", "title", "text")
DUTY_MAX = 200  # characters of one duty: a short phrase of what the department handles


# ---------------------------------------------------------------------------------------------
# Value types
# ---------------------------------------------------------------------------------------------
def _pick(texts: dict[str, str], lang: str | None) -> str:
    """The text in ``lang`` (``zh-Hant`` falls back to ``zh``), else the first one given."""
    if lang:
        if lang in texts:
            return texts[lang]
        base = lang.split("-")[0].lower()
        for key, value in texts.items():
            if key.split("-")[0].lower() == base:
                return value
    return next(iter(texts.values()))


@dataclass(frozen=True)
class Sla:
    """How long a department has to first respond and to resolve, in working time."""

    response: Window
    resolution: Window

    def to_json(self) -> dict[str, str]:
        return {"response": str(self.response), "resolution": str(self.resolution)}

    def __str__(self) -> str:
        return f"{self.response}/{self.resolution}"


@dataclass(frozen=True)
class CannedReply:
    """A reply template; ``{name}`` and ``{number}`` are filled in (``{{``/``}}`` for braces)."""

    id: str
    title: dict[str, str]
    text: dict[str, str]

    def title_for(self, lang: str | None) -> str:
        return _pick(self.title, lang)

    def render(self, lang: str | None, *, name: str, number: str) -> str:
        return _pick(self.text, lang).format(name=name, number=number)

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": dict(self.title), "text": dict(self.text)}


@dataclass(frozen=True)
class DepartmentConfig:
    slug: str
    name: dict[str, str]  # language -> name, in the file's order
    staff_chat_id: int | None
    head_user_id: int | None
    sla: dict[str, Sla]  # every demand type, defaults merged in
    urgent: Sla
    transfer_clock: TransferClock
    canned_replies: tuple[CannedReply, ...] = ()
    keywords: tuple[str, ...] = ()
    source_line: int = 0
    # Responsibilities (权责清单): short phrases of what the department handles, each with its
    # language ("und" for a plain list). The router (faq.routing) matches demands against them.
    duties: tuple[tuple[str, str], ...] = ()

    @property
    def duty_phrases(self) -> tuple[str, ...]:
        return tuple(phrase for _, phrase in self.duties)

    def name_for(self, lang: str | None) -> str:
        return _pick(self.name, lang)

    def sla_for(self, demand_type: str, urgent: bool) -> Sla:
        """The SLA of a ticket: the urgent one when flagged, else the demand type's."""
        if urgent:
            return self.urgent
        try:
            return self.sla[demand_type]
        except KeyError:
            raise ValueError(
                f"unknown demand type {demand_type!r} (known: {', '.join(DEMAND_TYPES)})"
            ) from None

    def canned_reply(self, reply_id: str) -> CannedReply | None:
        return next((r for r in self.canned_replies if r.id == reply_id), None)

    def settings_json(self) -> dict[str, Any]:
        """What is stored in ``Department.settings`` (a snapshot of this configuration)."""
        return {
            "sla": {t: s.to_json() for t, s in self.sla.items()},
            "urgent": self.urgent.to_json(),
            "transfer_clock": self.transfer_clock,
            "canned_replies": [r.to_json() for r in self.canned_replies],
            "keywords": list(self.keywords),
            "names": dict(self.name),
        }

    def to_json(self) -> dict[str, Any]:
        """The ``departments list --json`` shape (``name`` is the first name in the file)."""
        return {
            "slug": self.slug,
            "name": next(iter(self.name.values())),
            "names": dict(self.name),
            "staff_chat_id": self.staff_chat_id,
            "head_user_id": self.head_user_id,
            "sla": {t: s.to_json() for t, s in self.sla.items()},
            "urgent": self.urgent.to_json(),
            "transfer_clock": self.transfer_clock,
            "canned_replies": [r.id for r in self.canned_replies],
            "keywords": list(self.keywords),
            "duties": _duties_json(self.duties),
        }


def _duties_json(duties: tuple[tuple[str, str], ...]) -> list[str] | dict[str, list[str]]:
    """A plain list, or a map language -> phrases, as written in the file."""
    if all(lang == "und" for lang, _ in duties):
        return [phrase for _, phrase in duties]
    out: dict[str, list[str]] = {}
    for lang, phrase in duties:
        out.setdefault(lang, []).append(phrase)
    return out


@dataclass(frozen=True)
class TopicConfig:
    """An announcement topic citizens subscribe to (``/start sub-<id>``), owned by one
    department (its head may announce to it; administrators to any topic)."""

    id: str
    name: dict[str, str]  # language -> name, in the file's order
    department: str
    description: dict[str, str] = field(default_factory=dict)
    source_line: int = 0

    def name_for(self, lang: str | None) -> str:
        return _pick(self.name, lang)

    def description_for(self, lang: str | None) -> str:
        return _pick(self.description, lang) if self.description else ""

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "names": dict(self.name),
            "department": self.department,
            "description": dict(self.description),
        }


@dataclass(frozen=True)
class DeskConfig:
    departments: dict[str, DepartmentConfig]  # slug -> config, in the file's order
    working_hours: tuple[tuple[time, time], ...] = DEFAULT_PERIODS
    extra_holidays: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    source: Path | None = None
    weekend: frozenset[int] = DEFAULT_WEEKEND
    acknowledged_years: frozenset[int] = frozenset()
    scheduler: SweepPolicy = field(default_factory=SweepPolicy)  # reminders, nags, digests
    schedules: tuple[YearSchedule, ...] = ()  # the city's yearly holiday schedule files
    schedule_dir: Path | None = None
    topics: dict[str, TopicConfig] = field(default_factory=dict)  # id -> topic, file order

    def topic(self, topic_id: str) -> TopicConfig | None:
        return self.topics.get(topic_id)

    def calendar(self, tz: tzinfo | str) -> WorkCalendar:
        """The city's work calendar with this file's working hours, local exceptions and the
        yearly schedule files."""
        return WorkCalendar(
            tz=tz,
            periods=self.working_hours,
            weekend=self.weekend,
            extra_holidays=self.extra_holidays,
            extra_working_days=self.extra_working_days,
            acknowledged_years=self.acknowledged_years,
            schedules=self.schedules,
            schedule_dir=str(self.schedule_dir) if self.schedule_dir is not None else None,
        )

    def get(self, slug: str) -> DepartmentConfig | None:
        return self.departments.get(slug)

    @property
    def slugs(self) -> tuple[str, ...]:
        return tuple(self.departments)


@dataclass
class DeskConfigResult:
    config: DeskConfig | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.config is not None and not self.problems


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------
@dataclass
class _SlaPart:
    """One SLA field as resolved so far, with the node that set it (None: built in)."""

    window: Window
    node: Node | None = None


_SlaParts = dict[str, dict[str, _SlaPart]]  # demand type (or "urgent") -> field -> part


def load_desk_config(path: Path) -> DeskConfigResult:
    """Read and validate the departments file; ``config`` is None when there is any problem."""
    path = Path(path)
    root, problems = compose_file(path)
    if root is None:
        return DeskConfigResult(None, problems)
    reader = NodeReader(str(path), problems)
    top = reader.mapping(root, "file", allowed=_TOP_KEYS, required=("departments",))
    if top is None:
        return DeskConfigResult(None, reader.problems)

    calendar_values = _read_calendar(reader, top.get("calendar"))
    policy = _read_scheduler(reader, top.get("scheduler"))

    base: _SlaParts = {
        t: {"response": _SlaPart(parse_window(r)), "resolution": _SlaPart(parse_window(s))}
        for t, (r, s) in BUILTIN_SLA.items()
    }
    base["urgent"] = {
        "response": _SlaPart(parse_window(BUILTIN_URGENT[0])),
        "resolution": _SlaPart(parse_window(BUILTIN_URGENT[1])),
    }
    transfer_clock: TransferClock = BUILTIN_TRANSFER_CLOCK
    default_replies: list[tuple[CannedReply, Node]] = []
    if "defaults" in top:
        defaults = reader.mapping(top["defaults"].value, "defaults", allowed=_DEFAULTS_KEYS)
        if defaults is not None:
            base = _read_sla_overrides(reader, defaults, base, "defaults")
            if "transfer_clock" in defaults:
                clock = reader.choice(
                    defaults["transfer_clock"].value, "transfer_clock", TRANSFER_CLOCKS
                )
                if clock is not None:
                    transfer_clock = clock  # type: ignore[assignment]
            if "canned_replies" in defaults:
                default_replies = _read_replies(
                    reader, defaults["canned_replies"].value, "defaults"
                )

    departments: dict[str, DepartmentConfig] = {}
    if "departments" in top:
        departments = _read_departments(
            reader, top["departments"].value, base, transfer_clock, default_replies
        )

    topics: dict[str, TopicConfig] = {}
    if "topics" in top:
        topics = _read_topics(reader, top["topics"].value, departments)

    schedule_dir = _schedule_dir(reader, path, top.get("calendar"))
    schedules: tuple[YearSchedule, ...] = ()
    if schedule_dir is not None:
        schedules, schedule_problems = load_schedule_dir(schedule_dir)
        reader.problems += schedule_problems

    if reader.problems or calendar_values is None:
        # A bad default is seen by every department: report it once.
        unique = sorted(dict.fromkeys(reader.problems), key=lambda p: (p.file, p.line))
        return DeskConfigResult(None, unique)
    hours, weekend, holidays, working_days, years = calendar_values
    config = DeskConfig(
        departments=departments,
        working_hours=hours,
        extra_holidays=holidays,
        extra_working_days=working_days,
        source=path,
        weekend=weekend,
        acknowledged_years=years,
        scheduler=policy,
        schedules=schedules,
        schedule_dir=schedule_dir,
        topics=topics,
    )
    try:  # last line of defence: whatever WorkCalendar still rejects
        config.calendar("UTC")
    except ValueError as exc:
        line = line_of(top["calendar"].key) if "calendar" in top else 1
        return DeskConfigResult(None, [Problem(str(path), line, f"calendar: {exc}")])
    return DeskConfigResult(config, [])


def default_schedule_dir(departments_file: Path) -> Path:
    """Where the yearly schedule files are when the departments file does not say."""
    return Path(departments_file).parent / DEFAULT_SCHEDULE_DIR


def _schedule_dir(reader: NodeReader, path: Path, entry: Field | None) -> Path | None:
    """``calendar.schedule_dir`` (relative to the departments file), else the default."""
    # The calendar section's own problems are reported by _read_calendar: read it quietly.
    fields = None
    if entry is not None:
        fields = NodeReader(reader.name).mapping(entry.value, "calendar", allowed=_CALENDAR_KEYS)
    if not fields or "schedule_dir" not in fields:
        return default_schedule_dir(path)
    node = fields["schedule_dir"].value
    value = reader.text(node, "schedule_dir")
    if value is None:
        return None
    folder = path.parent / Path(value).expanduser()
    if folder.exists() and not folder.is_dir():
        reader.problem(node, f"schedule_dir: {value} is not a folder")
        return None
    if not folder.exists():
        reader.problem(
            node, f"schedule_dir: folder {folder} does not exist (the yearly holiday schedules)"
        )
        return None
    return folder


def _read_scheduler(reader: NodeReader, entry: Field | None) -> SweepPolicy:
    """The ``scheduler:`` section (see tickets.sweeps.policy); each bad key is a problem."""
    if entry is None:
        return SweepPolicy()
    fields_ = reader.mapping(entry.value, "scheduler", allowed=POLICY_KEYS)
    if fields_ is None:
        return SweepPolicy()
    values: dict[str, str] = {}
    for key, item in fields_.items():
        text = reader.text(item.value, f"scheduler.{key}")
        if text is None:
            continue
        try:
            SweepPolicy.from_mapping({key: text})
        except ValueError as exc:
            reader.problem(item.value, str(exc))
            continue
        values[key] = text
    return SweepPolicy.from_mapping(values)


_CalendarValues = tuple[
    tuple[tuple[time, time], ...], frozenset[int], frozenset[date], frozenset[date], frozenset[int]
]


def _read_calendar(reader: NodeReader, entry: Field | None) -> _CalendarValues | None:
    hours = DEFAULT_PERIODS
    weekend = DEFAULT_WEEKEND
    holidays: dict[date, Node] = {}
    working_days: dict[date, Node] = {}
    years: set[int] = set()
    if entry is None:
        return hours, weekend, frozenset(), frozenset(), frozenset()
    before = reader.count
    fields = reader.mapping(entry.value, "calendar", allowed=_CALENDAR_KEYS)
    if fields is None:
        return None
    if "working_hours" in fields:
        hours = _read_periods(reader, fields["working_hours"].value) or DEFAULT_PERIODS
    if "weekend" in fields:
        days: set[int] = set()
        for node, value in reader.text_list(fields["weekend"].value, "weekend") or []:
            try:
                days |= parse_weekend([value])
            except ValueError as exc:
                reader.problem(node, str(exc))
        if len(days) == 7:
            reader.problem(fields["weekend"].value, "the weekend cannot be the whole week")
        weekend = frozenset(days)
    for key, target in (("extra_holidays", holidays), ("extra_working_days", working_days)):
        if key in fields:
            for node, value in reader.text_list(fields[key].value, key) or []:
                try:
                    day = date.fromisoformat(value)
                except ValueError:
                    reader.problem(node, f"{key}: '{value}' is not a date like 2026-10-08")
                    continue
                if day in target:
                    reader.problem(node, f"{key}: {day} is listed twice")
                target[day] = node
    for day, node in working_days.items():
        if day in holidays:
            reader.problem(
                node,
                f"{day} is listed both in extra_holidays (line {line_of(holidays[day])}) "
                "and in extra_working_days",
            )
    if "acknowledged_years" in fields:
        for node, value in reader.text_list(fields["acknowledged_years"].value, "years") or []:
            if not re.fullmatch(r"\d{4}", value):
                reader.problem(node, f"acknowledged_years: '{value}' is not a year like 2027")
                continue
            years.add(int(value))
    if reader.count > before:
        return None
    return hours, weekend, frozenset(holidays), frozenset(working_days), frozenset(years)


def _read_periods(reader: NodeReader, node: Node) -> tuple[tuple[time, time], ...] | None:
    items = reader.text_list(node, "working_hours")
    if items is None:
        return None
    if not items:
        reader.problem(node, "working_hours: at least one period like '09:00-12:00' is needed")
        return None
    periods: list[tuple[time, time, Node]] = []
    for item_node, value in items:
        try:
            ((start, end),) = parse_periods([value])
        except ValueError as exc:
            reader.problem(item_node, f"working_hours: {exc}")
            continue
        if not start < end:
            reader.problem(
                item_node,
                f"working_hours: period '{value}' must end after it starts "
                "(periods cannot cross midnight)",
            )
            continue
        periods.append((start, end, item_node))
    periods.sort(key=lambda p: (p[0], p[1]))
    ok = len(periods) == len(items)
    for (_, prev_end, prev_node), (start, _, item_node) in itertools.pairwise(periods):
        if start < prev_end:
            reader.problem(
                item_node,
                f"working_hours: this period overlaps the one at line {line_of(prev_node)}",
            )
            ok = False
    return tuple((s, e) for s, e, _ in periods) if ok else None


def _read_window(reader: NodeReader, node: Node, what: str) -> Window | None:
    value = reader.text(node, what)
    if value is None:
        return None
    try:
        return parse_window(value)
    except ValueError as exc:
        reader.problem(node, f"{what}: {exc}")
        return None


def _read_sla_map(
    reader: NodeReader, node: Node, what: str, inherited: dict[str, _SlaPart]
) -> dict[str, _SlaPart]:
    """``{response: 4h, resolution: 5d}`` (either may be left out: inherited)."""
    out = dict(inherited)
    fields = reader.mapping(node, what, allowed=_SLA_KEYS)
    if fields is None:
        return out
    for key, (_, value_node) in fields.items():
        window = _read_window(reader, value_node, f"{what}.{key}")
        if window is not None:
            out[key] = _SlaPart(window, value_node)
    return out


def _read_sla_overrides(
    reader: NodeReader, fields: dict[str, Field], base: _SlaParts, where: str
) -> _SlaParts:
    """Apply a ``sla:`` map (demand type -> windows) and an ``urgent:`` map on top of ``base``."""
    out = {k: dict(v) for k, v in base.items()}
    if "sla" in fields:
        types = reader.mapping(fields["sla"].value, f"{where} sla")
        for demand_type, (key_node, value_node) in (types or {}).items():
            if demand_type not in DEMAND_TYPES:
                hint = (
                    " (the urgent flag has its own 'urgent:' key)"
                    if demand_type == "urgent"
                    else ""
                )
                reader.problem(
                    key_node,
                    f"{where} sla: unknown demand type '{demand_type}' "
                    f"(known: {', '.join(DEMAND_TYPES)}){hint}",
                )
                continue
            out[demand_type] = _read_sla_map(
                reader, value_node, f"{where} sla.{demand_type}", out[demand_type]
            )
    if "urgent" in fields:
        out["urgent"] = _read_sla_map(
            reader, fields["urgent"].value, f"{where} urgent", out["urgent"]
        )
    return out


def _check_sla(reader: NodeReader, parts: dict[str, _SlaPart], what: str, fallback: Node) -> Sla:
    response, resolution = parts["response"], parts["resolution"]
    r, s = response.window, resolution.window
    too_long = (
        (r.kind is s.kind is WindowKind.WORKING_TIME and r.working_time > s.working_time)
        or (r.kind is s.kind is WindowKind.WORKING_DAYS and r.working_days > s.working_days)
        or (r.kind is WindowKind.WORKING_DAYS and s.kind is WindowKind.SAME_DAY)
    )
    if too_long:
        node = response.node or resolution.node or fallback
        reader.problem(
            node, f"{what}: the response window ({r}) is longer than the resolution window ({s})"
        )
    return Sla(response=r, resolution=s)


def _read_replies(reader: NodeReader, node: Node, where: str) -> list[tuple[CannedReply, Node]]:
    items = reader.sequence(node, f"{where} canned_replies")
    out: list[tuple[CannedReply, Node]] = []
    seen: dict[str, Node] = {}
    for item in items or []:
        before = reader.count
        fields = reader.mapping(item, "canned reply", allowed=_REPLY_KEYS, required=("id", "text"))
        if fields is None:
            continue
        reply_id = reader.text(fields["id"].value, "canned reply id") if "id" in fields else None
        if reply_id is not None and not SLUG_RE.match(reply_id):
            reader.problem(fields["id"].value, f"bad canned reply id '{reply_id}' (use a-z 0-9 -)")
            reply_id = None
        if reply_id is not None and reply_id in seen:
            reader.problem(
                fields["id"].value,
                f"duplicate canned reply id '{reply_id}' (first at line {line_of(seen[reply_id])})",
            )
        label = f"canned reply '{reply_id}'" if reply_id else "canned reply"
        title: dict[str, str] = {}
        if "title" in fields:
            raw_title = reader.localized(fields["title"].value, f"{label} title", LANG_RE)
            title = {lang: value for lang, (value, _) in (raw_title or {}).items()}
        text: dict[str, str] = {}
        if "text" in fields:
            raw_text = reader.localized(fields["text"].value, f"{label} text", LANG_RE)
            for lang, (value, value_node) in (raw_text or {}).items():
                if _check_placeholders(reader, value, value_node, f"{label} text ({lang})"):
                    text[lang] = value
        if reader.count > before or reply_id is None or not text:
            continue
        seen[reply_id] = fields["id"].value
        out.append((CannedReply(id=reply_id, title=title or {"und": reply_id}, text=text), item))
    return out


def _check_placeholders(reader: NodeReader, text: str, node: Node, what: str) -> bool:
    allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        reader.problem(
            node,
            f"{what}: {exc} (write a literal brace as '{{{{' or '}}}}'; placeholders: {allowed})",
        )
        return False
    ok = True
    for _, field_name, spec, conversion in parsed:
        if field_name is None:
            continue
        if field_name not in PLACEHOLDERS or spec or conversion:
            shown = "{" + field_name + (f"!{conversion}" if conversion else "")
            shown += (f":{spec}" if spec else "") + "}"
            reader.problem(
                _line_in_scalar(node, text, "{" + field_name),
                f"{what}: unknown placeholder '{shown}' (allowed: {allowed})",
            )
            ok = False
    return ok


def _line_in_scalar(node: Node, text: str, needle: str) -> int:
    """The line of ``needle`` inside a literal block (``|``); else the scalar's first line."""
    start = line_of(node)
    index = text.find(needle)
    if isinstance(node, ScalarNode) and node.style == "|" and index >= 0:
        return start + 1 + text[:index].count("\n")
    return start


def _read_departments(
    reader: NodeReader,
    node: Node,
    base: _SlaParts,
    transfer_clock: TransferClock,
    default_replies: list[tuple[CannedReply, Node]],
) -> dict[str, DepartmentConfig]:
    items = reader.sequence(node, "departments", allow_null=False)
    if items is None:
        return {}
    if not items:
        reader.problem(node, "departments: at least one department is needed")
        return {}
    out: dict[str, DepartmentConfig] = {}
    slug_lines: dict[str, int] = {}
    chat_lines: dict[int, tuple[str, int]] = {}
    for item in items:
        slug, dept = _read_department(reader, item, base, transfer_clock, default_replies)
        if slug is not None:  # a slug counts even when its department has other problems
            if slug in slug_lines:
                reader.problem(
                    item, f"duplicate department slug '{slug}' (first at line {slug_lines[slug]})"
                )
                continue
            slug_lines[slug] = line_of(item)
        if dept is None:
            continue
        if dept.staff_chat_id is not None:
            if dept.staff_chat_id in chat_lines:
                other, other_line = chat_lines[dept.staff_chat_id]
                reader.problem(
                    dept.source_line,
                    f"department '{dept.slug}': staff_chat_id {dept.staff_chat_id} is already "
                    f"the staff chat of '{other}' (line {other_line}); each department needs "
                    "its own group",
                )
            chat_lines[dept.staff_chat_id] = (dept.slug, dept.source_line)
        out[dept.slug] = dept
    return out


def _read_department(
    reader: NodeReader,
    item: Node,
    base: _SlaParts,
    transfer_clock: TransferClock,
    default_replies: list[tuple[CannedReply, Node]],
) -> tuple[str | None, DepartmentConfig | None]:
    """``(slug, config)``; config is None when the department has a problem."""
    before = reader.count
    fields = reader.mapping(item, "department", allowed=_DEPARTMENT_KEYS, required=("slug", "name"))
    if fields is None:
        return None, None
    slug = reader.text(fields["slug"].value, "slug") if "slug" in fields else None
    if slug is not None and not SLUG_RE.match(slug):
        reader.problem(fields["slug"].value, f"bad department slug '{slug}' (use a-z 0-9 and -)")
        slug = None
    where = f"department '{slug}'" if slug else "department"
    name: dict[str, str] = {}
    if "name" in fields:
        raw = reader.localized(fields["name"].value, f"{where} name", LANG_RE)
        name = {lang: value for lang, (value, _) in (raw or {}).items()}
    ids: dict[str, int | None] = {}
    for key in ("staff_chat_id", "head_user_id"):
        ids[key] = None
        if key in fields:
            _, ids[key] = reader.optional_int(fields[key].value, key)
    parts = _read_sla_overrides(reader, fields, base, where)
    clock = transfer_clock
    if "transfer_clock" in fields:
        value = reader.choice(fields["transfer_clock"].value, "transfer_clock", TRANSFER_CLOCKS)
        clock = value if value is not None else clock  # type: ignore[assignment]
    replies: dict[str, CannedReply] = {r.id: r for r, _ in default_replies}
    if "canned_replies" in fields:
        for reply, _ in _read_replies(reader, fields["canned_replies"].value, where):
            replies[reply.id] = reply  # a department's reply replaces a default with its id
    keywords: list[str] = []
    if "keywords" in fields:
        keywords = [v for _, v in reader.text_list(fields["keywords"].value, "keywords") or []]
    duties: tuple[tuple[str, str], ...] = ()
    if "duties" in fields:
        duties = _read_duties(reader, fields["duties"].value, where)
    sla = {t: _check_sla(reader, parts[t], f"{where} sla.{t}", item) for t in DEMAND_TYPES}
    urgent = _check_sla(reader, parts["urgent"], f"{where} urgent", item)
    if reader.count > before or slug is None or not name:
        return slug, None
    return slug, DepartmentConfig(
        slug=slug,
        name=name,
        staff_chat_id=ids["staff_chat_id"],
        head_user_id=ids["head_user_id"],
        sla=sla,
        urgent=urgent,
        transfer_clock=clock,
        canned_replies=tuple(replies.values()),
        keywords=tuple(dict.fromkeys(keywords)),
        source_line=line_of(item),
        duties=duties,
    )


def _read_duties(reader: NodeReader, node: Node, where: str) -> tuple[tuple[str, str], ...]:
    """``duties: [...]`` or ``duties: {zh: [...], en: [...]}`` -> (language, phrase) pairs."""
    what = f"{where} duties"
    groups: list[tuple[str, Node]] = []
    if isinstance(node, MappingNode):
        fields = reader.mapping(node, f"{what} (a list, or a map language -> list)")
        for lang, (key_node, value_node) in (fields or {}).items():
            if not LANG_RE.match(lang):
                reader.problem(key_node, f"{what}: bad language code '{lang}' (use zh, en...)")
                continue
            groups.append((lang, value_node))
    else:
        groups.append(("und", node))
    out: dict[tuple[str, str], None] = {}
    for lang, value_node in groups:
        label = what if lang == "und" else f"{what} in '{lang}'"
        for item, phrase in reader.text_list(value_node, label) or []:
            if len(phrase) > DUTY_MAX:
                reader.problem(
                    item,
                    f"{label}: a duty is a short phrase (at most {DUTY_MAX} characters; "
                    f"this one has {len(phrase)}): split it",
                )
                continue
            out[(lang, phrase)] = None  # a phrase listed twice counts once
    return tuple(out)


def _read_topics(
    reader: NodeReader, node: Node, departments: dict[str, DepartmentConfig]
) -> dict[str, TopicConfig]:
    """``topics: [{id, name, department, description?}, ...]``: the announcement topics."""
    items = reader.sequence(node, "topics")
    out: dict[str, TopicConfig] = {}
    lines: dict[str, int] = {}
    for item in items or []:
        before = reader.count
        fields = reader.mapping(
            item, "topic", allowed=_TOPIC_KEYS, required=("id", "name", "department")
        )
        if fields is None:
            continue
        topic_id = reader.text(fields["id"].value, "topic id") if "id" in fields else None
        if topic_id is not None and (not SLUG_RE.match(topic_id) or len(topic_id) > TOPIC_ID_MAX):
            reader.problem(
                fields["id"].value,
                f"bad topic id '{topic_id}' (use a-z 0-9 and -, at most {TOPIC_ID_MAX} characters)",
            )
            topic_id = None
        where = f"topic '{topic_id}'" if topic_id else "topic"
        if topic_id is not None and topic_id in lines:
            reader.problem(
                item, f"duplicate topic id '{topic_id}' (first at line {lines[topic_id]})"
            )
            continue
        if topic_id is not None:
            lines[topic_id] = line_of(item)
        name: dict[str, str] = {}
        if "name" in fields:
            raw = reader.localized(fields["name"].value, f"{where} name", LANG_RE)
            name = {lang: value for lang, (value, _) in (raw or {}).items()}
        description: dict[str, str] = {}
        if "description" in fields:
            raw = reader.localized(fields["description"].value, f"{where} description", LANG_RE)
            description = {lang: value for lang, (value, _) in (raw or {}).items()}
        owner = None
        if "department" in fields:
            owner = reader.text(fields["department"].value, f"{where} department")
            if owner is not None and owner not in departments:
                known = ", ".join(departments) or "none"
                reader.problem(
                    fields["department"].value,
                    f"{where}: unknown department '{owner}' (known: {known})",
                )
                owner = None
        if reader.count > before or topic_id is None or owner is None or not name:
            continue
        out[topic_id] = TopicConfig(
            id=topic_id,
            name=name,
            department=owner,
            description=description,
            source_line=line_of(item),
        )
    return out
