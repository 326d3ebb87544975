"""``citizen-desk sweep [--at ISO-TIME] [--dry-run]``: one round of every scheduler sweep.

Prints one summary line per sweep (``reminders: 3 queued``). ``--at`` runs as of that moment
(ISO 8601; without an offset it is the city's local time, TIMEZONE). ``--dry-run`` lists the
messages it would queue and changes nothing (the round runs in a transaction that is rolled
back). Exit 1 when a sweep failed.

A future ``--at`` is a rehearsal ("what would go out tomorrow at 09:00?"): it is refused
without ``--dry-run`` (exit 2). A real round would queue its messages for that future instant,
claim tomorrow's reminders and digests now with today's figures, and its rows would wait in
the outbox until then. A past ``--at`` (catching up) queues messages due at once.
"""

from __future__ import annotations

import argparse
from datetime import timedelta

# A real round may run this much ahead of this machine's clock (another host's clock, typing).
FUTURE_SLACK = timedelta(minutes=1)


def register(sub: argparse._SubParsersAction) -> None:
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
        from tickets.clock import SystemClock

        if not args.dry_run and at > SystemClock().now() + FUTURE_SLACK:
            print(
                f"citizen-desk sweep: --at {at.isoformat()} is in the future. A future round "
                "is a rehearsal: add --dry-run to see what it would send. A real round runs "
                "as of now or a past moment (its messages go out at once)."
            )
            return 2
    if args.only:
        unknown = [s for s in args.only if s not in SWEEPS]
        if unknown:
            print(
                f"citizen-desk sweep: unknown sweep {unknown[0]!r}; choose from {', '.join(SWEEPS)}"
            )
            return 2
    return asyncio.run(_run(settings, at, args.dry_run, args.only))


def _faq_entries(folder):
    """The FAQ entries for the freshness notice (None when the folder does not load)."""
    from faq.loader import read_folder

    entries, problems, _files = read_folder(folder)
    if problems:
        print(f"citizen-desk sweep: the FAQ folder {folder} has problems; no freshness notice")
        return None
    return tuple(entries)


async def _run(settings, at, dry_run: bool, only) -> int:
    from bot.db import create_engine, create_session_factory
    from bot.scheduler import announce_setup, policy_from_config
    from handlers.notify import notifier_factory
    from tickets.clock import FixedClock, SystemClock
    from tickets.config.desk import default_schedule_dir, load_desk_config
    from tickets.sweeps import SweepContext, run_round
    from tickets.worktime.calendar import WorkCalendar
    from tickets.worktime.yearschedule import load_schedule_dir

    config = None
    if settings.departments_file.exists():
        result = load_desk_config(settings.departments_file)
        if result.config is None:
            for problem in result.problems:
                print(problem)
            return 1
        config = result.config
    if config is not None:
        calendar = config.calendar(settings.tz)
    else:  # no departments file: the yearly schedules where it would be
        folder = default_schedule_dir(settings.departments_file)
        schedules, problems = load_schedule_dir(folder)
        for problem in problems:
            print(problem)
        if problems:
            return 1
        calendar = WorkCalendar(tz=settings.tz, schedules=schedules, schedule_dir=str(folder))
    clock = FixedClock(at) if at is not None else SystemClock()
    policy = policy_from_config(config)
    ctx = SweepContext(
        now=clock.now(),
        policy=policy,
        calendar=calendar,
        admin_chat_ids=tuple(settings.admin_ids),
        faq_entries=_faq_entries(settings.faq_dir) if not only or "faq-freshness" in only else None,
        faq_review_days=settings.faq_review_days,
        notifiers=notifier_factory(config, calendar.tz, policy.staff_lang),
        announce=announce_setup(settings, config),
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
            print(f"would send to chat {row.chat_id or row.address}:")
            for line in text.splitlines():
                print(f"    {line}")
    for line in report.lines():
        print(line)
    return 1 if report.errors else 0
