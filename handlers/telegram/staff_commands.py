"""Staff commands (private chat and staff chats): thin calls into :class:`TicketService`."""

from __future__ import annotations

from aiogram.filters import CommandObject

from handlers.notify.format import format_time
from handlers.telegram import staff_flows as flows
from handlers.telegram.staff_common import StaffContext, Usage, split_args, staff_command
from handlers.telegram.staff_views import PAGE_SIZE, details_text, queue_view
from tickets.people.staff import LANGUAGES, set_language

__all__ = ["COMMANDS", "language"]


def _ref(args: list[str]) -> str:
    if not args:
        raise Usage()
    return args[0]


def _page(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise Usage("error-bad_page")
    return int(value)


@staff_command("sh-usage-queue")
async def queue(ctx: StaffContext, command: CommandObject | None) -> None:
    """/queue [PAGE] — admins: /queue [DEPARTMENT] [PAGE] (no department: every department)."""
    args = split_args(command, 3)
    slug: str | None = None
    page = 1
    if len(args) > 2:
        raise Usage("sh-usage-queue_admin" if ctx.actor.is_admin else None)
    for arg in args:
        if arg.isdigit():
            page = _page(arg)
        elif ctx.actor.is_admin and slug is None:
            slug = flows.check_department(ctx, arg).slug
        else:
            raise Usage("sh-usage-queue_admin" if ctx.actor.is_admin else None)
    result = await ctx.service.queue(ctx.actor, slug, page=page, page_size=PAGE_SIZE)
    key = slug or ("*" if result.department is None else "")
    text, markup = await queue_view(ctx, result, key)
    await ctx.say(text, markup)


@staff_command("sh-usage-ticket")
async def ticket(ctx: StaffContext, command: CommandObject | None) -> None:
    """/ticket N — details, conversation, notes and audit trail."""
    args = split_args(command, 2)
    if len(args) != 1:
        raise Usage()
    details = await ctx.details(args[0])
    await ctx.say(await details_text(ctx, details))


@staff_command("sh-usage-take")
async def take(ctx: StaffContext, command: CommandObject | None) -> None:
    args = split_args(command, 2)
    if len(args) != 1:
        raise Usage()
    result = await ctx.service.take(args[0], ctx.actor)
    await ctx.say(ctx.t("sh-taken", number=result.number))


@staff_command("sh-usage-reply", attachments=True)
async def reply(ctx: StaffContext, command: CommandObject | None) -> None:
    """/reply N TEXT; /reply N alone asks for the text (with the canned replies). As the
    caption of a photo or document, the file goes to the citizen with the text (or alone)."""
    args = split_args(command, 2)
    ref = _ref(args)
    if len(args) == 1 and ctx.attachments:
        await flows.send_reply(ctx, ref, "")
        return
    if len(args) == 1:
        await flows.start_reply(ctx, ref)
        return
    await flows.send_reply(ctx, ref, args[1])


@staff_command("sh-usage-note")
async def note(ctx: StaffContext, command: CommandObject | None) -> None:
    args = split_args(command, 2)
    if len(args) != 2:
        raise Usage()
    await ctx.service.note(args[0], ctx.actor, args[1])
    details = await ctx.service.details(args[0], ctx.actor)
    await ctx.say(ctx.t("sh-noted", number=details.ticket.number))


@staff_command("sh-usage-askinfo")
async def askinfo(ctx: StaffContext, command: CommandObject | None) -> None:
    args = split_args(command, 2)
    if len(args) != 2:
        raise Usage()
    result = await ctx.service.ask_info(args[0], ctx.actor, args[1])
    await ctx.say(ctx.t("sh-asked", number=result.number))


@staff_command("sh-usage-transfer")
async def transfer(ctx: StaffContext, command: CommandObject | None) -> None:
    """/transfer N (department buttons) | /transfer N DEPT (asks why) | /transfer N DEPT WHY."""
    args = split_args(command, 3)
    ref = _ref(args)
    if len(args) == 1:
        await flows.start_transfer(ctx, ref)
    elif len(args) == 2:
        await flows.ask_transfer_reason(ctx, ref, args[1])
    else:
        await flows.transfer(ctx, ref, args[1], args[2])


@staff_command("sh-usage-close")
async def close(ctx: StaffContext, command: CommandObject | None) -> None:
    args = split_args(command, 2)
    ref = _ref(args)
    result = await ctx.service.close(ref, ctx.actor, args[1] if len(args) > 1 else "")
    await ctx.say(ctx.t("sh-closed", number=result.number) + await flows.citizen_note(ctx, result))


@staff_command("sh-usage-reopen")
async def reopen(ctx: StaffContext, command: CommandObject | None) -> None:
    args = split_args(command, 2)
    ref = _ref(args)
    result = await ctx.service.reopen(ref, ctx.actor, args[1] if len(args) > 1 else "")
    status = ctx.t(f"status-{result.status}")
    note = await flows.citizen_note(ctx, result)
    await ctx.say(ctx.t("sh-reopened", number=result.number, status=status) + note)


@staff_command("sh-usage-extend")
async def extend(ctx: StaffContext, command: CommandObject | None) -> None:
    args = split_args(command, 3)
    if len(args) != 3:
        raise Usage()
    limit = ctx.service.max_extension_days
    if not args[1].isdigit():
        raise Usage("sh-bad_days", value=args[1], max=limit)
    days = int(args[1])
    await ctx.service.request_extension(args[0], ctx.actor, days, args[2])
    details = await ctx.service.details(args[0], ctx.actor)
    await ctx.say(ctx.t("sh-extension_requested", number=details.ticket.number, days=days))


@staff_command("sh-usage-type")
async def retype(ctx: StaffContext, command: CommandObject | None) -> None:
    """/type N TYPE [urgent] — TYPE in zh or en (投诉, complaint...); the urgent flag is not
    changed (only reported)."""
    args = split_args(command, 2)
    if len(args) != 2:
        raise Usage()
    words = args[1].split()
    urgent = len(words) > 1 and words[-1].lower() == "urgent"
    name = " ".join(words[:-1] if urgent else words)
    demand_type = flows.demand_type_from(name)
    if demand_type is None:
        raise Usage("sh-bad_type", value=name)
    before = await ctx.service.details(args[0], ctx.actor)
    deadlines = (before.ticket.response_due_at, before.ticket.resolution_due_at)
    result = await ctx.service.set_demand_type(args[0], ctx.actor, demand_type)
    text = ctx.t(
        "sh-retyped",
        number=result.number,
        type=ctx.t(f"type-{result.demand_type}"),
        deadline=format_time(result.resolution_due_at, ctx.deps.tz, ctx.lang),
    )
    if deadlines != (result.response_due_at, result.resolution_due_at):
        text += await flows.citizen_note(ctx, result) or "\n" + ctx.t("sh-retyped_told")
    if urgent and not result.urgent:
        text += "\n" + ctx.t("sh-urgent_unsupported")
    await ctx.say(text)


@staff_command("sh-usage-urgent")
async def urgent(ctx: StaffContext, command: CommandObject | None) -> None:
    """/urgent N [off] — mark the ticket urgent (or not): the urgent SLA, deadlines recomputed."""
    args = split_args(command, 3)
    if len(args) not in (1, 2) or (len(args) == 2 and args[1].lower() not in ("on", "off")):
        raise Usage()
    on = len(args) == 1 or args[1].lower() == "on"
    result = await ctx.service.set_urgent(args[0], ctx.actor, on)
    deadline = format_time(result.resolution_due_at, ctx.deps.tz, ctx.lang)
    key = "sh-urgent_on" if on else "sh-urgent_off"
    await ctx.say(ctx.t(key, number=result.number, deadline=deadline))


@staff_command("sh-usage-contact")
async def contact(ctx: StaffContext, command: CommandObject | None) -> None:
    """/contact N — the unmasked contact, always in a private message (audited)."""
    args = split_args(command, 2)
    if len(args) != 1:
        raise Usage()
    found = await ctx.service.reveal_contact(args[0], ctx.actor)
    details = await ctx.details(args[0])
    none = ctx.t("label-none")
    channels = ", ".join(
        f"{ctx.t(f'channel-{i.channel}')} {i.external_id}" for i in found.identities
    )
    text = ctx.t(
        "sh-contact",
        number=details.ticket.number,
        name=found.display_name or none,
        phone=found.phone or none,
        email=found.email or none,
        channels=channels or none,
    )
    # Tagged with the citizen: their erasure deletes the revealed contact from the outbox (the
    # audit event says only that it was revealed, by whom and when).
    await ctx.outgoing.send_message(ctx.user_id, text, citizen_id=found.citizen_id)
    if ctx.chat_id != ctx.user_id:
        await ctx.say(ctx.t("sh-contact_sent_privately"))


@staff_command("sh-help")
async def staffhelp(ctx: StaffContext, command: CommandObject | None) -> None:
    text = ctx.t("sh-help")
    if ctx.actor.is_admin:
        text += ctx.t("sh-help_admin")
    await ctx.say(text)


COMMANDS = {
    "queue": queue,
    "ticket": ticket,
    "take": take,
    "reply": reply,
    "note": note,
    "askinfo": askinfo,
    "transfer": transfer,
    "close": close,
    "reopen": reopen,
    "extend": extend,
    "type": retype,
    "urgent": urgent,
    "contact": contact,
    "staffhelp": staffhelp,
}


@staff_command("sh-usage-language")
async def language(ctx: StaffContext, command: CommandObject | None) -> None:
    """/language [zh|en] — the language the bot writes to this staff member in (answers and
    the notifications sent to them privately; group chats keep the desk's language)."""
    args = split_args(command, 2)
    if not args:
        current = ctx.t(f"sh-language-{ctx.lang}")
        await ctx.say(ctx.t("sh-language_current", language=current))
        return
    chosen = args[0].strip().lower()
    if len(args) != 1 or chosen not in LANGUAGES:
        raise Usage()
    await set_language(ctx.session, ctx.user_id, chosen, now=ctx.deps.clock.now())
    ctx.lang = chosen
    await ctx.say(ctx.t("sh-language_set", language=ctx.t(f"sh-language-{chosen}")))
