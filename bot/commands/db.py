"""``citizen-desk migrate``: bring the database schema up to date."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("migrate", help="bring the database schema up to date")
    parser.add_argument("--revision", default="head", help="target revision (default: head)")
    parser.set_defaults(func=_migrate)


def _migrate(args: argparse.Namespace) -> int:
    import asyncio

    from sqlalchemy.engine import make_url

    from bot.config import load_settings
    from bot.db import create_engine
    from bot.migrate import current_revision, upgrade

    settings = load_settings()
    shown = make_url(settings.database_url).render_as_string(hide_password=True)

    async def run() -> tuple[str | None, str | None]:
        engine = create_engine(settings.database_url)
        try:
            before = await current_revision(engine)
            await upgrade(engine, args.revision)
            return before, await current_revision(engine)
        finally:
            await engine.dispose()

    try:
        before, after = asyncio.run(run())
    except OSError as exc:
        print(f"citizen-desk: cannot reach the database {shown}: {exc}")
        return 1
    if before == after:
        print(f"database {shown}: already at revision {after}")
    else:
        print(f"database {shown}: migrated {before or 'empty'} -> {after}")
    return 0
