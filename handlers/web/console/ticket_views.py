"""A ticket's page (conversation, attachments, notes, audit trail, deadlines) and the staff
actions on it: each one a :class:`tickets.service.TicketService` use case, called with the
signed-in user's :class:`~tickets.authz.Actor` exactly as the bot's staff commands call it."""

from __future__ import annotations

import io
import logging
import mimetypes
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.errors import render_error
from handlers.notify.format import event_label, unreachable
from handlers.web.console.context import PREFIX, console_of, lang_of, read_form, render, user_of
from handlers.web.console.rows import is_overdue, staff_in
from locales import catalogue, t
from tickets.authz import Actor, can_decide_extension
from tickets.config.desk import CannedReply
from tickets.errors import Conflict, NotAllowed, NotFound, TicketError, ValidationError
from tickets.lifecycle import DEMAND_TYPES, Action, allowed_actions
from tickets.lookups import citizen_name, staff_names_by_id, staff_names_by_user
from tickets.models import WebchatFile
from tickets.privacy import mask_name
from tickets.queries import TicketDetails
from tickets.service import EXTENSION_KINDS, Contact, TicketService

log = logging.getLogger(__name__)

MAX_PHOTO = 20 * 1024 * 1024  # the Bot API's download limit


class Usage(Exception):
    """A form value the action cannot use: shown with the page (400)."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@dataclass
class ActionContext:
    session: AsyncSession
    service: TicketService
    actor: Actor
    form: dict[str, str]
    number: str
    lang: str
    contact: Contact | None = None


def _field(ctx: ActionContext, name: str) -> str:
    return (ctx.form.get(name) or "").strip()


def _required(ctx: ActionContext, name: str, key: str = "con-text_required") -> str:
    value = _field(ctx, name)
    if not value:
        raise Usage(key)
    return value


async def _take(ctx: ActionContext) -> None:
    await ctx.service.take(ctx.number, ctx.actor)


async def _assign(ctx: ActionContext) -> None:
    value = _field(ctx, "assignee")
    if not value.isdigit() or len(value) > 19:
        raise Usage("con-pick_assignee")
    await ctx.service.assign(ctx.number, ctx.actor, int(value))


async def _reply(ctx: ActionContext) -> None:
    await ctx.service.reply(ctx.number, ctx.actor, _required(ctx, "text"))


async def _canned(ctx: ActionContext) -> None:
    """A canned reply, with the citizen's real name filled in (as the bot's Send button)."""
    details = await ctx.service.details(ctx.number, ctx.actor)
    reply = _canned_by_id(ctx.service, details, _field(ctx, "reply"))
    ticket = details.ticket
    assert ticket.id is not None
    name = await citizen_name(ctx.session, ticket.id)
    text = reply.render(
        ticket.lang, name=name or t(ticket.lang, "label-citizen"), number=ticket.number
    )
    await ctx.service.reply(ticket.id, ctx.actor, text)


async def _note(ctx: ActionContext) -> None:
    await ctx.service.note(ctx.number, ctx.actor, _required(ctx, "text"))


async def _askinfo(ctx: ActionContext) -> None:
    await ctx.service.ask_info(ctx.number, ctx.actor, _required(ctx, "text"))


async def _transfer(ctx: ActionContext) -> None:
    slug = _required(ctx, "department", "con-pick_department")
    reason = _required(ctx, "reason", "error-reason_required")
    await ctx.service.transfer(ctx.number, ctx.actor, slug, reason)


async def _extend(ctx: ActionContext) -> None:
    days = _field(ctx, "days")
    limit = ctx.service.max_extension_days
    if not days.isdigit() or len(days) > 4:
        raise Usage("sh-bad_days", value=days[:10], max=limit)
    await ctx.service.request_extension(
        ctx.number, ctx.actor, int(days), _required(ctx, "reason", "error-reason_required")
    )


async def _approve(ctx: ActionContext) -> None:
    await ctx.service.approve_extension(ctx.number, ctx.actor)


async def _refuse(ctx: ActionContext) -> None:
    await ctx.service.refuse_extension(ctx.number, ctx.actor, _field(ctx, "reason"))


async def _retype(ctx: ActionContext) -> None:
    await ctx.service.set_demand_type(ctx.number, ctx.actor, _field(ctx, "type"))


async def _urgency(ctx: ActionContext) -> None:
    value = _field(ctx, "urgent")
    if value not in ("0", "1"):
        raise Usage("con-pick_urgency")
    await ctx.service.set_urgent(ctx.number, ctx.actor, value == "1")


async def _close(ctx: ActionContext) -> None:
    await ctx.service.close(ctx.number, ctx.actor, _field(ctx, "resolution"))


async def _reopen(ctx: ActionContext) -> None:
    await ctx.service.reopen(ctx.number, ctx.actor, _field(ctx, "reason"))


async def _contact(ctx: ActionContext) -> None:
    ctx.contact = await ctx.service.reveal_contact(ctx.number, ctx.actor)


ACTIONS: dict[str, Callable[[ActionContext], Awaitable[None]]] = {
    "take": _take,
    "assign": _assign,
    "reply": _reply,
    "canned": _canned,
    "note": _note,
    "askinfo": _askinfo,
    "transfer": _transfer,
    "extend": _extend,
    "approve": _approve,
    "refuse": _refuse,
    "type": _retype,
    "urgency": _urgency,
    "close": _close,
    "reopen": _reopen,
    "contact": _contact,
}


def _canned_replies(service: TicketService, details: TicketDetails) -> tuple[CannedReply, ...]:
    cfg = service.config.get(details.department.slug)
    return cfg.canned_replies if cfg is not None else ()


def _canned_by_id(service: TicketService, details: TicketDetails, reply_id: str) -> CannedReply:
    for reply in _canned_replies(service, details):
        if reply.id == reply_id:
            return reply
    raise Usage("con-pick_canned")


def _pending_extension(details: TicketDetails) -> dict[str, Any] | None:
    last = [e for e in details.audit if e.kind in EXTENSION_KINDS]
    if last and last[-1].kind == "extension_requested":
        return dict(last[-1].data)
    return None


async def _page(
    request: web.Request,
    session: AsyncSession,
    service: TicketService,
    number: str,
    *,
    status: int = 200,
    error: str | None = None,
    contact: Contact | None = None,
    form: dict[str, str] | None = None,
    failed: str | None = None,
) -> web.Response:
    console = console_of(request)
    lang = lang_of(request)
    actor = user_of(request).actor
    details = await service.details(number, actor)
    ticket = details.ticket
    names = await staff_names_by_user(
        session, [e.actor_id for e in details.audit if e.actor_id is not None]
    )
    assignee = (
        (await staff_names_by_id(session, [ticket.assignee_id])).get(ticket.assignee_id)
        if ticket.assignee_id is not None
        else None
    )
    possible = {str(a) for a in allowed_actions(ticket.status)}
    decides = can_decide_extension(actor, ticket, details.department)
    pending = _pending_extension(details)
    cfg = service.config.get(details.department.slug)
    masked = mask_name(await citizen_name(session, ticket.id or 0)) or t(lang, "label-citizen")
    canned = [
        (r.id, r.title_for(lang), r.render(ticket.lang, name=masked, number=ticket.number))
        for r in _canned_replies(service, details)
    ]
    others = [
        (slug, d.name_for(lang))
        for slug, d in service.config.departments.items()
        if slug != details.department.slug
    ]
    colleagues = (
        [m for m in await staff_in(session, ticket.department_id) if m.id != ticket.assignee_id]
        if decides and Action.ASSIGN in possible
        else []
    )

    def who(event: Any) -> str:
        if event.actor_kind == "citizen":
            return t(lang, "sh-actor-citizen")
        if event.actor_kind == "system" or event.actor_id is None:
            return t(lang, "sh-actor-system")
        return names.get(event.actor_id, f"#{event.actor_id}")

    photos = ticket.details.get("photos") if isinstance(ticket.details, dict) else None
    location = ticket.details.get("location") if isinstance(ticket.details, dict) else None
    return render(
        request,
        "ticket.html",
        status=status,
        d=details,
        ticket=ticket,
        department=console.department_name(details.department, lang),
        assignee=assignee,
        overdue=is_overdue(ticket, console.now()),
        possible=possible,
        decides=decides,
        pending=pending,
        canned=canned,
        others=others,
        colleagues=colleagues,
        types=DEMAND_TYPES,
        photos=len(photos) if isinstance(photos, list) else 0,
        location=location if isinstance(location, dict) else None,
        who=who,
        event_label=lambda kind: event_label(lang, kind),
        unreachable=unreachable,
        error=error,
        done_text=_done_text(request, lang),
        failed=failed,
        contact=contact,
        form=form or {},
        max_days=service.max_extension_days,
        transfer_policy=cfg.transfer_clock if cfg is not None else None,
        csrf=user_of(request).csrf_token,
    )


def _done_text(request: web.Request, lang: str) -> str | None:
    done = request.query.get("done", "") if request.method == "GET" else ""
    key = f"con-done-{done}"
    return t(lang, key) if done in ACTIONS and key in catalogue() else None


def _unavailable(request: web.Request) -> web.Response:
    from handlers.web.console.context import message_page

    return message_page(request, 404, "con-not_found_title", "error-unavailable")


async def ticket_page(request: web.Request) -> web.StreamResponse:
    """``GET /console/tickets/<number>``: 404 for a ticket the viewer may not see (the same
    answer as for one that does not exist)."""
    console = console_of(request)
    number = request.match_info["number"]
    async with console.session() as session:
        service = console.deps.tickets(session)
        try:
            return await _page(request, session, service, number)
        except (NotAllowed, NotFound, ValidationError):
            return _unavailable(request)


def _status_for(exc: TicketError) -> int:
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, NotAllowed):
        return 403
    return 400


async def ticket_action(request: web.Request) -> web.StreamResponse:
    """``POST /console/tickets/<number>/<action>``: do it, commit, 303 back to the ticket
    (the reveal of a contact renders the page at once: the contact is never in a URL)."""
    console = console_of(request)
    lang = lang_of(request)
    number, name = request.match_info["number"], request.match_info["action"]
    action = ACTIONS.get(name)
    if action is None:
        return _unavailable(request)
    form = await read_form(request)
    actor = user_of(request).actor
    error: str | None = None
    status = 200
    async with console.session() as session:
        service = console.deps.tickets(session)
        ctx = ActionContext(session, service, actor, form, number, lang)
        try:
            await action(ctx)
            await session.commit()
        except Usage as exc:
            await session.rollback()
            error, status = t(lang, exc.key, **exc.params), 400
        except TicketError as exc:
            await session.rollback()
            if isinstance(exc, NotAllowed | NotFound) and exc.key == "error-unavailable":
                return _unavailable(request)
            error, status = render_error(exc, lang, console.deps.tz), _status_for(exc)
        if error is None:
            console.wake_outbox()
            log.info("console: %s on %s by %s", name, number, actor.telegram_user_id)
        if error is None and ctx.contact is None:
            location = f"{PREFIX}/tickets/{service_number(number)}?done={name}"
            if name == "transfer" and not actor.is_admin:  # no longer this clerk's ticket
                location = f"{PREFIX}?done=transfer"
            return web.Response(status=303, headers={"Location": location})
        try:
            keep = form if error is not None else None
            return await _page(
                request, session, service, number, status=status, error=error,
                contact=ctx.contact, form=keep, failed=name if error else None,
            )  # fmt: skip
        except (NotAllowed, NotFound, ValidationError):
            return _unavailable(request)


def service_number(number: str) -> str:
    """The ticket's number as it appears in URLs (letters and digits only are kept)."""
    return "".join(ch for ch in number if ch.isalnum() or ch == "-")[:20]


async def photo(request: web.Request) -> web.StreamResponse:
    """``GET /console/tickets/<number>/photos/<i>``: the citizen's photo, fetched from Telegram
    by the service (the browser never sees the bot token or a Telegram URL)."""
    console = console_of(request)
    index = request.match_info["index"]
    async with console.session() as session:
        service = console.deps.tickets(session)
        try:
            details = await service.details(request.match_info["number"], user_of(request).actor)
        except (NotAllowed, NotFound, ValidationError):
            return _unavailable(request)
    photos = details.ticket.details.get("photos") or []
    if not index.isdigit() or int(index) >= len(photos):
        return _unavailable(request)
    if str(photos[int(index)]).startswith("web:"):  # a web chat visitor's: in the database
        async with console.session() as session:
            row = await session.get(WebchatFile, str(photos[int(index)]).removeprefix("web:"))
        if row is None:
            return _unavailable(request)
        return web.Response(
            body=row.data,
            content_type=row.mime,
            headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"},
        )
    if str(photos[int(index)]).startswith("wechat:"):  # a WeChat follower's: from WeChat
        return await _wechat_photo(request, details.ticket.number, str(photos[int(index)]))
    bot = console.runtime.bot
    if bot is None:
        raise web.HTTPServiceUnavailable(text=t(lang_of(request), "con-photo_unavailable"))
    try:
        file = await bot.get_file(str(photos[int(index)]))
        if file.file_path is None or (file.file_size or 0) > MAX_PHOTO:
            raise ValueError("no downloadable file")
        buffer = io.BytesIO()
        await bot.download_file(file.file_path, destination=buffer, timeout=30)
    except Exception as exc:  # Telegram down, file gone: the page still works
        log.warning(
            "photo of %s unavailable: %s: %s", details.ticket.number, type(exc).__name__, exc
        )
        raise web.HTTPBadGateway(text=t(lang_of(request), "con-photo_unavailable")) from None
    kind = mimetypes.guess_type(file.file_path)[0] or "image/jpeg"
    if not kind.startswith("image/"):
        kind = "application/octet-stream"
    return web.Response(
        body=buffer.getvalue(),
        content_type=kind,
        headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )


async def _wechat_photo(request: web.Request, number: str, file_id: str) -> web.StreamResponse:
    """A WeChat follower's photo, fetched by its MediaId (WeChat keeps it three days)."""
    channel = console_of(request).runtime.wechat
    if channel is None:
        raise web.HTTPServiceUnavailable(text=t(lang_of(request), "con-photo_unavailable"))
    try:
        media = await channel.media(file_id.removeprefix("wechat:"))
    except Exception as exc:  # WeChat down, the photo expired: the page still works
        log.warning("photo of %s unavailable: %s: %s", number, type(exc).__name__, exc)
        raise web.HTTPBadGateway(text=t(lang_of(request), "con-photo_unavailable")) from None
    kind = media.content_type if media.content_type.startswith("image/") else "image/jpeg"
    return web.Response(
        body=media.content,
        content_type=kind,
        headers={"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"},
    )
