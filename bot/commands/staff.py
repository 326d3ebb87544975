"""``citizen-desk staff ...``: invite, list, move, deactivate staff and set their role.

These use the database (``DATABASE_URL``), which must be migrated (``citizen-desk migrate``).
``invite`` and ``move`` first sync the departments file into the database when the file is
valid, so a department just added to the file can be used at once.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from bot.config import Settings

ROLE_CHOICES = ("clerk", "head")
_TTL_PART = re.compile(r"(\d+)\s*([wdhm])", re.IGNORECASE)
_TTL_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}


def parse_ttl(text: str) -> timedelta:
    """Wall-clock lifetime such as ``72h``, ``3d``, ``1d12h``, ``30m``, ``2w``."""
    s = text.strip().lower().replace(" ", "")
    pos, total = 0, timedelta(0)
    while pos < len(s):
        m = _TTL_PART.match(s, pos)
        if m is None:
            raise argparse.ArgumentTypeError(
                f"invalid lifetime {text!r}: use e.g. 72h, 3d, 1d12h or 30m"
            )
        total += timedelta(**{_TTL_UNITS[m[2]]: int(m[1])})
        pos = m.end()
    if total <= timedelta(0):
        raise argparse.ArgumentTypeError(f"invalid lifetime {text!r}: must be positive")
    return total


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("staff", help="invite and manage department staff")
    parser.set_defaults(func=lambda _args: (parser.print_help(), 2)[1])
    actions = parser.add_subparsers(dest="action", metavar="ACTION")

    invite = actions.add_parser(
        "invite", help="print a one-time Telegram link that registers its user as staff"
    )
    invite.add_argument("department", help="department slug")
    invite.add_argument("--role", choices=ROLE_CHOICES, default="clerk")
    invite.add_argument(
        "--ttl", type=parse_ttl, default=timedelta(hours=72), help="lifetime (default 72h)"
    )
    invite.add_argument(
        "--bot-username",
        help="the bot's @username (default: env BOT_USERNAME, else asked from Telegram)",
    )
    invite.set_defaults(func=_invite)

    show = actions.add_parser("list", help="list staff")
    show.add_argument("--department", help="only this department (slug)")
    show.add_argument("--all", action="store_true", help="include deactivated staff")
    show.add_argument("--json", action="store_true", help="print a JSON array")
    show.set_defaults(func=_list)

    move = actions.add_parser("move", help="move a staff member to another department")
    move.add_argument("user_id", type=int, metavar="USER_ID", help="Telegram user id")
    move.add_argument("department", help="department slug")
    move.set_defaults(func=_move)

    deactivate = actions.add_parser("deactivate", help="stop a user acting as staff")
    deactivate.add_argument("user_id", type=int, metavar="USER_ID", help="Telegram user id")
    deactivate.set_defaults(func=_deactivate)

    role = actions.add_parser("role", help="make a staff member a clerk or a head")
    role.add_argument("user_id", type=int, metavar="USER_ID", help="Telegram user id")
    role.add_argument("role", choices=ROLE_CHOICES)
    role.set_defaults(func=_role)


# -- plumbing ---------------------------------------------------------------------------------
Action = Callable[["AsyncSession", "Settings"], Awaitable[int]]


def _run(action: Action, *, sync: bool = False) -> int:
    """Run ``action`` in one transaction on a migrated database; print errors, exit non-zero."""
    import asyncio

    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import DBAPIError, OperationalError

    from bot.config import load_settings
    from bot.db import create_engine, create_session_factory
    from bot.migrate import current_revision, head_revision
    from tickets.people.staff import StaffError

    settings = load_settings()
    shown = make_url(settings.database_url).render_as_string(hide_password=True)

    async def go() -> int:
        engine = create_engine(settings.database_url)
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
                if sync:
                    await _sync_departments(session, settings)
                code = await action(session, settings)
                if code == 0:
                    await session.commit()
                return code
        finally:
            await engine.dispose()

    try:
        return asyncio.run(go())
    except StaffError as exc:
        print(f"citizen-desk: {exc}", file=sys.stderr)
        return 1
    except (OSError, OperationalError, DBAPIError) as exc:
        print(f"citizen-desk: cannot use the database {shown}: {exc}", file=sys.stderr)
        return 1


async def _sync_departments(session: AsyncSession, settings: Settings) -> None:
    from datetime import UTC, datetime

    from tickets.config.desk import load_desk_config
    from tickets.people.departments import sync_departments

    result = load_desk_config(settings.departments_file)
    if result.config is None:
        print(
            f"warning: {settings.departments_file} has problems; using the departments "
            "already in the database:",
            file=sys.stderr,
        )
        for problem in result.problems:
            print(f"  {problem}", file=sys.stderr)
        return
    await sync_departments(session, result.config, now=datetime.now(UTC))


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


# -- invite -----------------------------------------------------------------------------------
def _invite(args: argparse.Namespace) -> int:
    from tickets.people.staff import create_invite, invite_link, invite_payload

    created: dict[str, Any] = {}

    async def action(session: AsyncSession, settings: Settings) -> int:
        invite = await create_invite(session, args.department, args.role, now=_now(), ttl=args.ttl)
        created.update(payload=invite_payload(invite), expires_at=invite.expires_at)
        created["tz"] = settings.tz
        created["settings"] = settings
        return 0

    code = _run(action, sync=True)
    if code != 0:
        return code
    payload: str = created["payload"]
    expires = created["expires_at"].astimezone(created["tz"])
    print(
        f"Invite for {args.department} as {args.role}: one use, valid until "
        f"{expires:%Y-%m-%d %H:%M} ({created['tz'].key})."
    )
    username, why = _bot_username(args.bot_username, created["settings"])
    if username is not None:
        try:
            print(invite_link(username, payload))
            return 0
        except ValueError as exc:
            why = str(exc)
    print(f"payload: {payload}")
    print(
        f"The bot's username is unknown ({why}). The link is "
        f"https://t.me/<bot username>?start={payload} with the bot's @username (without @) in "
        "place of <bot username>; pass --bot-username NAME or set BOT_USERNAME to print it."
    )
    return 0


def _bot_username(explicit: str | None, settings: Settings) -> tuple[str | None, str]:
    """The bot's username: --bot-username, BOT_USERNAME, else getMe; or None and why not."""
    for candidate in (
        explicit,
        os.environ.get("BOT_USERNAME"),
        getattr(settings, "bot_username", None),
    ):
        if candidate and candidate.strip():
            return candidate.strip().removeprefix("@"), ""
    if settings.bot_token is None:
        return None, "BOT_TOKEN is not set, so Telegram cannot be asked"
    import asyncio

    async def get_me() -> str | None:
        from bot.telegram import create_bot

        bot = create_bot(settings)
        try:
            me = await asyncio.wait_for(bot.get_me(), timeout=15)
            return me.username
        finally:
            await bot.session.close()

    try:
        name = asyncio.run(get_me())
    except Exception as exc:
        return None, f"asking Telegram failed: {type(exc).__name__}: {exc}"
    if not name:
        return None, "Telegram returned no username for this bot"
    return name, ""


# -- list, move, deactivate, role -------------------------------------------------------------
def _list(args: argparse.Namespace) -> int:
    import json

    from tickets.people.staff import list_staff

    async def action(session: AsyncSession, settings: Settings) -> int:
        rows = await list_staff(session, department_slug=args.department, include_inactive=args.all)
        if args.json:
            print(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2))
            return 0
        if not rows:
            print("no staff" + (f" in {args.department}" if args.department else ""))
            return 0
        for row in rows:
            m = row.member
            user = f"@{m.username}" if m.username else "-"
            state = "" if m.active else "  (inactive)"
            print(
                f"{m.telegram_user_id}  {row.department_slug or '-'}  {m.role}  "
                f"{m.display_name or '-'}  {user}{state}"
            )
        return 0

    return _run(action)


def _move(args: argparse.Namespace) -> int:
    from tickets.people.staff import move_staff

    async def action(session: AsyncSession, settings: Settings) -> int:
        member = await move_staff(session, args.user_id, args.department, now=_now())
        print(f"moved {member.telegram_user_id} ({member.display_name}) to {args.department}")
        return 0

    return _run(action, sync=True)


def _deactivate(args: argparse.Namespace) -> int:
    from tickets.people.staff import deactivate_staff

    async def action(session: AsyncSession, settings: Settings) -> int:
        member = await deactivate_staff(session, args.user_id, now=_now())
        print(f"deactivated {member.telegram_user_id} ({member.display_name})")
        return 0

    return _run(action)


def _role(args: argparse.Namespace) -> int:
    from tickets.people.staff import set_role

    async def action(session: AsyncSession, settings: Settings) -> int:
        member = await set_role(session, args.user_id, args.role, now=_now())
        print(f"{member.telegram_user_id} ({member.display_name}) is now {member.role}")
        return 0

    return _run(action)
