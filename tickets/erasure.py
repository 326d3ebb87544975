"""Personal data: what is stored, what erasure removes, what is kept and why.

A citizen's personal data is their Telegram user id and private chat id (the same number in a
private chat), the name Telegram shows, a phone number they chose to share, their language, and
whatever they type. :func:`erase_citizen` (``/deleteme``) removes it from every table, table by
table (:data:`PERSONAL_DATA` says the same, one line per table, and a test checks that every
table of the schema is listed there):

``outbox``
    Deleted, whatever their status: every row addressed to the citizen's chat (replies, the
    welcome with their name, the ``/mydata`` answer, form summaries, button answers) and every
    row tagged with them (``citizen_id``: a ticket's posts to staff with the masked identity,
    the staff's ``/ticket`` views, the ``/contact`` reveal). Pending ones too: the person asked to
    be forgotten, and the ticket itself stays in the department's queue. The confirmation of the
    erasure is queued afterwards as a *transient* row holding only the chat address and a text
    naming nobody; the sender deletes it once delivered or failed for good.
``ticket_message``
    Rows for the citizen's chat deleted (they tied the chat to the ticket). Rows for staff chats
    stay: a staff chat and a message id say nothing about the person.
``ticket``
    Kept (a city keeps its case files, and statistics count them) with no link to the person:
    ``citizen_id`` cleared; in the text and the rating comment, phone and ID numbers and the
    person's name and phone (however written) become ``***``; a shared contact is removed from
    the details. Photos and location stay: they show the case (a pothole), not the person.
``ticket_event``
    Kept (the audit trail), scrubbed the same way in every text of every event, staff replies
    included (a canned reply fills in the name); no event keeps the citizen's Telegram id as its
    actor. A ``contact_revealed`` event stays: that a reveal happened is audit, and it never
    held the revealed value. A ``citizen_erased`` event is added.
``unanswered_question``
    The gap report keeps the question (an anonymous "what people ask"); phone and ID numbers are
    never stored in it (:func:`tickets.gaps.record_unanswered`). Questions that can be tied to
    the person, because they became one of their tickets or are among the recent questions of
    their conversation, are scrubbed of the name and phone too. The ticket link stays: it points
    to a ticket that no longer points to anyone, and the report counts questions that became
    tickets.
``citizen_identity``
    Deleted: the citizen's id and address on every channel (Telegram user and chat, web
    visitor, WeChat openid). Their outbox rows on every channel went with the first step.
``citizen``
    Kept as an empty tombstone: the name, phone, e-mail, consent time and language are cleared
    and ``erased_at`` is set. Nothing links to it any more; writing again creates a new citizen.
``conversation_state``
    The person's stored conversations (form drafts, recent questions) are deleted: their key is
    the chat and the user id. With Redis the handler clears the aiogram FSM of the chat. The
    other channels keep a person's conversation under ``<channel>:<external id>``: deleted too.
``wechat_follower``
    Deleted: the WeChat openid with its follow state, last interaction time and the numbered
    options last shown.
``webchat_visitor`` / ``webchat_event``
    Deleted: the web chat visitor (the id in their cookie) and every event of their stream
    (the desk's answers, staff replies and their own messages as echoed back).
``webchat_file``
    Kept like a Telegram photo (it shows the case, and names nobody: no visitor id).
``subscription``, ``announcement_delivery``
    Deleted: the announcement topics the citizen followed, and which announcements reached
    them (their queued announcement messages went with the outbox step). The announcements
    themselves hold no citizen data (text, topic, staff author, counts).

Other tables hold no citizen data: departments, staff and their invites (staff are not
citizens), ticket numbering, processed update ids (id, kind, time), scheduler alerts and marks.

Retention: sent and failed outbox rows are deleted ``OUTBOX_RETENTION_DAYS`` (30) days after
their last attempt (:func:`tickets.outbox.prune`, run by the scheduler), since their payloads
copy personal data. The rest is kept until the citizen erases it.

Other modules that store something about a citizen add a step with :func:`register_eraser`; it
runs in the same transaction, after the built-in steps and before the citizen row is emptied.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.conversations import delete_conversation_state
from tickets.models import (
    AnnouncementDelivery,
    Citizen,
    CitizenIdentity,
    ConversationState,
    Outbox,
    RouteLesson,
    Subscription,
    Ticket,
    TicketEvent,
    TicketMessage,
    UnansweredQuestion,
    WebchatEvent,
    WebchatVisitor,
    WeChatFollower,
)
from tickets.privacy import scrub_text

__all__ = [
    "PERSONAL_DATA",
    "Eraser",
    "Subject",
    "erase_citizen",
    "erasers",
    "register_eraser",
]

PERSONAL_DATA: dict[str, str] = {
    "citizen": "name, phone, e-mail, consent, language cleared; an empty tombstone stays",
    "outbox": "rows to the citizen's chat or tagged with them deleted; the rest pruned after "
    "OUTBOX_RETENTION_DAYS",
    "ticket_message": "rows for the citizen's chat deleted",
    "ticket": "kept without citizen link; name, phone and ID numbers scrubbed; contact removed",
    "ticket_event": "kept; name, phone and ID numbers scrubbed; no citizen actor id",
    "unanswered_question": "kept anonymous; phone/ID numbers never stored; the citizen's "
    "name and phone scrubbed where linked",
    "conversation_state": "the citizen's conversations (keyed by their chat and user id) "
    "deleted; the others expire after CONVERSATION_TTL_DAYS",
    "citizen_identity": "deleted: every channel's id and address of the citizen",
    "wechat_follower": "deleted: the citizen's openid, follow state, last interaction, options",
    "webchat_visitor": "deleted: the web visitor's id and event counter",
    "webchat_event": "deleted: every event of the web visitor's stream",
    "webchat_file": "kept (a photo of the case, like Telegram's); no visitor id in it",
    "webchat_key": "no citizen data (the web chat's signing key)",
    "wechat_token": "no citizen data (the official account's access token)",
    "console_login": "no citizen data (staff sign-in links, hashed)",
    "console_session": "no citizen data (staff browser sessions, hashed)",
    "faq_feedback": "no citizen data (an FAQ entry, helpful or not, a time)",
    "processed_message": "no citizen data (channel, message key, kind, time)",
    "route_lesson": "kept (which department handles such a text); the text of lessons from "
    "the citizen's tickets or corrections scrubbed of their name and phone",
    "department": "no citizen data",
    "staff_member": "no citizen data (staff)",
    "staff_invite": "no citizen data (staff)",
    "ticket_counter": "no citizen data",
    "processed_update": "no citizen data (update id, kind, time)",
    "ticket_alert": "no citizen data",
    "scheduler_mark": "no citizen data",
    "subscription": "deleted: the citizen's announcement topics",
    "announcement_delivery": "deleted: which announcements reached the citizen",
    "announcement": "no citizen data (a topic's text, its staff author, counts)",
}


@dataclass(frozen=True)
class Subject:
    """The citizen being erased, as they were before the erasure."""

    citizen_id: int
    telegram_user_id: int | None
    chat_ids: tuple[int, ...]  # Telegram chats
    addresses: tuple[tuple[str, str], ...]  # (channel, address) on the other channels
    names: tuple[str, ...]
    phones: tuple[str, ...]
    ticket_ids: tuple[int, ...]
    question_ids: tuple[int, ...]
    now: datetime

    def scrub(self, text: str) -> str:
        """``text`` without phone or ID numbers, nor this person's name or phone."""
        return scrub_text(text, names=self.names, phones=self.phones)

    def scrub_data(self, value: Any) -> Any:
        """A JSON value with every string in it scrubbed."""
        if isinstance(value, str):
            return self.scrub(value)
        if isinstance(value, list):
            return [self.scrub_data(v) for v in value]
        if isinstance(value, dict):
            return {k: self.scrub_data(v) for k, v in value.items()}
        return value


Eraser = Callable[[AsyncSession, Subject], Awaitable[None]]
"""One step of the erasure: remove the subject's data from one place (same transaction)."""

_erasers: dict[str, Eraser] = {}


def register_eraser(name: str, eraser: Eraser) -> None:
    """Add (or replace, by ``name``) a step run by every :func:`erase_citizen`."""
    _erasers[name] = eraser


def erasers() -> list[str]:
    """The names of the registered steps, in the order they run."""
    return list(_erasers)


# --- the built-in steps, in order ---------------------------------------------------------


async def _outbox(session: AsyncSession, subject: Subject) -> None:
    # First: a sender recording a delivery to the chat (and linking it in ticket_message)
    # commits before this DELETE gets the row, so the next step sees that link.
    conditions = [col(Outbox.citizen_id) == subject.citizen_id]
    if subject.chat_ids:
        conditions.append(col(Outbox.chat_id).in_(subject.chat_ids))
    for channel, address in subject.addresses:
        conditions.append((col(Outbox.channel) == channel) & (col(Outbox.address) == address))
    await session.exec(
        delete(Outbox).where(or_(*conditions)).execution_options(synchronize_session=False)
    )


async def _ticket_messages(session: AsyncSession, subject: Subject) -> None:
    if subject.chat_ids:
        await session.exec(
            delete(TicketMessage)
            .where(col(TicketMessage.chat_id).in_(subject.chat_ids))
            .execution_options(synchronize_session=False)
        )


async def _tickets(session: AsyncSession, subject: Subject) -> None:
    if not subject.ticket_ids:
        return
    tickets = (
        await session.exec(select(Ticket).where(col(Ticket.id).in_(subject.ticket_ids)))
    ).all()
    for ticket in tickets:
        details = {k: v for k, v in (ticket.details or {}).items() if k not in ("contact", "phone")}
        changes: dict[str, Any] = {
            "citizen_id": None,
            "text": subject.scrub(ticket.text),
            "details": details,
            "rating_comment": subject.scrub(ticket.rating_comment)
            if ticket.rating_comment
            else None,
            "version": ticket.version + 1,
            "updated_at": subject.now,
        }
        await session.exec(
            update(Ticket)
            .where(col(Ticket.id) == ticket.id)
            .values(**changes)
            .execution_options(synchronize_session=False)
        )
        for key, value in changes.items():
            set_committed_value(ticket, key, value)
    events = (
        await session.exec(
            select(TicketEvent).where(col(TicketEvent.ticket_id).in_(subject.ticket_ids))
        )
    ).all()
    for event in events:
        data = subject.scrub_data(dict(event.data or {}))
        actor_id = event.actor_id
        if event.actor_kind == "citizen" or (
            subject.telegram_user_id is not None and actor_id == subject.telegram_user_id
        ):
            actor_id = None
        if data != event.data or actor_id != event.actor_id:
            event.data = data  # reassigned: JSON columns are not change-tracked in place
            event.actor_id = actor_id
            session.add(event)
    for ticket_id in subject.ticket_ids:
        session.add(
            TicketEvent(
                ticket_id=ticket_id,
                at=subject.now,
                actor_kind="system",
                actor_id=None,
                kind="citizen_erased",
                data={},
            )
        )
    await session.flush()


async def _questions(session: AsyncSession, subject: Subject) -> None:
    conditions = []
    if subject.ticket_ids:
        conditions.append(col(UnansweredQuestion.ticket_id).in_(subject.ticket_ids))
    if subject.question_ids:
        conditions.append(col(UnansweredQuestion.id).in_(subject.question_ids))
    if not conditions:
        return
    rows = (await session.exec(select(UnansweredQuestion).where(or_(*conditions)))).all()
    for row in rows:
        text = subject.scrub(row.text)
        if text != row.text:
            row.text = text
            session.add(row)
    await session.flush()


async def _conversations(session: AsyncSession, subject: Subject) -> None:
    # The stored conversation is keyed by the chat and the user: both are the person's ids.
    for chat_id in subject.chat_ids:
        await delete_conversation_state(session, chat_id=chat_id)
    if subject.telegram_user_id is not None:
        await delete_conversation_state(session, user_id=subject.telegram_user_id)
    # The other channels' conversations are keyed by channel and the person's id there.
    keys = [f"{channel}:{value}" for channel, value in subject.addresses]
    if keys:
        await session.exec(
            delete(ConversationState)
            .where(col(ConversationState.key).in_(keys))
            .execution_options(synchronize_session=False)
        )


async def _wechat_followers(session: AsyncSession, subject: Subject) -> None:
    openids = [value for channel, value in subject.addresses if channel == "wechat"]
    if openids:
        await session.exec(
            delete(WeChatFollower)
            .where(col(WeChatFollower.openid).in_(openids))
            .execution_options(synchronize_session=False)
        )


async def _webchat(session: AsyncSession, subject: Subject) -> None:
    visitors = [value for channel, value in subject.addresses if channel == "web"]
    if visitors:
        for table, column in (
            (WebchatEvent, WebchatEvent.visitor_id),
            (WebchatVisitor, WebchatVisitor.visitor_id),
        ):
            await session.exec(
                delete(table)
                .where(col(column).in_(visitors))
                .execution_options(synchronize_session=False)
            )


async def _route_lessons(session: AsyncSession, subject: Subject) -> None:
    # A lesson copies a demand's text (phone and ID numbers already redacted): the ones from
    # the person's tickets, or taught by them, lose their name and phone too. The lesson stays
    # (it says which department handles such a text, which is not about the person).
    conditions = [col(RouteLesson.actor) == f"citizen:{subject.citizen_id}"]
    if subject.ticket_ids:
        conditions.append(col(RouteLesson.ticket_id).in_(subject.ticket_ids))
    rows = (await session.exec(select(RouteLesson).where(or_(*conditions)))).all()
    for row in rows:
        text = subject.scrub(row.text)
        if text != row.text:
            row.text = text
            session.add(row)
    await session.flush()


async def _identities(session: AsyncSession, subject: Subject) -> None:
    # Last of the built-in steps (the others read the identities through ``subject``).
    await session.exec(
        delete(CitizenIdentity)
        .where(col(CitizenIdentity.citizen_id) == subject.citizen_id)
        .execution_options(synchronize_session=False)
    )


async def _announcements(session: AsyncSession, subject: Subject) -> None:
    for table in (AnnouncementDelivery, Subscription):
        await session.exec(
            delete(table)
            .where(col(table.citizen_id) == subject.citizen_id)
            .execution_options(synchronize_session=False)
        )


def _is_int(value: str) -> bool:
    return value.lstrip("-").isdigit()


register_eraser("outbox", _outbox)
register_eraser("ticket_message", _ticket_messages)
register_eraser("ticket", _tickets)
register_eraser("unanswered_question", _questions)
register_eraser("conversation_state", _conversations)
register_eraser("route_lesson", _route_lessons)
register_eraser("wechat_follower", _wechat_followers)
register_eraser("webchat", _webchat)
register_eraser("announcements", _announcements)
register_eraser("citizen_identity", _identities)


# --- erasure ------------------------------------------------------------------------------


async def erase_citizen(
    session: AsyncSession,
    citizen: Citizen,
    *,
    now: datetime,
    question_ids: Iterable[int] = (),
) -> int:
    """Erase the citizen's personal data (see the module docstring) in the caller's
    transaction; returns how many tickets were anonymised.

    ``question_ids``: gap-report rows of this person's recent questions (the conversation
    remembers them), scrubbed of their name and phone as well.
    """
    assert citizen.id is not None
    ticket_ids = tuple(
        (await session.exec(select(Ticket.id).where(Ticket.citizen_id == citizen.id))).all()
    )
    identities = (
        await session.exec(select(CitizenIdentity).where(CitizenIdentity.citizen_id == citizen.id))
    ).all()
    telegram = [i for i in identities if i.channel == "telegram"]
    telegram_user_id = int(telegram[0].external_id) if telegram else None
    chat_ids = tuple(
        dict.fromkeys(
            int(v) for i in telegram for v in (i.address, i.external_id) if v and _is_int(v)
        )
    )
    subject = Subject(
        citizen_id=citizen.id,
        telegram_user_id=telegram_user_id,
        chat_ids=chat_ids,
        addresses=tuple(
            (i.channel, a)
            for i in identities
            if i.channel != "telegram"
            for a in dict.fromkeys(v for v in (i.address, i.external_id) if v)
        ),
        names=tuple(n for n in (citizen.display_name, citizen.email) if n),
        phones=(citizen.phone,) if citizen.phone else (),
        ticket_ids=tuple(i for i in ticket_ids if i is not None),
        question_ids=tuple(int(i) for i in question_ids),
        now=now,
    )
    for step in list(_erasers.values()):
        await step(session, subject)
    citizen.display_name = None
    citizen.phone = None
    citizen.email = None
    citizen.language = None
    citizen.consent_at = None
    citizen.erased_at = now
    citizen.last_seen_at = now
    session.add(citizen)
    await session.flush()
    return len(subject.ticket_ids)
