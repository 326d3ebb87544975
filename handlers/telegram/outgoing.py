"""Queue Bot API calls into the transactional outbox from a handler.

Handlers never call the Bot API while an update is being processed: they receive an
:class:`Outgoing` (handler argument ``outgoing``) bound to the update's database session and
queue what should be sent, through the one outbox writer (:func:`handlers.notify.outbox.write`,
which also counts the rows for the sender's wake-up); the outbox sender delivers it after the
transaction commits.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import (
    ForceReply,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.notify.outbox import write

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply
MESSAGE_LIMIT = 4096  # Telegram's limit, in UTF-16 code units


def markup_payload(markup: Markup | dict[str, Any] | None) -> dict[str, Any] | None:
    """An aiogram keyboard as the JSON object the Bot API expects."""
    if markup is None or isinstance(markup, dict):
        return markup
    return markup.model_dump(mode="json", exclude_none=True, by_alias=True)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut ``text`` into messages within Telegram's limit, preferring line breaks.

    Never splits a character (surrogate pairs stay whole); a ZWJ emoji sequence may be cut
    only when one line is longer than the limit.
    """
    if _utf16_len(text) <= limit:
        return [text]
    parts: list[str] = []
    rest = text
    while _utf16_len(rest) > limit:
        # Longest prefix within the limit, counting UTF-16 code units.
        units = 0
        end = 0
        for end, ch in enumerate(rest):  # noqa: B007 - end is used after the loop
            units += 2 if ord(ch) > 0xFFFF else 1
            if units > limit:
                break
        cut = rest.rfind("\n", 0, end)
        if cut <= 0:
            cut = rest.rfind(" ", 0, end)
        if cut <= 0:
            cut = end
        parts.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    if rest:
        parts.append(rest)
    return parts


def clean_text(text: str) -> str:
    """Telegram rejects NUL characters; PostgreSQL cannot store them in JSON either."""
    return text.replace("\x00", "")


def chat_of(update: Update) -> int | None:
    """Where to write back about this update: the private chat, or the querying user."""
    message = (
        update.message
        or update.edited_message
        or (update.callback_query.message if update.callback_query else None)
    )
    if message is not None:
        return message.chat.id if message.chat.type == "private" else None
    for query in (update.pre_checkout_query, update.shipping_query, update.inline_query):
        if query is not None:
            return query.from_user.id
    return None


class Outgoing:
    """The outbox of one update's transaction.

    ``about``: the citizen whose personal data this update's messages may show (set when a
    staff view loads a ticket); every message queued after that is tagged with them, so their
    erasure deletes it (see :mod:`tickets.erasure`)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.queued = 0
        self.about: int | None = None

    async def call(
        self,
        method: str,
        chat_id: int,
        payload: dict[str, Any],
        *,
        ref: str | None = None,
        dedupe_key: str | None = None,
        citizen_id: int | None = None,
        transient: bool = False,
    ) -> None:
        """Queue any Bot API call (``chat_id`` orders and rate-limits the delivery);
        ``transient``: deleted once delivered or failed (see :func:`tickets.outbox.enqueue`)."""
        await write(
            self.session,
            chat_id,
            method,
            payload,
            ref=ref,
            dedupe_key=dedupe_key,
            citizen_id=citizen_id if citizen_id is not None else self.about,
            transient=transient,
        )
        self.queued += 1

    async def send_message(
        self,
        chat_id: int,
        text: str,
        *,
        reply_markup: Markup | dict[str, Any] | None = None,
        parse_mode: str | None = None,
        reply_to_message_id: int | None = None,
        disable_web_page_preview: bool | None = None,
        ref: str | None = None,
        dedupe_key: str | None = None,
        citizen_id: int | None = None,
        transient: bool = False,
    ) -> None:
        """Queue ``sendMessage``; long texts become several messages (markup on the last)."""
        chunks = split_text(clean_text(text)) or [""]
        for index, chunk in enumerate(chunks):
            last = index == len(chunks) - 1
            payload: dict[str, Any] = {"chat_id": chat_id, "text": chunk}
            if parse_mode:
                payload["parse_mode"] = parse_mode
            if disable_web_page_preview is not None:
                payload["link_preview_options"] = {"is_disabled": disable_web_page_preview}
            if reply_to_message_id is not None and index == 0:
                payload["reply_parameters"] = {
                    "message_id": reply_to_message_id,
                    "allow_sending_without_reply": True,
                }
            if last and reply_markup is not None:
                payload["reply_markup"] = markup_payload(reply_markup)
            key = dedupe_key if dedupe_key is None or last else f"{dedupe_key}#{index}"
            await self.call(
                "sendMessage",
                chat_id,
                payload,
                ref=ref if last else None,
                dedupe_key=key,
                citizen_id=citizen_id,
                transient=transient,
            )


async def reply(
    outgoing: Outgoing,
    chat_id: int,
    text: str,
    reply_markup: Markup | dict[str, Any] | None = None,
    **options: Any,
) -> None:
    """Shortcut: queue a text message to ``chat_id``."""
    await outgoing.send_message(chat_id, text, reply_markup=reply_markup, **options)
