"""``citizen-desk stats [--days N] [--json]``: each department's performance.

The 12345 hotline "three rates" (response, resolution, satisfaction) and the on-time rate
over the last N days, best department first, ranked exactly as the weekly summary ranks them
(``tickets.reports.stats.ranking``, definitions there): departments without any rate get no rank.
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "stats", help="department performance: response, resolution, satisfaction, on-time"
    )
    parser.add_argument("--days", type=int, default=30, help="look back N days (default 30)")
    parser.add_argument("--lang", choices=("zh", "en"), default="en", help="department names")
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.set_defaults(func=_stats)


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.0%}"


def _stats(args: argparse.Namespace) -> int:
    import asyncio

    if args.days < 1:
        print("citizen-desk stats: --days must be at least 1")
        return 2
    from bot.config import load_settings

    return asyncio.run(_run(load_settings().database_url, args))


async def _run(database_url: str, args: argparse.Namespace) -> int:
    import json
    from datetime import UTC, datetime, timedelta

    from bot.db import create_engine, create_session_factory
    from tickets.reports.stats import department_rates, ranking

    end = datetime.now(UTC)
    start = end - timedelta(days=args.days)
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            result = ranking(await department_rates(session, start, end))
    finally:
        await engine.dispose()
    if args.json:
        rows = [
            {
                "slug": r.slug,
                "name": r.name(args.lang),
                "rank": result.rank_of(r),
                "has_tickets": r.has_tickets,
                "created": r.created,
                "response_rate": r.response_rate,
                "resolution_rate": r.resolution_rate,
                "satisfaction_rate": r.satisfaction_rate,
                "on_time_rate": r.on_time_rate,
                "overdue": r.late_open,
                "reprimands": r.reprimands,
            }
            for r in result.all
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"department performance, last {args.days} day(s) (— = nothing to count yet):")
    print(
        f"{'department':<24} {'tickets':>7} {'response':>9} {'resolved':>9} "
        f"{'satisfied':>9} {'on time':>8} {'reprimands':>10} {'rank':>5}"
    )
    for r in result.ranked + result.unrated:
        rank = result.rank_of(r)
        print(
            f"{r.slug:<24} {r.created:>7} {_percent(r.response_rate):>9} "
            f"{_percent(r.resolution_rate):>9} {_percent(r.satisfaction_rate):>9} "
            f"{_percent(r.on_time_rate):>8} {r.reprimands:>10} {rank or '—':>5}"
        )
    if result.idle:
        print(f"no tickets (not ranked): {', '.join(r.slug for r in result.idle)}")
    return 0
