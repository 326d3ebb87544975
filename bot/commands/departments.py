"""``citizen-desk departments check|list``: validate and show the departments file.

Both read only the file (``DEPARTMENTS_FILE`` or ``--file``) and the yearly holiday schedules
beside it; no database is needed. ``check`` also warns (``warning: ...``, exit code still 0)
while the calendar does not cover this year or, from 1 November, the next one.
``departments list --json`` is a stable contract: a JSON array, each item with at least
``slug``, ``name`` (the first name given in the file) and ``staff_chat_id``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tickets.config.desk import DeskConfig


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "departments", help="check or list the departments file (SLA windows, staff chats)"
    )
    parser.set_defaults(func=lambda _args: (parser.print_help(), 2)[1])
    actions = parser.add_subparsers(dest="action", metavar="ACTION")

    check = actions.add_parser("check", help="validate the departments file")
    check.add_argument(
        "file", nargs="?", type=Path, help="the file to check (default: DEPARTMENTS_FILE)"
    )
    check.set_defaults(func=_check)

    show = actions.add_parser("list", help="print each department with its staff chat and SLA")
    show.add_argument("--json", action="store_true", help="print a JSON array")
    show.add_argument("--file", type=Path, help="the departments file (default: DEPARTMENTS_FILE)")
    show.set_defaults(func=_list)


def _path(explicit: Path | None) -> Path:
    if explicit is not None:
        return explicit
    from bot.config import load_settings

    return load_settings().departments_file


def load_or_report(path: Path) -> DeskConfig | None:
    """The configuration, or None after printing every problem (``FILE:LINE: message``)."""
    from tickets.config.desk import load_desk_config

    result = load_desk_config(path)
    if result.config is None:
        for problem in result.problems:
            print(problem)
        return None
    return result.config


def _city_tz() -> str:
    from bot.config import SettingsError, load_settings
    from tickets.worktime.calendar import DEFAULT_TIMEZONE

    try:
        return load_settings().timezone
    except SettingsError:  # a bad unrelated setting must not stop a file check
        return DEFAULT_TIMEZONE


def _check(args: argparse.Namespace) -> int:
    from tickets.clock import SystemClock

    path = _path(args.file)
    config = load_or_report(path)
    if config is None:
        return 1
    n = len(config.departments)
    print(f"ok: {n} department{'s' if n != 1 else ''} ({path})")
    if config.topics:
        owned = ", ".join(f"{t.id} ({t.department})" for t in config.topics.values())
        print(f"announcement topics: {owned}")
    if config.schedules:
        listed = ", ".join(f"{s.year} ({s.path})" for s in config.schedules)
        print(f"yearly holiday schedules: {listed}")
    calendar = config.calendar(_city_tz())
    today = SystemClock().now().astimezone(calendar.tz).date()
    from handlers.notify.format import coverage_warning

    for gap in calendar.due_coverage_gaps(today):
        print(f"warning: {coverage_warning(gap, 'en')}")
    return 0


def _list(args: argparse.Namespace) -> int:
    import json

    path = _path(args.file)
    from tickets.config.desk import load_desk_config

    result = load_desk_config(path)
    if result.config is None:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        return 1
    departments = list(result.config.departments.values())
    if args.json:
        print(json.dumps([d.to_json() for d in departments], ensure_ascii=False, indent=2))
        return 0
    for dept in departments:
        chat = str(dept.staff_chat_id) if dept.staff_chat_id is not None else "(no staff chat)"
        names = " / ".join(dept.name.values())
        print(f"{dept.slug}  {names}  staff chat: {chat}")
        windows = ", ".join(f"{t} {s}" for t, s in dept.sla.items())
        print(f"    SLA (response/resolution): {windows}; urgent {dept.urgent}")
        print(f"    transfer: {dept.transfer_clock} the clock")
    return 0
