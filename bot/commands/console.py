"""``citizen-desk console link TELEGRAM_USER_ID``: print a one-time sign-in URL for the web
console (valid 10 minutes, usable once), for a staff member or an administrator.

The URL starts with ``PUBLIC_BASE_URL`` (default ``http://HOST:PORT``). Reads the database
(``DATABASE_URL``), which must be migrated; ``ADMIN_IDS`` decides who is an administrator.
"""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("console", help="the web console: one-time sign-in links")
    parser.set_defaults(func=lambda _args: (parser.print_help(), 2)[1])
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    link = actions.add_parser(
        "link", help="print a one-time sign-in URL (10 minutes, once) for a staff member or admin"
    )
    link.add_argument("user_id", type=int, metavar="TELEGRAM_USER_ID")
    link.set_defaults(func=_link)


def _link(args: argparse.Namespace) -> int:
    import asyncio

    from bot.config import load_settings

    settings = load_settings()
    return asyncio.run(_run(settings, args.user_id))


async def _run(settings: object, user_id: int) -> int:
    from datetime import UTC, datetime

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError, OperationalError

    from bot.db import create_engine, create_session_factory
    from bot.migrate import current_revision, head_revision
    from handlers.web.console.links import new_login_link

    url: str = settings.database_url  # type: ignore[attr-defined]
    shown = make_url(url).render_as_string(hide_password=True)
    engine = create_engine(url)
    try:
        current, head = await current_revision(engine), head_revision()
        if current != head:
            print(
                f"citizen-desk: the database {shown} is at revision {current or 'empty'}, "
                f"this version needs {head}: run citizen-desk migrate",
                file=sys.stderr,
            )
            return 1
        async with create_session_factory(engine)() as session:
            link = await new_login_link(
                session,
                user_id,
                base_url=settings.console_base_url,  # type: ignore[attr-defined]
                admin_ids=tuple(settings.admin_ids),  # type: ignore[attr-defined]
                now=datetime.now(UTC),
            )
            if link is None:
                print(
                    f"citizen-desk: Telegram user {user_id} is neither active staff nor an "
                    "administrator: invite them with `citizen-desk staff invite DEPARTMENT`, "
                    "or add the id to ADMIN_IDS",
                    file=sys.stderr,
                )
                return 1
            await session.commit()
    except (OSError, OperationalError, DBAPIError) as exc:
        print(f"citizen-desk: cannot use the database {shown}: {exc}", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    print(link)
    return 0
