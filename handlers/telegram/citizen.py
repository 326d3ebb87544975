"""The citizen conversation on Telegram: a thin adapter over :mod:`handlers.dialogue`.

A private chat's message or button press becomes an :class:`~handlers.dialogue.model.Inbound`;
the conversation's state is read from and written to aiogram's FSM (the database by default,
Redis when configured, in the update's transaction); the dialogue's replies are rendered as Bot
API messages (inline keyboards whose ``callback_data`` is the action's id, Telegram's contact
button for "share my phone", a quote of the citizen's message) and queued in the outbox.
Group chats belong to the staff router; payment notices to the basic router.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.fsm.context import FSMContext
from aiogram.types import (
    CallbackQuery,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.dialogue import Dialogue, FloodGuard
from handlers.dialogue.model import Ack, Inbound, Outcome, Person, Reply, render
from handlers.dialogue.state import Conversation
from handlers.telegram.citizen_commands import queue_command_menus
from handlers.telegram.filters import Magic
from handlers.telegram.outgoing import Outgoing
from locales import t
from tickets.lookups import ticket_id_for_message
from tickets.people.citizens import telegram_identity

__all__ = ["create_router", "inbound_of"]


def _person(user: Any, chat_id: int) -> Person:
    return Person(
        telegram_identity(user.id, chat_id),
        first_name=user.first_name,
        last_name=user.last_name,
        language_code=user.language_code,
    )


async def inbound_of(message: Message, bot: Bot, session: AsyncSession) -> Inbound | None:
    """What the citizen sent, as the dialogue reads it (None: not the conversation's)."""
    if message.successful_payment or message.refunded_payment or message.new_chat_members:
        return None
    reply_to_ticket = None
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot.id:
        reply_to_ticket = await ticket_id_for_message(session, message.chat.id, replied.message_id)
    common: dict[str, Any] = {
        "key": message.message_id,
        "reply_to_ticket": reply_to_ticket,
        "album": message.media_group_id,
    }
    text = message.text
    if text:  # an empty text (NULs stripped) is no question: it gets the "text please" hint
        if text.startswith("/"):
            head, _, args = text.partition(" ")
            name, _, mention = head[1:].partition("@")
            if mention and bot_username(bot) and mention.lower() != bot_username(bot):
                return Inbound("command", text=args, command="", **common)
            return Inbound("command", text=args.strip(), command=name.lower(), **common)
        return Inbound("text", text=text, **common)
    caption = message.caption or ""
    if message.photo:
        return Inbound("photo", text=caption, files=(message.photo[-1].file_id,), **common)
    if message.document is not None:
        return Inbound("document", text=caption, files=(message.document.file_id,), **common)
    if message.location is not None:
        where = (message.location.latitude, message.location.longitude)
        return Inbound("location", location=where, **common)
    if message.contact is not None:
        user = message.from_user
        own = message.contact.user_id is None or (
            user is not None and message.contact.user_id == user.id
        )
        return Inbound("contact", phone=message.contact.phone_number, own_phone=own, **common)
    return Inbound("other", **common)


def bot_username(bot: Bot) -> str | None:
    """The bot's username when aiogram already knows it (commands for another bot are not
    ours); unknown: every command is taken."""
    me = getattr(bot, "_me", None)
    name = getattr(me, "username", None)
    return name.lower() if isinstance(name, str) else None


async def _load(state: FSMContext) -> tuple[Conversation, tuple[str | None, dict[str, Any]]]:
    raw = (await state.get_state(), await state.get_data())
    return Conversation.load(*raw), raw


async def _store(state: FSMContext, conversation: Conversation, before: tuple[Any, Any]) -> None:
    dumped = conversation.dump()
    if dumped == before:
        return  # unchanged: no write (the hot path of a question asked twice)
    step, data = dumped
    if step is None and not data:
        await state.clear()
        return
    await state.set_state(step)
    await state.set_data(data)


def _markup(reply: Reply, lang: str) -> Any:
    if reply.ask_contact:
        return ReplyKeyboardMarkup(
            keyboard=[
                [KeyboardButton(text=t(lang, "btn-send_contact"), request_contact=True)],
                [KeyboardButton(text=t(lang, "btn-no_phone"))],
            ],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    if reply.actions:
        return {
            "inline_keyboard": [
                [{"text": render(a.label, lang), "callback_data": a.id} for a in row]
                for row in reply.actions
            ]
        }
    if reply.clear_keyboard:
        return ReplyKeyboardRemove()
    return None


async def _send(outgoing: Outgoing, chat_id: int, outcome: Outcome, quote: int | None) -> None:
    lang = outcome.lang
    for reply in outcome.replies:
        await outgoing.send_message(
            chat_id,
            render(reply.text, lang),
            reply_markup=_markup(reply, lang),
            reply_to_message_id=quote if reply.quote else None,
            transient=reply.transient,
        )


async def _answer(outgoing: Outgoing, query: CallbackQuery, ack: Ack | None, lang: str) -> None:
    payload: dict[str, Any] = {"callback_query_id": query.id}
    if ack is not None and ack.text is not None:
        text = render(ack.text, lang)
        if text:
            payload["text"] = text[:200]
            if ack.alert:
                payload["show_alert"] = True
    transient = ack.transient if ack is not None else False
    await outgoing.call("answerCallbackQuery", query.from_user.id, payload, transient=transient)
    if ack is not None and ack.strip:
        await _strip(outgoing, query, ack.strip)


async def _strip(outgoing: Outgoing, query: CallbackQuery, prefix: str) -> None:
    """Take the buttons whose data starts with ``prefix`` off the message pressed."""
    message = query.message
    markup = getattr(message, "reply_markup", None)
    if message is None or markup is None:
        return
    rows = [
        [b.model_dump(mode="json", exclude_none=True) for b in row]
        for row in markup.inline_keyboard
    ]
    kept = [
        [b for b in row if not str(b.get("callback_data", "")).startswith(prefix)] for row in rows
    ]
    kept = [row for row in kept if row]
    if kept != rows:
        await outgoing.call(
            "editMessageReplyMarkup",
            message.chat.id,
            {"message_id": message.message_id, "reply_markup": {"inline_keyboard": kept}},
        )


def create_router(flood: FloodGuard | None = None) -> Router:
    """The citizen router (private chats); ``flood`` defaults to a fresh guard."""
    dialogue = Dialogue(flood)
    router = Router(name="citizen")

    async def on_message(
        message: Message,
        bot: Bot,
        state: FSMContext,
        outgoing: Outgoing,
        deps: Deps,
        session: AsyncSession,
    ) -> Any:
        user = message.from_user
        if user is None:
            return UNHANDLED
        inbound = await inbound_of(message, bot, session)
        if inbound is None:
            return UNHANDLED
        if inbound.kind == "command" and inbound.command == "start":
            await queue_command_menus(session, now=deps.clock.now())
        conversation, before = await _load(state)
        person = _person(user, message.chat.id)
        outcome, conversation = await dialogue.handle(session, deps, person, conversation, inbound)
        if not outcome.handled:
            return UNHANDLED
        await _store(state, conversation, before)
        await _send(outgoing, message.chat.id, outcome, message.message_id)
        return None

    async def on_press(
        query: CallbackQuery,
        state: FSMContext,
        outgoing: Outgoing,
        deps: Deps,
        session: AsyncSession,
    ) -> Any:
        chat_id = query.message.chat.id if query.message else query.from_user.id
        conversation, before = await _load(state)
        person = _person(query.from_user, chat_id)
        inbound = Inbound("press", action=query.data or "")
        outcome, conversation = await dialogue.handle(session, deps, person, conversation, inbound)
        if not outcome.handled:
            return UNHANDLED
        await _store(state, conversation, before)
        await _answer(outgoing, query, outcome.ack, outcome.lang)
        await _send(outgoing, chat_id, outcome, None)
        return None

    router.message.register(on_message, Magic(F.chat.type == "private"))
    router.callback_query.register(
        on_press,
        Magic(F.data & ((F.message == None) | (F.message.chat.type == "private"))),  # noqa: E711
    )
    return router
