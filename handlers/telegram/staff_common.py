"""What every staff command and button shares: who is acting, where to answer, and the
uniform handling of bad input and refusals (usage or reason in the user's language, never a
traceback, never silence).

Where staff commands and buttons work: a private chat with the bot, or the staff chat of the
actor's department (administrators: any department's staff chat). In a department's staff
chat the actor is narrowed to that department (``Actor.audience_department_id``): its members
read every answer, so only its tickets are shown or acted on, for administrators too. In any
other group nothing is shown and nothing is done: everyone (staff or not) gets the same short
refusal, which tells a clerk where to go and tells the group nothing — not whether the sender
is staff, not whether a ticket exists.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from aiogram.filters import CommandObject
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.errors import render_error
from handlers.telegram.outgoing import Outgoing
from locales import t
from tickets.attachments import Attachment
from tickets.authz import Actor, actor_for
from tickets.errors import TicketError
from tickets.people.directory import department_for_chat
from tickets.people.staff import get_active_staff
from tickets.queries import TicketDetails
from tickets.service import TicketService

__all__ = [
    "CALLBACK_TEXT_MAX",
    "StaffContext",
    "StaffFlow",
    "Usage",
    "check_chat",
    "has_text_or_media",
    "message_media",
    "split_args",
    "staff_button",
    "staff_command",
]

log = logging.getLogger(__name__)
CALLBACK_TEXT_MAX = 200  # Telegram's limit for answerCallbackQuery texts
GROUP_TYPES = ("group", "supergroup")


class StaffFlow(StatesGroup):
    """Multi-step staff actions: the text of a reply, the reason of a transfer."""

    reply_text = State()
    transfer_reason = State()
    announce_text = State()  # /announce: the text (or photo) of the draft
    announce_confirm = State()  # the preview was shown: send, urgent, schedule or cancel
    announce_at = State()  # the scheduled time of the draft


class Usage(Exception):
    """Bad input: answer with the text of ``key`` (the command's usage by default)."""

    def __init__(self, key: str | None = None, **params: Any) -> None:
        super().__init__(key or "usage")
        self.key = key
        self.params = params


@dataclass
class StaffContext:
    """One staff interaction: the actor, the update's transaction, where to answer."""

    session: AsyncSession
    outgoing: Outgoing
    lang: str
    deps: Deps
    actor: Actor
    state: FSMContext | None
    chat_id: int
    chat_type: str
    user_id: int
    message_id: int | None = None  # the user's message (commands) to answer to in groups
    query: CallbackQuery | None = None
    text: str = ""  # the incoming message's text (prompts complete with it)
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. the ticket a reply points at
    attachments: list[Attachment] = field(default_factory=list)  # the message's photo/document
    unsupported_media: str | None = None  # e.g. "video": a file staff cannot forward
    toast_text: str | None = None
    toast_alert: bool = False
    _service: TicketService | None = field(default=None, repr=False)

    @property
    def service(self) -> TicketService:
        if self._service is None:
            self._service = self.deps.tickets(self.session)
        return self._service

    @property
    def in_group(self) -> bool:
        return self.chat_type in GROUP_TYPES

    def t(self, key: str, **params: Any) -> str:
        return t(self.lang, key, **params)

    async def details(self, ref: int | str) -> TicketDetails:
        """The ticket as this actor may see it; the answers of this interaction are tagged
        with its citizen (they may show the masked identity), so an erasure deletes them."""
        details = await self.service.details(ref, self.actor)
        if details.ticket.citizen_id is not None:
            self.outgoing.about = details.ticket.citizen_id
        return details

    async def say(self, text: str, markup: dict[str, Any] | None = None) -> None:
        """Answer in the chat of the interaction (as a reply to the command in groups)."""
        reply_to = self.message_id if self.in_group else None
        await self.outgoing.send_message(
            self.chat_id, text, reply_markup=markup, reply_to_message_id=reply_to
        )

    def toast(self, text: str, *, alert: bool = False) -> None:
        """The answer to a button press (shown by the user's Telegram client)."""
        self.toast_text = text
        self.toast_alert = alert

    async def answer_query(self) -> None:
        if self.query is None:
            return
        payload: dict[str, Any] = {"callback_query_id": self.query.id}
        if self.toast_text:
            payload["text"] = self.toast_text[:CALLBACK_TEXT_MAX]
            if self.toast_alert:
                payload["show_alert"] = True
        await self.outgoing.call("answerCallbackQuery", self.user_id, payload)
        self.query = None


# Media a staff message may carry that cannot be passed on to a citizen (only photos and
# documents can). Animations are checked before documents: Telegram sets both for a GIF.
UNSUPPORTED_MEDIA = (
    "animation",
    "video",
    "video_note",
    "voice",
    "audio",
    "sticker",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
)


def message_media(message: Message) -> tuple[list[Attachment], str | None]:
    """The photo or document of ``message`` as attachments, and the kind of any other media."""
    for kind in UNSUPPORTED_MEDIA:
        if getattr(message, kind, None) is not None:
            return [], kind
    if message.photo:
        return [Attachment("photo", message.photo[-1].file_id)], None  # the largest size
    if message.document is not None:
        return [Attachment("document", message.document.file_id)], None
    return [], None


async def has_text_or_media(message: Message) -> bool:
    """A prompt's answer: text, or a photo/document/other media (not a command)."""
    if (message.text or message.caption or "").startswith("/"):
        return False
    media, other = message_media(message)
    return bool(message.text) or bool(media) or other is not None


async def check_chat(ctx: StaffContext) -> str | None:
    """May staff commands answer in this chat? ``None`` if so (in a department's staff chat
    ``ctx.actor`` is narrowed to that department); otherwise the key of the refusal."""
    if ctx.chat_type == "private":
        return None if ctx.actor.is_staff else "error-not_allowed"
    dept = await department_for_chat(ctx.session, ctx.chat_id)
    if dept is None:
        return "sh-wrong_chat"  # an unrelated group: the same answer for everyone
    if not ctx.actor.is_staff:
        return "error-not_allowed"
    if not ctx.actor.is_admin and ctx.actor.department_id != dept.id:
        return "sh-wrong_chat"  # another department's chat
    ctx.actor = replace(ctx.actor, audience_department_id=dept.id)
    return None


def split_args(command: CommandObject | None, count: int) -> list[str]:
    """The command's arguments split on whitespace into at most ``count`` parts (the last
    part keeps the rest of the text, line breaks included)."""
    text = (command.args if command is not None else None) or ""
    return text.strip().split(maxsplit=count - 1) if text.strip() else []


async def _actor(session: AsyncSession, deps: Deps, user_id: int) -> Actor:
    return await actor_for(session, user_id, deps.admin_ids)


def _lang(actor: Actor, data: dict[str, Any]) -> str:
    """The language to answer a staff member in: their own choice (``/language``, set from
    their Telegram language when they joined), else their Telegram language."""
    own = actor.staff.language if actor.staff is not None and actor.staff.active else None
    return own or data.get("lang") or "zh"


async def is_active_staff(message: Message, session: AsyncSession) -> bool:
    """A filter: the sender is active staff (with a staff record, administrators too)."""
    if message.from_user is None:
        return False
    return await get_active_staff(session, message.from_user.id) is not None


Handler = Callable[..., Awaitable[None]]


def staff_command(
    usage_key: str, *, admin: bool = False, attachments: bool = False
) -> Callable[[Callable[[StaffContext, CommandObject | None], Awaitable[None]]], Handler]:
    """Wrap a command: only (active) staff, or only administrators, get through; bad input
    answers with ``usage_key`` or the reason; domain errors with their text. A photo or
    document is accepted only by commands with ``attachments`` (replies): elsewhere, or any
    other media, is refused before anything happens, so no file is silently dropped."""

    def wrap(fn: Callable[[StaffContext, CommandObject | None], Awaitable[None]]) -> Handler:
        async def handler(message: Message, **data: Any) -> None:
            if message.from_user is None:
                return
            deps: Deps = data["deps"]
            session: AsyncSession = data["session"]
            actor = await _actor(session, deps, message.from_user.id)
            ctx = StaffContext(
                session=session,
                outgoing=data["outgoing"],
                lang=_lang(actor, data),
                deps=deps,
                actor=actor,
                state=data.get("state"),
                chat_id=message.chat.id,
                chat_type=message.chat.type,
                user_id=message.from_user.id,
                message_id=message.message_id,
                text=message.text or message.caption or "",
                extra=dict(data.get("staff_extra") or {}),
            )
            ctx.attachments, ctx.unsupported_media = message_media(message)
            refusal = await check_chat(ctx)
            if refusal is None and ctx.unsupported_media is not None:
                refusal = "sh-attachment_unsupported"
            elif refusal is None and ctx.attachments and not attachments:
                refusal = "sh-attachments_reply_only"
            if refusal is not None:
                await ctx.say(ctx.t(refusal))
                return
            if admin and not ctx.actor.is_admin:
                await ctx.say(ctx.t("sh-admin_only"))
                return
            await run(ctx, fn(ctx, data.get("command")), usage_key)

        # aiogram must see (message, **data), not fn's signature: no functools.wraps.
        handler.__name__ = fn.__name__
        handler.__doc__ = fn.__doc__
        return handler

    return wrap


def staff_button(
    fn: Callable[[StaffContext, list[str]], Awaitable[None]],
) -> Handler:
    """Wrap a button: the press is always answered (toast), refusals say why."""

    async def handler(query: CallbackQuery, callback_args: list[str], **data: Any) -> None:
        deps: Deps = data["deps"]
        session: AsyncSession = data["session"]
        message = query.message
        chat_id = message.chat.id if message is not None else query.from_user.id
        chat_type = message.chat.type if message is not None else "private"
        actor = await _actor(session, deps, query.from_user.id)
        ctx = StaffContext(
            session=session,
            outgoing=data["outgoing"],
            lang=_lang(actor, data),
            deps=deps,
            actor=actor,
            state=data.get("state"),
            chat_id=chat_id,
            chat_type=chat_type,
            user_id=query.from_user.id,
            message_id=message.message_id if message is not None else None,
            query=query,
        )
        refusal = await check_chat(ctx)
        if refusal is not None:
            ctx.toast(ctx.t(refusal), alert=True)
        else:
            await run(ctx, fn(ctx, callback_args), "sh-stale_button", toast=True)
        await ctx.answer_query()

    handler.__name__ = fn.__name__
    handler.__doc__ = fn.__doc__
    return handler


async def run(
    ctx: StaffContext, action: Awaitable[None], usage_key: str, *, toast: bool = False
) -> None:
    """Run ``action``; turn bad input and domain refusals into an answer."""
    try:
        await action
    except Usage as exc:
        text = ctx.t(exc.key or usage_key, **exc.params)
    except TicketError as exc:
        text = render_error(exc, ctx.lang, ctx.deps.tz)
    else:
        return
    if toast:
        ctx.toast(text, alert=True)
    else:
        await ctx.say(text)
