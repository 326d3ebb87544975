"""What is left after the staff and citizen routers: other update kinds, private chats only.

Edits of sent messages get a note that edits are not read; payment notices are silently
logged and payment queries declined (the desk sells nothing); any private message no router
took gets a "please write text" hint; a button no router knows (an old message's, forged
data) is answered "no longer valid", so the client stops its spinner. Group messages are left
alone here (a department's staff chat is the staff router's). The citizen conversation itself
is :mod:`handlers.dialogue` (on Telegram :mod:`handlers.telegram.citizen`). Everything goes
through the outbox (``outgoing``), in the sender's language (``lang``).
"""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message, PreCheckoutQuery, ShippingQuery

from handlers.telegram.filters import Magic
from handlers.telegram.outgoing import Outgoing
from handlers.telegram.texts import Lang
from locales import t

log = logging.getLogger(__name__)


async def payment_service_message(message: Message) -> None:
    """A payment notice (we sell nothing): deliberately silent, just logged."""
    log.info("ignoring a payment service message in chat %s", message.chat.id)


async def other_message(message: Message, outgoing: Outgoing, lang: Lang) -> None:
    """Photos, stickers, voice, documents, locations, games, invoices...: ask for text."""
    await outgoing.send_message(message.chat.id, t(lang, "text_only"))


async def edited_message(message: Message, outgoing: Outgoing, lang: Lang) -> None:
    await outgoing.send_message(
        message.chat.id, t(lang, "edited"), reply_to_message_id=message.message_id
    )


async def stale_button(query: CallbackQuery, outgoing: Outgoing, lang: Lang) -> None:
    payload = {"callback_query_id": query.id, "text": t(lang, "stale")}
    await outgoing.call("answerCallbackQuery", query.from_user.id, payload, transient=True)


async def pre_checkout(query: PreCheckoutQuery, outgoing: Outgoing, lang: Lang) -> None:
    await outgoing.call(
        "answerPreCheckoutQuery",
        query.from_user.id,
        {
            "pre_checkout_query_id": query.id,
            "ok": False,
            "error_message": t(lang, "no_payments"),
        },
    )


async def shipping(query: ShippingQuery, outgoing: Outgoing, lang: Lang) -> None:
    await outgoing.call(
        "answerShippingQuery",
        query.from_user.id,
        {
            "shipping_query_id": query.id,
            "ok": False,
            "error_message": t(lang, "no_payments"),
        },
    )


def create_router() -> Router:
    """A fresh router (a router can belong to one dispatcher only). Order matters."""
    router = Router(name="basic")
    router.message.filter(Magic(F.chat.type == "private"))
    router.edited_message.filter(Magic(F.chat.type == "private"))
    router.message.register(
        payment_service_message, Magic(F.successful_payment | F.refunded_payment)
    )
    router.message.register(other_message)
    router.edited_message.register(edited_message)
    router.callback_query.register(stale_button)
    router.pre_checkout_query.register(pre_checkout)
    router.shipping_query.register(shipping)
    return router
