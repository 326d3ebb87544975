"""Staff actions shared by commands, buttons and the multi-step prompts (FSM)."""

from __future__ import annotations

import unicodedata
from typing import Any

from handlers.telegram.keyboards import (
    cancel_keyboard,
    canned_keyboard,
    departments_keyboard,
    send_keyboard,
)
from handlers.telegram.staff_common import StaffContext, StaffFlow, Usage
from locales import t
from tickets.config.desk import CannedReply, DepartmentConfig
from tickets.lifecycle import DEMAND_TYPES, Action, transition
from tickets.lookups import citizen_name
from tickets.models import Ticket
from tickets.privacy import mask_name
from tickets.queries import TicketDetails

__all__ = [
    "ask_transfer_reason",
    "canned_replies",
    "check_department",
    "citizen_note",
    "clear_state",
    "demand_type_from",
    "preview_canned",
    "reply_confirmation",
    "send_canned",
    "send_reply",
    "start_reply",
    "start_transfer",
    "transfer",
]


async def _details(ctx: StaffContext, ref: int | str) -> TicketDetails:
    """The ticket if the actor may act on it (the domain's uniform refusal otherwise)."""
    return await ctx.details(ref)


def _dept_config(ctx: StaffContext, details: TicketDetails) -> DepartmentConfig | None:
    return ctx.deps.desk.config.get(details.department.slug)


def canned_replies(ctx: StaffContext, details: TicketDetails) -> tuple[CannedReply, ...]:
    cfg = _dept_config(ctx, details)
    return cfg.canned_replies if cfg is not None else ()


async def _set_state(ctx: StaffContext, state: Any, **data: Any) -> None:
    if ctx.state is not None:
        await ctx.state.set_state(state)
        await ctx.state.set_data(data)


async def clear_state(ctx: StaffContext) -> None:
    if ctx.state is not None:
        await ctx.state.clear()


# -- reply -------------------------------------------------------------------------------------
async def start_reply(ctx: StaffContext, ref: int | str) -> None:
    """Ask for the reply's text (Cancel works) and offer the department's canned replies."""
    details = await _details(ctx, ref)
    ticket = details.ticket
    transition(ticket.status, Action.REPLY, number=ticket.number)  # fail now, not after typing
    replies = canned_replies(ctx, details)
    await _set_state(ctx, StaffFlow.reply_text, ticket_id=ticket.id, number=ticket.number)
    hint = ctx.t("sh-reply_prompt_canned") if replies else ""
    await ctx.say(
        ctx.t("sh-reply_prompt", number=ticket.number, canned=hint),
        canned_keyboard(ctx.lang, ticket.id, replies),  # type: ignore[arg-type]
    )


async def send_reply(ctx: StaffContext, ref: int | str, text: str) -> Ticket:
    """Reply with ``text`` and the message's photo/document (``ctx.attachments``): the reply
    goes to the citizen first, then each file, captioned with the ticket's number (the
    service's ``ticket.replied`` event, see :mod:`handlers.notify.render`)."""
    files = list(ctx.attachments)
    ticket = await ctx.service.reply(ref, ctx.actor, text, attachments=files)
    await clear_state(ctx)
    await ctx.say(await reply_confirmation(ctx, ticket, len(files)))
    return ticket


async def reply_confirmation(ctx: StaffContext, ticket: Ticket, attachments: int = 0) -> str:
    """What the clerk is told after a reply: sent (with how many files), or only recorded
    (the citizen erased their data and cannot be reached)."""
    if await ctx.service.citizen_address(ticket) is None:
        return ctx.t("sh-replied_unreachable", number=ticket.number)
    if attachments:
        return ctx.t("sh-replied_with_attachments", number=ticket.number, count=attachments)
    return ctx.t("sh-replied", number=ticket.number)


async def citizen_note(ctx: StaffContext, ticket: Ticket) -> str:
    """Nothing when the ticket's citizen is told of an action; otherwise a line saying they
    could not be (they erased their personal data)."""
    if await ctx.service.citizen_address(ticket) is not None:
        return ""
    return "\n" + ctx.t("sh-citizen_unreachable")


async def _canned(
    ctx: StaffContext, ticket_id: int, index: str
) -> tuple[TicketDetails, CannedReply]:
    details = await _details(ctx, ticket_id)
    replies = canned_replies(ctx, details)
    if not index.isdigit() or int(index) >= len(replies):
        raise Usage("sh-stale_button")
    return details, replies[int(index)]


async def preview_canned(ctx: StaffContext, ticket_id: int, index: str) -> None:
    """Show the canned reply filled in (with the masked name: this may be a group chat)."""
    details, reply = await _canned(ctx, ticket_id, index)
    ticket = details.ticket
    transition(ticket.status, Action.REPLY, number=ticket.number)
    name = await citizen_name(ctx.session, ticket_id)
    masked = mask_name(name) or ctx.t("label-citizen")
    text = reply.render(ticket.lang, name=masked, number=ticket.number)
    await _set_state(
        ctx, StaffFlow.reply_text, ticket_id=ticket.id, number=ticket.number, canned=int(index)
    )
    await ctx.say(
        ctx.t(
            "sh-canned_preview", title=reply.title_for(ctx.lang), number=ticket.number, text=text
        ),
        send_keyboard(ctx.lang, ticket_id),
    )


async def send_canned(ctx: StaffContext, ticket_id: int) -> Ticket:
    """Send the canned reply chosen in this chat as is (the citizen's real name filled in)."""
    data = await ctx.state.get_data() if ctx.state is not None else {}
    if data.get("ticket_id") != ticket_id or not isinstance(data.get("canned"), int):
        raise Usage("sh-stale_button")
    details, reply = await _canned(ctx, ticket_id, str(data["canned"]))
    ticket = details.ticket
    name = await citizen_name(ctx.session, ticket_id)
    text = reply.render(
        ticket.lang, name=name or t(ticket.lang, "label-citizen"), number=ticket.number
    )
    return await send_reply(ctx, ticket_id, text)


# -- demand type -------------------------------------------------------------------------------
# What staff may type for a demand type besides its code and its zh/en names in the catalogue.
DEMAND_TYPE_ALIASES: dict[str, tuple[str, ...]] = {
    "consultation": ("咨询", "諮詢", "question", "consult", "enquiry", "inquiry", "query"),
    "help": ("求助", "帮助", "幫助", "assistance", "request for help"),
    "complaint": ("投诉", "投訴"),
    "report": ("举报", "舉報"),
    "suggestion": ("建议", "建議", "proposal"),
}


def _fold(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def demand_type_from(value: str) -> str | None:
    """The demand type named by ``value`` (code, zh or en name, alias; any case), or None."""
    wanted = _fold(value)
    for code in DEMAND_TYPES:
        names = (code, t("zh", f"type-{code}"), t("en", f"type-{code}"))
        if wanted in {_fold(n) for n in (*names, *DEMAND_TYPE_ALIASES.get(code, ()))}:
            return code
    return None


# -- transfer ----------------------------------------------------------------------------------
async def start_transfer(ctx: StaffContext, ref: int | str) -> None:
    """List the other departments as buttons."""
    details = await _details(ctx, ref)
    ticket = details.ticket
    transition(ticket.status, Action.TRANSFER, number=ticket.number)
    others = [
        d for slug, d in ctx.deps.desk.config.departments.items() if slug != details.department.slug
    ]
    if not others:
        raise Usage("sh-no_other_departments")
    await ctx.say(
        ctx.t("sh-transfer_pick", number=ticket.number),
        departments_keyboard(ctx.lang, ticket.id, others),  # type: ignore[arg-type]
    )


def check_department(ctx: StaffContext, slug: str) -> DepartmentConfig:
    cfg = ctx.deps.desk.config.get(slug.strip().lower())
    if cfg is None:
        known = ", ".join(ctx.deps.desk.config.slugs)
        raise Usage("sh-unknown_department_known", slug=slug, known=known)
    return cfg


async def ask_transfer_reason(ctx: StaffContext, ref: int | str, slug: str) -> None:
    cfg = check_department(ctx, slug)
    details = await _details(ctx, ref)
    ticket = details.ticket
    if details.department.slug == cfg.slug:
        raise Usage("error-same_department")
    transition(ticket.status, Action.TRANSFER, number=ticket.number)
    await _set_state(
        ctx, StaffFlow.transfer_reason, ticket_id=ticket.id, number=ticket.number, slug=cfg.slug
    )
    await ctx.say(
        ctx.t("sh-transfer_reason_prompt", number=ticket.number, department=cfg.name_for(ctx.lang)),
        cancel_keyboard(ctx.lang),
    )


async def transfer(ctx: StaffContext, ref: int | str, slug: str, reason: str) -> Ticket:
    check_department(ctx, slug)
    ticket = await ctx.service.transfer(ref, ctx.actor, slug.strip().lower(), reason)
    await clear_state(ctx)
    dept = ctx.deps.desk.config.get(slug.strip().lower())
    name = dept.name_for(ctx.lang) if dept is not None else slug
    note = await citizen_note(ctx, ticket)
    await ctx.say(ctx.t("sh-transferred", number=ticket.number, department=name) + note)
    return ticket
