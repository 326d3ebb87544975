"""``citizen-desk announce TOPIC --text TEXT [--urgent] [--at ISO-TIME] [--report-to CHAT]``
queues an announcement to a topic's subscribers and prints ``announcement <id>: <n>
recipients``; ``citizen-desk announce status ID`` prints ``queued Q sent S failed F blocked B``
(F: every delivery that did not arrive and was not a block: out of reach ones included);
``citizen-desk announce cancel ID`` stops one that is not done (what is not sent yet is
dropped) and prints ``cancelled <id>: sent S, dropped D``.

``--report-to`` is a Telegram chat id (a staff member's user id, or a staff chat) that gets the
report when it is done, in that staff member's language (else the desk's staff language).

The running service delivers it (its scheduler's ``announcements`` step, every
``ANNOUNCE_INTERVAL`` seconds), or ``citizen-desk sweep --only announcements``. ``--text`` may
hold both languages separated by a line ``---`` (Chinese first); ``--text-zh`` / ``--text-en``
give them separately. A naive ``--at`` is city time (``TIMEZONE``).
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import TYPE_CHECKING

from bot.commands.staff import _run

if TYPE_CHECKING:
    from sqlmodel.ext.asyncio.session import AsyncSession

    from bot.config import Settings

USAGE = (
    "citizen-desk announce TOPIC --text TEXT [--urgent] [--at ISO-TIME] [--report-to CHAT]\n"
    "       citizen-desk announce status ID\n"
    "       citizen-desk announce cancel ID"
)


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "announce",
        help="queue an announcement to a topic's subscribers, or show its status",
        usage=USAGE,
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("words", nargs="+", metavar="TOPIC | status ID | cancel ID")
    parser.add_argument("--text", help="the text (zh, en, or zh --- en)")
    parser.add_argument("--text-zh", help="the Chinese text")
    parser.add_argument("--text-en", help="the English text")
    parser.add_argument(
        "--urgent", action="store_true", help="send at once, also outside ANNOUNCE_HOURS"
    )
    parser.add_argument("--at", help="not before this time (ISO, e.g. 2026-10-01T08:30)")
    parser.add_argument(
        "--report-to",
        type=int,
        metavar="CHAT",
        help="a Telegram chat id (a staff member's user id) that gets the report when done",
    )
    parser.set_defaults(func=_announce)


def _fail(message: str, code: int = 2) -> int:
    print(f"citizen-desk announce: {message}", file=sys.stderr)
    return code


def _announce(args: argparse.Namespace) -> int:
    words = list(args.words)
    texts = (args.text, args.text_zh, args.text_en)
    if words[0] in ("status", "cancel") and len(words) == 2 and not any(texts):
        if not words[1].isdigit() or len(words[1]) > 18:
            return _fail(f"announcement id must be a number, not {words[1]!r}\nusage: {USAGE}")
        if words[0] == "cancel":
            return _run(lambda session, settings: _cancel(session, settings, int(words[1])))
        return _run(lambda session, settings: _status(session, int(words[1])))
    if words[0] in ("status", "cancel") and len(words) != 2:
        return _fail(f"announce {words[0]} needs one announcement id\nusage: {USAGE}")
    if len(words) != 1:
        return _fail(f"one topic, please\nusage: {USAGE}")
    if not any(texts):
        return _fail(f"--text is required\nusage: {USAGE}")
    return _run(lambda session, settings: _queue(session, settings, words[0], args))


async def _status(session: AsyncSession, announcement_id: int) -> int:
    from tickets.announce import counts
    from tickets.models import Announcement

    row = await session.get(Announcement, announcement_id)
    if row is None:
        return _fail(f"no announcement {announcement_id}", 1)
    print((await counts(session, row)).line())
    return 0


async def _cancel(session: AsyncSession, settings: Settings, announcement_id: int) -> int:
    from handlers.notify import notifier_factory
    from tickets.announce import cancel_announcement, counts
    from tickets.clock import SystemClock
    from tickets.config.desk import load_desk_config
    from tickets.models import Announcement

    row = await session.get(Announcement, announcement_id)
    if row is None:
        return _fail(f"no announcement {announcement_id}", 1)
    config = load_desk_config(settings.departments_file).config
    notifier = notifier_factory(config, settings.tz)(session)
    if not await cancel_announcement(
        session,
        row,
        notifier,
        config.topics if config is not None else None,
        now=SystemClock().now(),
        why="author",
    ):
        return _fail(f"announcement {announcement_id} is {row.status}: nothing to cancel", 1)
    c = await counts(session, row)
    print(f"cancelled {announcement_id}: sent {c.sent}, dropped {c.dropped}")
    return 0


async def _report_lang(session: AsyncSession, chat_id: int) -> str | None:
    from sqlmodel import select

    from tickets.models import StaffMember

    stmt = select(StaffMember.language).where(StaffMember.telegram_user_id == chat_id)
    return (await session.exec(stmt)).first()


async def _queue(
    session: AsyncSession, settings: Settings, topic_id: str, args: argparse.Namespace
) -> int:
    from locales import t
    from tickets.announce import Refused, create_announcement, split_texts
    from tickets.clock import SystemClock
    from tickets.config.desk import load_desk_config

    result = load_desk_config(settings.departments_file)
    if result.config is None:
        for problem in result.problems:
            print(problem, file=sys.stderr)
        return 1
    topic = result.config.topic(topic_id)
    if topic is None:
        known = ", ".join(result.config.topics) or "none (add topics: to the departments file)"
        return _fail(f"unknown topic {topic_id!r} (known: {known})", 1)
    zh, en = split_texts(args.text or "")
    zh, en = args.text_zh or zh, args.text_en or en
    now = SystemClock().now()
    at = None
    if args.at:
        try:
            at = datetime.fromisoformat(args.at)
        except ValueError:
            return _fail(f"--at {args.at!r}: use an ISO time such as 2026-10-01T08:30")
        if at.tzinfo is None:
            at = at.replace(tzinfo=settings.tz)
    try:
        row = await create_announcement(
            session,
            topic,
            text_zh=zh,
            text_en=en,
            now=now,
            author="cli",
            urgent=args.urgent,
            not_before=at,
            author_chat_id=args.report_to,
            author_lang=await _report_lang(session, args.report_to) if args.report_to else None,
        )
    except Refused as exc:
        return _fail(t("en", exc.reason, **exc.params))
    print(f"announcement {row.id}: {row.recipients} recipients")
    if not row.recipients:
        print(
            f"note: nobody subscribes to {topic.id!r} yet (citizens subscribe with /subscribe or"
            f" the link https://t.me/<bot>?start=sub-{topic.id}); it will be done at once",
            file=sys.stderr,
        )
    return 0
