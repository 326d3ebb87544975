"""The basic private conversation until the citizen dialogue lands.

``/start`` greets; a text gets the FAQ answer when the knowledge base is sure, otherwise an
acknowledgement; media gets a "please send text"; an edit gets a note that edits are not read;
payment queries are declined. Group chats are ignored silently. Everything goes through the
outbox (the ``outgoing`` argument), in the sender's language (``lang``).
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram import F, Router
from aiogram.filters import CommandStart
from aiogram.types import Message, PreCheckoutQuery, ShippingQuery

from handlers.outgoing import Outgoing
from handlers.texts import Lang, text_for

log = logging.getLogger(__name__)


async def start(message: Message, outgoing: Outgoing, lang: Lang) -> None:
    await outgoing.send_message(message.chat.id, text_for("welcome", lang))


async def text_message(
    message: Message, outgoing: Outgoing, lang: Lang, faq_holder: Any = None
) -> None:
    answer = _faq_answer(faq_holder, message.text or "", lang)
    if answer is not None:
        body = f"{answer}\n\n{text_for('faq_footer', lang)}"
        await outgoing.send_message(message.chat.id, body, reply_to_message_id=message.message_id)
        return
    await outgoing.send_message(message.chat.id, text_for("received", lang))


async def payment_service_message(message: Message) -> None:
    """A payment notice (we sell nothing): deliberately silent, just logged."""
    log.info("ignoring a payment service message in chat %s", message.chat.id)


async def other_message(message: Message, outgoing: Outgoing, lang: Lang) -> None:
    """Photos, stickers, voice, documents, locations, games, invoices...: ask for text."""
    await outgoing.send_message(message.chat.id, text_for("text_only", lang))


async def edited_message(message: Message, outgoing: Outgoing, lang: Lang) -> None:
    await outgoing.send_message(
        message.chat.id, text_for("edited", lang), reply_to_message_id=message.message_id
    )


async def pre_checkout(query: PreCheckoutQuery, outgoing: Outgoing, lang: Lang) -> None:
    await outgoing.call(
        "answerPreCheckoutQuery",
        query.from_user.id,
        {
            "pre_checkout_query_id": query.id,
            "ok": False,
            "error_message": text_for("no_payments", lang),
        },
    )


async def shipping(query: ShippingQuery, outgoing: Outgoing, lang: Lang) -> None:
    await outgoing.call(
        "answerShippingQuery",
        query.from_user.id,
        {
            "shipping_query_id": query.id,
            "ok": False,
            "error_message": text_for("no_payments", lang),
        },
    )


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only). Order matters."""
    router = Router(name="basic")
    router.message.filter(F.chat.type == "private")
    router.edited_message.filter(F.chat.type == "private")
    router.message.register(start, CommandStart())
    router.message.register(text_message, F.text)
    router.message.register(payment_service_message, F.successful_payment | F.refunded_payment)
    router.message.register(other_message)
    router.edited_message.register(edited_message)
    router.pre_checkout_query.register(pre_checkout)
    router.shipping_query.register(shipping)
    return router


def _faq_answer(holder: Any, text: str, lang: Lang) -> str | None:
    """The FAQ answer when the knowledge base decides ``answer``; None otherwise."""
    kb = getattr(holder, "current", None)
    if kb is None or not text.strip():
        return None
    result = kb.match(text, lang)
    if result.decision != "answer" or result.entry_id is None:
        return None
    return str(kb.get(result.entry_id).answer_for(lang))
