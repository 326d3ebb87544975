"""``citizen-desk sweep [--at ISO-TIME] [--dry-run]``: one round of every scheduler sweep.

Prints one summary line per sweep (``reminders: 3 queued``). ``--at`` runs as of that moment
(ISO 8601; without an offset it is the city's local time, TIMEZONE). ``--dry-run`` lists the
messages it would queue and changes nothing (the round runs in a transaction that is rolled
back). Exit 1 when a sweep failed.
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("sweep", help="run one round of the scheduler's sweeps now")
    parser.add_argument("--at", metavar="ISO-TIME", help="run as of this moment (default: now)")
    parser.add_argument(
        "--dry-run", action="store_true", help="list what would be sent; change nothing"
    )
    parser.add_argument(
        "--only", action="append", metavar="SWEEP", help="run only this sweep (repeatable)"
    )
    parser.set_defaults(func=_sweep)


def _sweep(args: argparse.Namespace) -> int:
    import asyncio
    from datetime import datetime

    from bot.config import load_settings
    from tickets.sweeps.runner import SWEEPS

    settings = load_settings()
    at = None
    if args.at:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            print(
                f"citizen-desk sweep: --at {args.at!r} is not an ISO time such as 2026-03-02T09:00"
            )
            return 2
        if at.tzinfo is None:
            at = at.replace(tzinfo=settings.tz)
    if args.only:
        unknown = [s for s in args.only if s not in SWEEPS]
        if unknown:
            print(
                f"citizen-desk sweep: unknown sweep {unknown[0]!r}; choose from {', '.join(SWEEPS)}"
            )
            return 2
    return asyncio.run(_run(settings, at, args.dry_run, args.only))


def _faq_entries(folder):  # type: ignore[no-untyped-def]
    """The FAQ entries for the freshness notice (None when the folder does not load)."""
    from faq.loader import read_folder

    entries, problems, _files = read_folder(folder)
    if problems:
        print(f"citizen-desk sweep: the FAQ folder {folder} has problems; no freshness notice")
        return None
    return tuple(entries)


async def _run(settings, at, dry_run: bool, only) -> int:  # type: ignore[no-untyped-def]
    from bot.db import create_engine, create_session_factory
    from bot.scheduler import policy_from_config
    from tickets.clock import FixedClock, SystemClock
    from tickets.deptconfig import load_desk_config
    from tickets.sweeps import SweepContext, run_round
    from tickets.workcalendar import WorkCalendar

    config = None
    if settings.departments_file.exists():
        result = load_desk_config(settings.departments_file)
        if result.config is None:
            for problem in result.problems:
                print(problem)
            return 1
        config = result.config
    calendar = config.calendar(settings.tz) if config is not None else WorkCalendar(tz=settings.tz)
    clock = FixedClock(at) if at is not None else SystemClock()
    ctx = SweepContext(
        now=clock.now(),
        policy=policy_from_config(config),
        calendar=calendar,
        admin_chat_ids=tuple(settings.admin_ids),
        faq_entries=_faq_entries(settings.faq_dir),
        faq_review_days=settings.faq_review_days,
    )
    engine = create_engine(settings.database_url)
    try:
        report = await run_round(create_session_factory(engine), ctx, only=only, dry_run=dry_run)
    finally:
        await engine.dispose()
    if dry_run:
        print(f"dry run as of {ctx.now.astimezone(calendar.tz).isoformat()}: nothing was changed")
        for row in report.messages:
            text = str(row.payload.get("text", ""))
            print(f"would send to chat {row.chat_id}:")
            for line in text.splitlines():
                print(f"    {line}")
    for line in report.lines():
        print(line)
    return 1 if report.errors else 0
