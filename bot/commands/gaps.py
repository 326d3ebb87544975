"""``citizen-desk gaps [--days N] [--limit N] [--json]``: the FAQ gap report.

Lists the questions the knowledge base could not answer in the last N days (default 30), the
most asked first: how many times, how (nothing matched / no suggestion fitted / the answer did
not help), the closest FAQ entry and how many became tickets. Reads the database
(``DATABASE_URL``).
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("gaps", help="list the top questions the FAQ could not answer")
    parser.add_argument("--days", type=int, default=30, help="look back N days (default 30)")
    parser.add_argument("--limit", type=int, default=20, help="show at most N lines (default 20)")
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.set_defaults(func=_gaps)


def _gaps(args: argparse.Namespace) -> int:
    import asyncio

    if args.days < 1 or args.limit < 1:
        print("citizen-desk gaps: --days and --limit must be at least 1")
        return 2
    from bot.config import load_settings

    return asyncio.run(_run(load_settings().database_url, args.days, args.limit, args.json))


async def _run(database_url: str, days: int, limit: int, as_json: bool) -> int:
    import json
    from datetime import UTC, datetime, timedelta

    from bot.db import create_engine, create_session_factory
    from tickets.gaps import top_unanswered

    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            since = datetime.now(UTC) - timedelta(days=days)
            lines = await top_unanswered(session, since=since, limit=limit)
    finally:
        await engine.dispose()
    if as_json:
        rows = [
            {
                "text": g.text,
                "count": g.count,
                "decisions": g.decisions,
                "lang": g.lang,
                "closest_entry": g.best_entry_id,
                "tickets": g.tickets,
                "last_at": g.last_at.isoformat(),
            }
            for g in lines
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not lines:
        print(f"no unanswered questions in the last {days} day(s)")
        return 0
    print(f"top unanswered questions, last {days} day(s):")
    for g in lines:
        how = ", ".join(f"{k} {v}" for k, v in sorted(g.decisions.items()))
        closest = f"; closest: {g.best_entry_id}" if g.best_entry_id else ""
        print(f"{g.count:>5}  {g.text}  [{how}; tickets {g.tickets}{closest}]")
    return 0
