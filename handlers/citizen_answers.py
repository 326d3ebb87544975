"""The citizen's messages about a ticket: answers to a request for information, follow-ups,
and Telegram replies to the desk's messages about a ticket.

Which ticket a message is for, in this order:

1. a Telegram reply to a message the desk sent about a ticket (a question, a staff reply such
   as the canned "please send the address by replying to this message") goes to that ticket,
   whatever the citizen was doing (a request form in progress stays as it was);
2. after the ticket's "Add information" / "Follow up" button: that ticket;
3. with no step in progress, while a ticket of the citizen waits for their information, the
   next text, photo or document answers it (with several, the one asked last). ``/cancel``
   (or a typed "取消" / "cancel") makes the next messages questions again, until the desk asks
   something new; any command still works as usual.

The message becomes a citizen message on the ticket (photos and documents are kept with it
like the form's), the paused clock runs again, the department is told (the service's
``follow_up``), and the citizen gets a confirmation, not an FAQ answer or a gap report entry.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram import Bot, F
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.deps import Deps
from handlers.filters import Magic
from handlers.outgoing import Outgoing
from locales import t
from tickets.authz import Actor
from tickets.errors import TicketError
from tickets.lifecycle import Status
from tickets.lookups import ticket_id_for_message
from tickets.models import Citizen, Ticket
from tickets.people.citizens import find_citizen
from tickets.queries import InfoRequest, latest_info_request

__all__ = [
    "ANSWER_CONTENT",
    "OpenInfoRequest",
    "ReplyToTicket",
    "answer_message",
    "message_attachments",
    "skip_open_request",
]

ANSWERS_OFF = "answers_off"  # FSM data: requests asked up to this time are not answered
# Text that is not a command, a photo or a document (with or without a caption).
ANSWER_CONTENT = Magic((F.text & ~F.text.startswith("/")) | F.photo | F.document)


def message_attachments(message: Message) -> dict[str, list[str]]:
    """The photo (largest size) or document of a message, as ticket attachments."""
    found: dict[str, list[str]] = {}
    if message.photo:
        found["photos"] = [message.photo[-1].file_id]
    if message.document is not None:
        found["documents"] = [message.document.file_id]
    return found


class ReplyToTicket(Filter):
    """A Telegram reply to a message the desk sent about a ticket: ``{"answer_ticket": id}``."""

    async def __call__(self, message: Message, bot: Bot, session: AsyncSession) -> Any:
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != bot.id:
            return False
        ticket_id = await ticket_id_for_message(session, message.chat.id, replied.message_id)
        return {"answer_ticket": ticket_id} if ticket_id is not None else False


class OpenInfoRequest(Filter):
    """No step in progress (or only ``yields`` older than the request) and a ticket of the
    citizen waiting for their information: ``{"answer_ticket": id}``."""

    def __init__(self, yields: tuple[str, ...] = ()) -> None:
        self.yields = yields

    async def __call__(
        self,
        message: Message,
        session: AsyncSession,
        state: FSMContext,
        raw_state: str | None = None,
        citizen: Citizen | None = None,
    ) -> Any:
        if citizen is None or citizen.id is None:
            return False
        if raw_state is not None and raw_state not in self.yields:
            return False
        request = await latest_info_request(session, citizen.id)
        if request is None:
            return False
        data = await state.get_data()
        if _at_or_before(request.asked_at, data.get(ANSWERS_OFF)):
            return False
        if raw_state is not None and _at_or_before(request.asked_at, data.get("since")):
            return False  # the step began after the question: the message is for the step
        return {"answer_ticket": request.ticket_id}


def _at_or_before(when: datetime, mark: Any) -> bool:
    if not isinstance(mark, str):
        return False
    try:
        return when <= datetime.fromisoformat(mark)
    except ValueError:
        return False


async def skip_open_request(
    state: FSMContext, session: AsyncSession, citizen: Citizen | None
) -> InfoRequest | None:
    """``/cancel`` with no step in progress: stop taking messages as the answer to the open
    request (until the desk asks again). Returns the request skipped, if there was one."""
    if citizen is None or citizen.id is None:
        return None
    request = await latest_info_request(session, citizen.id)
    if request is None:
        return None
    data = await state.get_data()
    if _at_or_before(request.asked_at, data.get(ANSWERS_OFF)):
        return None
    await state.update_data({ANSWERS_OFF: request.asked_at.isoformat()})
    return request


async def answer_message(
    message: Message,
    ticket_id: int,
    outgoing: Outgoing,
    lang: str,
    deps: Deps,
    session: AsyncSession,
) -> None:
    """Add the message (text, or a photo / document with its caption) to ``ticket_id``."""
    if message.from_user is None:
        return
    before = await session.get(Ticket, ticket_id)
    waiting = before is not None and before.status == Status.WAITING_CITIZEN
    attachments = message_attachments(message)
    text = message.text or message.caption or ""
    try:
        ticket = await deps.tickets(session).follow_up(
            ticket_id,
            Actor.for_citizen(await find_citizen(session, "telegram", message.from_user.id)),
            text,
            attachments=attachments,
        )
    except TicketError as exc:
        await outgoing.send_message(message.chat.id, exc.render(lang))
        return
    count = sum(len(ids) for ids in attachments.values())
    extra = t(lang, "tk-with_attachments", count=count) if count else ""
    if waiting:
        body = t(lang, "tk-answer_added", number=ticket.number, attachments=extra)
    else:
        body = t(lang, "citizen-followup_received", number=ticket.number) + extra
    await outgoing.send_message(message.chat.id, body)
