"""The staff side of the bot: onboarding by invite link, ticket commands and buttons, prompts,
and the administrators' commands. ``create_router()`` must be included before the catch-all
basic router.

Commands work in private chats and in staff chats; every one checks who is asking (active
staff of the ticket's department, heads for extension decisions, administrators for the admin
commands) through the ticket domain, and answers a malformed call with its usage, in the
sender's language.
"""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, CommandStart, StateFilter
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.telegram.admin import ADMIN_COMMANDS
from handlers.telegram.filters import Magic
from handlers.telegram.outgoing import Outgoing
from handlers.telegram.staff_announce import announce, announce_text, announce_time
from handlers.telegram.staff_callbacks import (
    cancel,
    reply_text,
    reply_to_post,
    staff_callback_filter,
    staff_interface_button,
    ticket_button,
    ticket_callback_filter,
    transfer_reason,
)
from handlers.telegram.staff_commands import COMMANDS, language
from handlers.telegram.staff_common import StaffFlow, has_text_or_media, is_active_staff
from handlers.telegram.staff_console import console
from locales import t
from tickets.authz import actor_for
from tickets.people.directory import department_for_chat
from tickets.people.staff import INVITE_PREFIX, redeem_invite

__all__ = ["STAFF_COMMANDS", "create_router", "start_staff"]

log = logging.getLogger(__name__)

STAFF_COMMANDS = (*COMMANDS, *ADMIN_COMMANDS, "console", "cancel", "language", "announce")


async def start_staff(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    outgoing: Outgoing,
    lang: str,
    deps: Deps,
) -> None:
    """``/start staff-<token>``: register the sender with the invite's department and role."""
    user = message.from_user
    if user is None:
        return
    result = await redeem_invite(
        session,
        command.args or "",
        telegram_user_id=user.id,
        display_name=user.full_name,
        username=user.username,
        now=deps.clock.now(),
        language=lang,  # their Telegram language: notifications to them come in it
    )
    if not result.ok or result.staff is None or result.department is None:
        log.info("staff invite refused for user %s: %s", user.id, result.reason)
        await outgoing.send_message(message.chat.id, t(lang, f"sh-invite-{result.reason}"))
        return
    log.info("user %s joined %s as %s", user.id, result.department.slug, result.staff.role)
    cfg = deps.desk.config.get(result.department.slug)
    department = (
        cfg.name_for(lang)
        if cfg is not None
        else (result.department.name_en if lang == "en" else result.department.name_zh)
    )
    text = t(
        lang,
        "sh-welcome_staff",
        name=result.staff.display_name or user.full_name,
        department=department,
        role=t(lang, f"sh-role-{result.staff.role}"),
        help=t(lang, "sh-help"),
    )
    await outgoing.send_message(message.chat.id, text)


async def may_be_for_staff(message: Message, raw_state: str | None = None) -> bool:
    """The staff router's gate: a command, a reply to a post, or a staff step in progress.

    Everything else (a citizen's question above all) skips the router's thirty-odd command
    filters with this one check.
    """
    text = message.text or message.caption or ""
    return (
        text.startswith("/")
        or message.reply_to_message is not None
        or (raw_state is not None and raw_state in StaffFlow.__all_states_names__)
    )


# Commands of the citizen conversation: in a group they would answer with a citizen's own data.
CITIZEN_COMMANDS = frozenset(
    "start help new mydata mytickets subscribe deleteme language cancel".split()
)


async def group_command(
    message: Message, session: AsyncSession, outgoing: Outgoing, deps: Deps, lang: str
) -> None:
    """A command for this bot in a department's staff chat that no handler took (other groups
    stay silent): ``/help`` is the staff help for staff, ``/cancel`` says there is nothing to
    cancel, a citizen's command says it works in a private chat (it would show personal data
    here), and an unknown one from staff names ``/staffhelp``. Never silence for staff."""
    head = (message.text or "").split(maxsplit=1)[0][1:]
    name, _, mention = head.partition("@")
    if mention:
        me = await message.bot.me() if message.bot is not None else None
        if me is None or mention.lower() != (me.username or "").lower():
            return  # addressed to another bot in the group
    if message.from_user is None or await department_for_chat(session, message.chat.id) is None:
        return
    actor = await actor_for(session, message.from_user.id, deps.admin_ids)
    if actor.is_staff and actor.staff is not None and actor.staff.language:
        lang = actor.staff.language
    name = name.lower()
    if actor.is_staff and name == "help":
        text = t(lang, "sh-help") + (t(lang, "sh-help_admin") if actor.is_admin else "")
    elif actor.is_staff and name == "cancel":
        text = t(lang, "sh-nothing_to_cancel")
    elif name in CITIZEN_COMMANDS:
        text = t(lang, "sh-private_only", command="/" + name)
    elif actor.is_staff:
        text = t(lang, "sh-unknown_command", command="/" + name[:32])
    else:
        return
    await outgoing.send_message(message.chat.id, text, reply_to_message_id=message.message_id)


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only). Order matters."""
    router = Router(name="staff")
    router.message.filter(may_be_for_staff)
    router.message.register(
        start_staff, CommandStart(deep_link=True, magic=F.args.startswith(INVITE_PREFIX))
    )
    for name, handler in {**COMMANDS, **ADMIN_COMMANDS}.items():
        router.message.register(handler, Command(name))
    router.message.register(console, Command("console"))
    router.message.register(announce, Command("announce"))
    # Staff choose their own language; anyone else's /language is the citizen's.
    router.message.register(language, Command("language"), is_active_staff)
    router.message.register(cancel, Command("cancel"), StateFilter(StaffFlow))
    not_command = Magic(F.text & ~F.text.startswith("/"))
    router.message.register(reply_text, StateFilter(StaffFlow.reply_text), has_text_or_media)
    router.message.register(transfer_reason, StateFilter(StaffFlow.transfer_reason), not_command)
    router.message.register(announce_text, StateFilter(StaffFlow.announce_text), has_text_or_media)
    router.message.register(announce_time, StateFilter(StaffFlow.announce_at), not_command)
    router.message.register(reply_to_post, Magic(F.reply_to_message))
    router.message.register(
        group_command,
        Magic(F.chat.type.in_({"group", "supergroup"}) & F.text.startswith("/")),
    )
    router.callback_query.register(ticket_button, ticket_callback_filter)
    router.callback_query.register(staff_interface_button, staff_callback_filter)
    return router
