"""The departments file: validation with exact FILE:LINE, defaults merging, the sample file."""

from __future__ import annotations

import textwrap
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

from tickets.config.desk import DeskConfig, load_desk_config
from tickets.lifecycle import DEMAND_TYPES
from tickets.worktime.durations import parse_window

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "config" / "departments.yaml"
SAMPLE_FAQ = ROOT / "config" / "faq"

MINIMAL = """\
departments:
  - slug: health
    name: {zh: 卫生健康委员会, en: Health Commission}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "departments.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    result = load_desk_config(write(tmp_path, text))
    assert result.config is None, "expected the file to be rejected"
    return [str(p) for p in result.problems]


def load(tmp_path: Path, text: str) -> DeskConfig:
    result = load_desk_config(write(tmp_path, text))
    assert [str(p) for p in result.problems] == []
    assert result.config is not None
    return result.config


# -- a valid file ------------------------------------------------------------------------------
def test_minimal_file_gets_builtin_defaults(tmp_path: Path) -> None:
    config = load(tmp_path, MINIMAL)
    health = config.departments["health"]
    assert health.staff_chat_id is None and health.head_user_id is None
    assert set(health.sla) == set(DEMAND_TYPES)
    assert str(health.sla_for("consultation", urgent=False)) == "4h/1d"
    assert str(health.sla_for("complaint", urgent=False)) == "4h/13d"
    assert str(health.sla_for("complaint", urgent=True)) == "1h/same_day"
    assert health.transfer_clock == "keep"
    assert health.canned_replies == ()
    assert config.working_hours == ((time(9), time(12)), (time(13, 30), time(17, 30)))
    assert config.source == tmp_path / "departments.yaml"


def test_defaults_merge_per_field(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """\
        defaults:
          sla:
            consultation: {resolution: 2d}
            help: {response: 2h, resolution: 4d}
          urgent: {response: 45m}
          transfer_clock: restart
        departments:
          - slug: health
            name: {zh: 卫健委, en: Health}
            sla:
              help: {resolution: 3d}
            urgent: {resolution: 2h}
          - slug: utilities
            name: 公用事业
            transfer_clock: keep
        """,
    )
    health, utilities = config.departments["health"], config.departments["utilities"]
    # department field > file default > built-in
    assert health.sla["help"].response == parse_window("2h")  # from defaults
    assert health.sla["help"].resolution == parse_window("3d")  # own override
    assert health.sla["consultation"].response == parse_window("4h")  # built in
    assert health.sla["consultation"].resolution == parse_window("2d")  # defaults
    assert str(health.urgent) == "45m/2h"
    assert str(utilities.urgent) == "45m/same_day"
    assert utilities.sla["help"] == health.sla["help"].__class__(
        parse_window("2h"), parse_window("4d")
    )
    assert health.transfer_clock == "restart" and utilities.transfer_clock == "keep"
    # a plain-text name is used for every language
    assert utilities.name_for("en") == utilities.name_for("zh") == "公用事业"
    assert health.name_for("zh-Hant") == "卫健委"
    assert health.name_for("fr") == "卫健委"  # first given


def test_calendar_and_exceptions(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """\
        calendar:
          working_hours: ["13:00-17:00", "08:30-11:30"]
          weekend: [sun]
          extra_holidays: [2026-06-19, "2026-06-22"]
          extra_working_days: ["2026-06-28"]
        departments:
          - slug: health
            name: {zh: 卫健委, en: Health}
        """,
    )
    assert config.working_hours == ((time(8, 30), time(11, 30)), (time(13), time(17)))
    assert config.extra_holidays == {date(2026, 6, 19), date(2026, 6, 22)}
    cal = config.calendar(ZoneInfo("Asia/Shanghai"))
    assert not cal.is_working_day(date(2026, 6, 22))  # a Monday made a local holiday
    assert cal.is_working_day(date(2026, 6, 28))  # a Sunday made a working day
    assert cal.is_working_day(date(2026, 6, 27))  # Saturday works: weekend is Sunday only
    start = datetime(2026, 6, 23, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert cal.add_working_time(start, parse_window("4h").working_time) == datetime(
        2026, 6, 23, 14, 0, tzinfo=ZoneInfo("Asia/Shanghai")
    )


def test_canned_replies_render_and_override_defaults(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """\
        defaults:
          canned_replies:
            - id: received
              title: {zh: 已受理, en: Received}
              text: {zh: "{name}您好，工单 {number} 已受理。", en: "Dear {name}, ticket {number} received."}
            - id: thanks
              text: "Thanks {name} ({{ref}} {number})"
        departments:
          - slug: health
            name: {zh: 卫健委, en: Health}
            canned_replies:
              - id: received
                title: {en: Got it}
                text:
                  en: |
                    Hello {name},
                    we got {number}.
        """,
    )
    replies = {r.id: r for r in config.departments["health"].canned_replies}
    assert list(replies) == ["received", "thanks"]
    assert replies["received"].render("en", name="Li", number="2026-000007") == (
        "Hello Li,\nwe got 2026-000007."
    )
    assert replies["received"].title_for("zh") == "Got it"
    assert replies["thanks"].render("zh", name="Li", number="N1") == "Thanks Li ({ref} N1)"
    assert replies["thanks"].title_for("en") == "thanks"


# -- problems with exact FILE:LINE ------------------------------------------------------------
def test_unknown_keys(tmp_path: Path) -> None:
    name = str(tmp_path / "departments.yaml")
    got = problems(
        tmp_path,
        """\
        calendar:
          working_hour: ["09:00-12:00"]
        departments:
          - slug: health
            name: {zh: 卫健委, en: Health}
            staff_chat: -100123
        colour: blue
        """,
    )
    assert got == [
        f"{name}:2: calendar: unknown key 'working_hour' (allowed: working_hours, weekend, "
        "extra_holidays, extra_working_days, acknowledged_years, schedule_dir)",
        f"{name}:6: department: unknown key 'staff_chat' (allowed: slug, name, staff_chat_id, "
        "head_user_id, sla, urgent, transfer_clock, canned_replies, keywords, duties)",
        f"{name}:7: file: unknown key 'colour' (allowed: calendar, defaults, departments, scheduler, topics)",
    ]


def test_missing_fields(tmp_path: Path) -> None:
    name = str(tmp_path / "departments.yaml")
    got = problems(
        tmp_path,
        """\
        departments:
          - slug: health
          - name: {en: Nameless}
            staff_chat_id: -1001
        """,
    )
    assert got == [
        f"{name}:2: department: missing required field 'name'",
        f"{name}:3: department: missing required field 'slug'",
    ]
    assert problems(tmp_path, "calendar: {}\n") == [
        f"{name}:1: file: missing required field 'departments'"
    ]


def test_bad_windows(tmp_path: Path) -> None:
    name = str(tmp_path / "departments.yaml")
    got = problems(
        tmp_path,
        """\
        defaults:
          sla:
            help: {response: 4, resolution: 5d}
        departments:
          - slug: health
            name: {en: Health}
            sla:
              complaint:
                response: 4h
                resolution: 1d4h
            urgent: {response: soon}
        """,
    )
    assert len(got) == 3
    assert got[0].startswith(
        f"{name}:3: defaults sla.help.response: deadline window '4' has no unit"
    )
    assert got[1].startswith(
        f"{name}:10: department 'health' sla.complaint.resolution: deadline window '1d4h' mixes"
    )
    assert got[2].startswith(
        f"{name}:11: department 'health' urgent.response: cannot read deadline window 'soon'"
    )


def test_response_longer_than_resolution(tmp_path: Path) -> None:
    name = str(tmp_path / "departments.yaml")
    got = problems(
        tmp_path,
        """\
        departments:
          - slug: health
            name: {en: Health}
            sla:
              consultation: {response: 2d}
        """,
    )
    assert got == [
        f"{name}:5: department 'health' sla.consultation: the response window (2d) is longer "
        "than the resolution window (1d)"
    ]


def test_unknown_demand_type_and_bad_choice(tmp_path: Path) -> None:
    name = str(tmp_path / "departments.yaml")
    got = problems(
        tmp_path,
        """\
        defaults:
          sla:
            enquiry: {response: 4h}
        departments:
          - slug: health
            name: {en: Health}
            sla:
              urgent: {response: 1h}
            transfer_clock: reset
        """,
    )
    assert got == [
        f"{name}:3: defaults sla: unknown demand type 'enquiry' "
        "(known: consultation, help, complaint, report, suggestion)",
        f"{name}:8: department 'health' sla: unknown demand type 'urgent' "
        "(known: consultation, help, complaint, report, suggestion) "
        "(the urgent flag has its own 'urgent:' key)",
        f"{name}:9: transfer_clock must be one of keep, restart, got 'reset'",
    ]


def test_duplicate_slugs_and_staff_chats(tmp_path: Path) -> None:
    name = str(tmp_path / "departments.yaml")
    got = problems(
        tmp_path,
        """\
        departments:
          - slug: health
            name: {en: Health}
            staff_chat_id: -1001
          - slug: utilities
            name: {en: Utilities}
            staff_chat_id: -1001
          - slug: health
            name: {en: Health again}
          - slug: Bad_Slug
            name: {en: Bad}
        """,
    )
    assert got == [
        f"{name}:5: department 'utilities': staff_chat_id -1001 is already the staff chat of "
        "'health' (line 2); each department needs its own group",
        f"{name}:8: duplicate department slug 'health' (first at line 2)",
        f"{name}:10: bad department slug 'Bad_Slug' (use a-z 0-9 and -)",
    ]


def test_bad_ids(tmp_path: Path) -> None:
    name = str(tmp_path / "departments.yaml")
    got = problems(
        tmp_path,
        """\
        departments:
          - slug: health
            name: {en: Health}
            staff_chat_id: "-100abc"
            head_user_id: [1]
        """,
    )
    assert got == [
        f"{name}:4: staff_chat_id must be a whole number or null, got '-100abc'",
        f"{name}:5: head_user_id must be a whole number or null, got a list",
    ]


def test_bad_time_ranges(tmp_path: Path) -> None:
    name = str(tmp_path / "departments.yaml")
    got = problems(
        tmp_path,
        """\
        calendar:
          working_hours:
            - "09:00-12:00"
            - "17:30-13:30"
            - "25:00-26:00"
            - 9 to 5
        departments:
          - slug: health
            name: {en: Health}
        """,
    )
    assert [g.split(": ", 1)[0] for g in got] == [f"{name}:4", f"{name}:5", f"{name}:6"]
    assert "must end after it starts" in got[0]
    assert "25:00 is not a time of day" in got[1]
    assert "is not like '09:00-12:00'" in got[2]
    got = problems(
        tmp_path,
        """\
        calendar:
          working_hours: ["13:00-17:00", "09:00-13:30"]
          weekend: [sat, funday]
        departments:
          - slug: health
            name: {en: Health}
        """,
    )
    assert got == [
        f"{name}:2: working_hours: this period overlaps the one at line 2",
        f"{name}:3: weekend day 'funday' is not a weekday name like 'sat' or 'sunday'",
    ]


def test_bad_dates(tmp_path: Path) -> None:
    name = str(tmp_path / "departments.yaml")
    got = problems(
        tmp_path,
        """\
        calendar:
          extra_holidays:
            - 2026-02-30
            - 2026-06-01
          extra_working_days:
            - next monday
            - 2026-06-01
        departments:
          - slug: health
            name: {en: Health}
        """,
    )
    assert got == [
        f"{name}:3: extra_holidays: '2026-02-30' is not a date like 2026-10-08",
        f"{name}:6: extra_working_days: 'next monday' is not a date like 2026-10-08",
        f"{name}:7: 2026-06-01 is listed both in extra_holidays (line 4) and in extra_working_days",
    ]


def test_canned_reply_placeholders(tmp_path: Path) -> None:
    name = str(tmp_path / "departments.yaml")
    got = problems(
        tmp_path,
        """\
        departments:
          - slug: health
            name: {en: Health}
            canned_replies:
              - id: hello
                text:
                  zh: "{name}您好，{citizen}"
                  en: |
                    Dear {name},
                    your ticket {number!r} is {status}.
              - id: brace
                text: "unbalanced { here"
              - id: hello
                title: {en: Again}
                text: "{0}"
        """,
    )
    assert got[0] == (
        f"{name}:7: canned reply 'hello' text (zh): unknown placeholder '{{citizen}}' "
        "(allowed: {name}, {number})"
    )
    assert got[1] == (
        f"{name}:10: canned reply 'hello' text (en): unknown placeholder '{{number!r}}' "
        "(allowed: {name}, {number})"
    )
    assert got[2] == (
        f"{name}:10: canned reply 'hello' text (en): unknown placeholder '{{status}}' "
        "(allowed: {name}, {number})"
    )
    assert got[3].startswith(f"{name}:12: canned reply 'brace' text (und): ")
    assert "write a literal brace as '{{' or '}}'" in got[3]
    assert got[4] == (
        f"{name}:15: canned reply 'hello' text (und): unknown placeholder '{{0}}' "
        "(allowed: {name}, {number})"
    )
    assert len(got) == 5


def test_duplicate_canned_reply_ids(tmp_path: Path) -> None:
    name = str(tmp_path / "departments.yaml")
    got = problems(
        tmp_path,
        """\
        departments:
          - slug: health
            name: {en: Health}
            canned_replies:
              - id: hello
                text: "Hi {name}"
              - id: hello
                text: "Hello {name}"
        """,
    )
    assert got == [f"{name}:7: duplicate canned reply id 'hello' (first at line 5)"]


def test_yaml_syntax_error(tmp_path: Path) -> None:
    name = str(tmp_path / "departments.yaml")
    got = problems(
        tmp_path,
        """\
        departments:
          - slug: health
            name: {en: Health
          - slug: utilities
        """,
    )
    assert len(got) == 1
    assert got[0].startswith(f"{name}:4: YAML syntax error:")


def test_empty_missing_and_wrong_shape(tmp_path: Path) -> None:
    name = str(tmp_path / "departments.yaml")
    assert problems(tmp_path, "# nothing\n") == [f"{name}:1: file is empty"]
    assert problems(tmp_path, "- a\n- b\n") == [
        f"{name}:1: file must be a mapping of 'key: value' lines"
    ]
    assert problems(tmp_path, "departments: []\n") == [
        f"{name}:1: departments: at least one department is needed"
    ]
    missing = tmp_path / "nope.yaml"
    result = load_desk_config(missing)
    assert result.config is None
    assert [str(p) for p in result.problems] == [f"{missing}:1: file not found"]


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    got = problems(
        tmp_path,
        """\
        calendar:
          extra_holidays: [someday]
        departments:
          - slug: health
            name: {en: Health}
            sla: {help: {response: 4x}}
          - slug: utilities
            name: {en: Utilities}
            keywords: water
        """,
    )
    assert [g.split(": ")[0].rsplit(":", 1)[1] for g in got] == ["2", "6", "9"]


# -- the sample shipped for `make run` --------------------------------------------------------
def test_sample_config_is_valid() -> None:
    result = load_desk_config(SAMPLE)
    assert [str(p) for p in result.problems] == []
    assert result.config is not None
    config = result.config
    assert len(config.departments) >= 10
    for dept in config.departments.values():
        assert {"zh", "en"} <= set(dept.name), dept.slug
        assert len(dept.canned_replies) >= 2, dept.slug
        for reply in dept.canned_replies:
            assert {"zh", "en"} <= set(reply.text), (dept.slug, reply.id)
            zh = reply.render("zh", name="张三", number="2026-000123")
            en = reply.render("en", name="Zhang San", number="2026-000123")
            assert "2026-000123" in zh and "2026-000123" in en
    assert str(config.departments["health"].sla_for("consultation", urgent=False)) == "4h/1d"
    assert str(config.departments["health"].sla_for("complaint", urgent=False)) == "4h/13d"
    assert config.departments["health"].sla_for("help", urgent=True).resolution == parse_window(
        "same_day"
    )


def _faq_departments(folder: Path) -> dict[str, str]:
    """Every ``department:`` (file level and entry level) in the FAQ folder -> a file using it."""
    found: dict[str, str] = {}
    for path in sorted([*folder.rglob("*.yaml"), *folder.rglob("*.yml")]):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if isinstance(data.get("department"), str):
            found.setdefault(data["department"], path.name)
        for entry in data.get("entries") or []:
            if isinstance(entry, dict) and isinstance(entry.get("department"), str):
                found.setdefault(entry["department"], path.name)
    return found


def test_sample_config_covers_sample_faq_departments() -> None:
    used = _faq_departments(SAMPLE_FAQ) if SAMPLE_FAQ.is_dir() else {}
    if not used:
        pytest.skip(f"no sample FAQ files with departments in {SAMPLE_FAQ} yet")
    result = load_desk_config(SAMPLE)
    assert result.config is not None
    missing = {slug: f for slug, f in used.items() if slug not in result.config.departments}
    assert missing == {}, f"FAQ departments missing from {SAMPLE.name}: {missing}"


def test_scheduler_section_is_read_and_checked(tmp_path):
    from tickets.config.desk import load_desk_config
    from tickets.worktime.durations import parse_window

    good = tmp_path / "good.yaml"
    good.write_text(
        "scheduler:\n  reminder_share: 80%\n  nag_interval: 1h\n  quiet_hours: false\n"
        "departments:\n  - slug: a\n    name: A\n",
        encoding="utf-8",
    )
    result = load_desk_config(good)
    assert result.ok, result.problems
    policy = result.config.scheduler
    assert policy.reminder_share == 0.8
    assert policy.nag_interval == parse_window("1h")
    assert policy.quiet_hours is False

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "scheduler:\n  nag_interval: 2x\n  bogus: 1\ndepartments:\n  - slug: a\n    name: A\n",
        encoding="utf-8",
    )
    result = load_desk_config(bad)
    assert result.config is None
    messages = [str(p) for p in result.problems]
    assert any(m.startswith(f"{bad}:2: scheduler.nag_interval") for m in messages), messages
    assert any(m.startswith(f"{bad}:3:") and "bogus" in m for m in messages), messages


# --- yearly holiday schedules ----------------------------------------------------------------
SCHEDULE_2027 = """\
year: 2027
source: test data (not an official notice)
holidays:
  - name: 春节
    days: ["2027-02-05..2027-02-11"]
workdays: [2027-02-20]
"""


def test_yearly_schedules_beside_the_file_reach_the_calendar(tmp_path: Path) -> None:
    (tmp_path / "calendar").mkdir()
    (tmp_path / "calendar" / "2027.yaml").write_text(SCHEDULE_2027, encoding="utf-8")
    config = load(tmp_path, MINIMAL)
    assert [s.year for s in config.schedules] == [2027]
    assert config.schedule_dir == tmp_path / "calendar"
    calendar = config.calendar("Asia/Shanghai")
    assert calendar.is_working_day(date(2027, 2, 20))
    assert calendar.coverage_gap(2027) is None


def test_schedule_dir_is_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "official").mkdir()
    (tmp_path / "official" / "2027.yaml").write_text(SCHEDULE_2027, encoding="utf-8")
    config = load(tmp_path, "calendar:\n  schedule_dir: official\n" + MINIMAL)
    assert [s.year for s in config.schedules] == [2027]
    assert load(tmp_path / "official", MINIMAL).schedules == ()  # no calendar/ there
    name = str(tmp_path / "departments.yaml")
    assert problems(tmp_path, "calendar:\n  schedule_dir: nowhere\n" + MINIMAL) == [
        f"{name}:2: schedule_dir: folder {tmp_path / 'nowhere'} does not exist "
        "(the yearly holiday schedules)"
    ]


def test_a_bad_yearly_schedule_rejects_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "calendar").mkdir()
    bad = tmp_path / "calendar" / "2027.yaml"
    bad.write_text(SCHEDULE_2027.replace("[2027-02-20]", "[2027-02-17]"), encoding="utf-8")
    assert problems(tmp_path, MINIMAL) == [
        f"{bad}:6: workdays: 2027-02-17 is a Wednesday; make-up working days (调休上班) are "
        "Saturdays or Sundays"
    ]


# -- duties (权责清单): what the router matches demands against -------------------------------
def test_duties_plain_list_or_per_language(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        """\
        departments:
          - slug: roads
            name: {en: Roads}
            duties: [路灯维修, potholes, 路灯维修]
          - slug: water
            name: {en: Water}
            duties:
              zh: [停水, 水管爆裂]
              en: [no water, burst pipes]
        """,
    )
    roads, water = config.departments["roads"], config.departments["water"]
    assert roads.duties == (("und", "路灯维修"), ("und", "potholes"))  # listed twice: once
    assert water.duty_phrases == ("停水", "水管爆裂", "no water", "burst pipes")
    assert roads.to_json()["duties"] == ["路灯维修", "potholes"]
    assert water.to_json()["duties"] == {
        "zh": ["停水", "水管爆裂"],
        "en": ["no water", "burst pipes"],
    }
    assert config.departments["roads"].keywords == ()


def test_duties_problems_have_their_lines(tmp_path: Path) -> None:
    name = str(tmp_path / "departments.yaml")
    long_duty = "负责" * 101
    got = problems(
        tmp_path,
        f"""\
        departments:
          - slug: roads
            name: {{en: Roads}}
            duties: street lights
          - slug: water
            name: {{en: Water}}
            duties:
              zh: [停水, {{a: b}}]
              english: [no water]
              en:
                - {long_duty}
        """,
    )
    assert got == [
        f"{name}:4: department 'roads' duties must be a list (write it as [ ... ] or '- ' lines)",
        f"{name}:8: each item of department 'water' duties in 'zh' must be text",
        f"{name}:9: department 'water' duties: bad language code 'english' (use zh, en...)",
        f"{name}:11: department 'water' duties in 'en': a duty is a short phrase (at most 200 "
        "characters; this one has 202): split it",
    ]


def test_sample_departments_have_duties_in_both_languages() -> None:
    config = load_desk_config(SAMPLE).config
    assert config is not None
    for dept in config.departments.values():
        langs = {lang for lang, _ in dept.duties}
        assert {"zh", "en"} <= langs, dept.slug
