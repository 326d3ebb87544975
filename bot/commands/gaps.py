"""``citizen-desk gaps [--clusters] [--days N] [--limit N] [--json]``: the FAQ gap report.

Lists the questions the knowledge base could not answer in the last N days (default 30), the
most asked first: how many times, how (nothing matched / no suggestion fitted / the answer did
not help), the closest FAQ entry and how many became tickets. With ``--clusters`` the
questions are grouped by the need they express (tickets.gaps.gap_clusters), largest first,
each with its most typical questions, the departments its tickets went to and a YAML skeleton
of a new entry to paste into the FAQ folder. Reads the database (``DATABASE_URL``).
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("gaps", help="list the top questions the FAQ could not answer")
    parser.add_argument("--days", type=int, default=30, help="look back N days (default 30)")
    parser.add_argument("--limit", type=int, default=20, help="show at most N lines (default 20)")
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument(
        "--clusters",
        action="store_true",
        help="group the questions by need, with a YAML skeleton of a new entry for each",
    )
    parser.add_argument(
        "--threshold",
        type=float,
        help="--clusters: the similarity that keeps questions together (default 0.2; 0..1)",
    )
    parser.set_defaults(func=_gaps)


def _gaps(args: argparse.Namespace) -> int:
    import asyncio

    if args.days < 1 or args.limit < 1:
        print("citizen-desk gaps: --days and --limit must be at least 1")
        return 2
    if args.threshold is not None and not 0 < args.threshold <= 1:
        print("citizen-desk gaps: --threshold must be above 0 and at most 1")
        return 2
    if args.threshold is not None and not args.clusters:
        print("citizen-desk gaps: --threshold goes with --clusters")
        return 2
    from bot.config import load_settings

    settings = load_settings()
    if args.clusters:
        return asyncio.run(
            _clusters(settings.database_url, args.days, args.limit, args.json, args.threshold)
        )
    return asyncio.run(_run(settings.database_url, args.days, args.limit, args.json))


async def _clusters(
    database_url: str, days: int, limit: int, as_json: bool, threshold: float | None
) -> int:
    import json
    from datetime import UTC, datetime, timedelta

    from bot.db import create_engine, create_session_factory
    from tickets.gaps import gap_clusters

    engine = create_engine(database_url)
    now = datetime.now(UTC)
    try:
        async with create_session_factory(engine)() as session:
            found = await gap_clusters(
                session, since=now - timedelta(days=days), limit=limit, threshold=threshold
            )
    finally:
        await engine.dispose()
    if as_json:
        print(json.dumps([c.to_json() for c in found], ensure_ascii=False, indent=2))
        return 0
    if not found:
        print(f"no unanswered questions in the last {days} day(s)")
        return 0
    print(f"FAQ gaps by need, last {days} day(s), largest first:")
    for rank, c in enumerate(found, 1):
        how = ", ".join(f"{k} {v}" for k, v in sorted(c.decisions.items()))
        where = ", ".join(f"{slug} {n}" for slug, _zh, _en, n in c.departments) or "none"
        closest = f"; closest entry: {c.closest_entry}" if c.closest_entry else ""
        print(f"\n#{rank}  {c.size} question(s) ({how}); tickets {c.tickets}: {where}{closest}")
        print("    typical questions:")
        for q in c.typical:
            print(f"      {q}")
        print("    a new entry for the FAQ folder:")
        for line in c.yaml_skeleton(now).splitlines():
            print(f"    {line}")
    return 0


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
