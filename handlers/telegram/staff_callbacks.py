"""Staff buttons (``tk:take|reply|transfer|extok|extno:<id>`` under ticket posts and the
staff interface's ``sf:...`` buttons) and the messages that complete a prompt: the text of a
reply, the reason of a transfer, or a Telegram reply to a ticket's post in a staff chat."""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, Message

from handlers.notify.actions import parse_callback
from handlers.notify.format import format_time
from handlers.telegram import staff_flows as flows
from handlers.telegram.keyboards import parse_staff_callback
from handlers.telegram.staff_common import (
    GROUP_TYPES,
    StaffContext,
    Usage,
    staff_button,
    staff_command,
)
from handlers.telegram.staff_views import PAGE_SIZE, details_text, queue_view
from tickets.lookups import ticket_id_for_message

__all__ = [
    "STAFF_TICKET_ACTIONS",
    "reply_to_post",
    "staff_callback_filter",
    "ticket_callback_filter",
]

STAFF_TICKET_ACTIONS = ("take", "reply", "transfer", "extok", "extno", "view")


# -- filters (their dict goes into the handler's arguments) ------------------------------------
async def ticket_callback_filter(query: CallbackQuery) -> dict[str, Any] | bool:
    parsed = parse_callback(query.data or "")
    if parsed is None or parsed[0] not in STAFF_TICKET_ACTIONS:
        return False
    return {"callback_args": [parsed[0], str(parsed[1])]}


async def staff_callback_filter(query: CallbackQuery) -> dict[str, Any] | bool:
    parsed = parse_staff_callback(query.data)
    if parsed is None:
        return False
    return {"callback_args": [parsed.action, *parsed.args]}


async def _remove_buttons(ctx: StaffContext) -> None:
    if ctx.message_id is not None:
        await ctx.outgoing.call(
            "editMessageReplyMarkup",
            ctx.chat_id,
            {"message_id": ctx.message_id, "reply_markup": {"inline_keyboard": []}},
        )


# -- ticket buttons ----------------------------------------------------------------------------
@staff_button
async def ticket_button(ctx: StaffContext, args: list[str]) -> None:
    action, ticket_id = args[0], int(args[1])
    service = ctx.service
    if action == "take":
        ticket = await service.take(ticket_id, ctx.actor)
        ctx.toast(ctx.t("sh-taken", number=ticket.number))
    elif action == "reply":
        await flows.start_reply(ctx, ticket_id)
    elif action == "transfer":
        await flows.start_transfer(ctx, ticket_id)
    elif action == "extok":
        ticket = await service.approve_extension(ticket_id, ctx.actor)
        deadline = format_time(ticket.resolution_due_at, ctx.deps.tz, ctx.lang)
        text = ctx.t("sh-extension_approved", number=ticket.number, deadline=deadline)
        ctx.toast(text + await flows.citizen_note(ctx, ticket))
        await _remove_buttons(ctx)
    elif action == "extno":
        ticket = await service.refuse_extension(ticket_id, ctx.actor)
        ctx.toast(ctx.t("sh-extension_refused", number=ticket.number))
        await _remove_buttons(ctx)
    elif action == "view":  # the [Open] button on scheduler nags and digests
        details = await ctx.details(ticket_id)
        await ctx.say(await details_text(ctx, details))


# -- staff interface buttons -------------------------------------------------------------------
def _int(value: str) -> int:
    if not value.isdigit():
        raise Usage("sh-stale_button")
    return int(value)


@staff_button
async def staff_interface_button(ctx: StaffContext, args: list[str]) -> None:
    action, rest = args[0], args[1:]
    if action == "cancel":
        had_state = ctx.state is not None and await ctx.state.get_state() is not None
        await flows.clear_state(ctx)
        ctx.toast(ctx.t("sh-cancelled" if had_state else "sh-nothing_to_cancel"))
        await _remove_buttons(ctx)
        return
    if action == "an":
        from handlers.telegram.staff_announce import announce_step

        await announce_step(ctx, rest)
        return
    if action == "q" and len(rest) == 2:
        page, key = _int(rest[0]), rest[1]
        slug = None if key in ("", "*") else key
        result = await ctx.service.queue(ctx.actor, slug, page=page, page_size=PAGE_SIZE)
        text, markup = await queue_view(ctx, result, key)
        if ctx.message_id is None:
            raise Usage("sh-stale_button")
        payload: dict[str, Any] = {"message_id": ctx.message_id, "text": text}
        payload["reply_markup"] = markup or {"inline_keyboard": []}
        await ctx.outgoing.call("editMessageText", ctx.chat_id, payload)
        return
    if action == "cr" and len(rest) == 2:
        await flows.preview_canned(ctx, _int(rest[0]), rest[1])
        return
    if action == "send" and len(rest) == 1:
        ticket = await flows.send_canned(ctx, _int(rest[0]))
        ctx.toast(await flows.reply_confirmation(ctx, ticket))
        await _remove_buttons(ctx)
        return
    if action == "tr" and len(rest) == 2:
        await flows.ask_transfer_reason(ctx, _int(rest[0]), rest[1])
        return
    raise Usage("sh-stale_button")


# -- messages completing a prompt --------------------------------------------------------------
async def _state_data(ctx: StaffContext) -> dict[str, Any]:
    return await ctx.state.get_data() if ctx.state is not None else {}


@staff_command("sh-usage-reply", attachments=True)
async def reply_text(ctx: StaffContext, command: CommandObject | None) -> None:
    """The text (or photo/document, with its caption) sent while a reply is awaited (an edited
    canned reply, or one's own)."""
    data = await _state_data(ctx)
    ticket_id = data.get("ticket_id")
    if not isinstance(ticket_id, int):
        await flows.clear_state(ctx)
        raise Usage("sh-stale_button")
    await flows.send_reply(ctx, ticket_id, ctx.text)


@staff_command("sh-usage-transfer")
async def transfer_reason(ctx: StaffContext, command: CommandObject | None) -> None:
    data = await _state_data(ctx)
    ticket_id, slug = data.get("ticket_id"), data.get("slug")
    if not isinstance(ticket_id, int) or not isinstance(slug, str):
        await flows.clear_state(ctx)
        raise Usage("sh-stale_button")
    await flows.transfer(ctx, ticket_id, slug, ctx.text)


@staff_command("sh-nothing_to_cancel")
async def cancel(ctx: StaffContext, command: CommandObject | None) -> None:
    """/cancel while a prompt waits."""
    await flows.clear_state(ctx)
    await ctx.say(ctx.t("sh-cancelled"))


async def reply_to_post(message: Message, bot: Bot, **data: Any) -> None:
    """In a staff chat, a Telegram reply to a bot post about a ticket is /reply on that ticket.

    Anything else (a reply to another message, a private chat) is left to the other routers.
    """
    replied = message.reply_to_message
    if (
        replied is None
        or message.chat.type not in GROUP_TYPES
        or replied.from_user is None
        or replied.from_user.id != bot.id
    ):
        raise SkipHandler
    ticket_id = await ticket_id_for_message(data["session"], message.chat.id, replied.message_id)
    if ticket_id is None:
        raise SkipHandler
    data["staff_extra"] = {"ticket_id": ticket_id}
    await _post_reply(message, **data)


@staff_command("sh-usage-reply", attachments=True)
async def _post_reply(ctx: StaffContext, command: CommandObject | None) -> None:
    ticket_id = ctx.extra.get("ticket_id")
    text = ctx.text
    if not isinstance(ticket_id, int) or not (text.strip() or ctx.attachments):
        raise Usage()
    await flows.send_reply(ctx, ticket_id, text)
