"""Read-only ticket queries: a department's queue, a ticket's details, a citizen's tickets,
the information request a citizen's next message answers.

Authorisation is the same as for the operations (:mod:`tickets.authz`): staff see their own
department's tickets (admins every department's); a citizen sees only their own tickets and,
for those, only the conversation (never internal notes or the audit trail).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo

from sqlalchemy import ColumnElement, case, func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.authz import Actor, can_staff_act, fits_audience, is_citizen_owner
from tickets.errors import NotAllowed, NotFound, ValidationError
from tickets.lifecycle import OPEN_STATUSES, Status
from tickets.models import Citizen, Department, Ticket, TicketEvent
from tickets.numbering import parse_ticket_ref
from tickets.privacy import masked_identity, redact_text

__all__ = [
    "CONVERSATION_KINDS",
    "CitizenPage",
    "InfoRequest",
    "QueuePage",
    "TicketDetails",
    "citizen_tickets",
    "latest_info_request",
    "load_ticket",
    "queue",
    "ticket_details",
]

# Events that are part of the conversation the citizen sees (texts in ``data["text"]``).
CONVERSATION_KINDS = ("created", "replied", "info_requested", "citizen_message")
MAX_PAGE_SIZE = 50


@dataclass(frozen=True)
class QueuePage:
    department: Department | None  # None: all departments (administrators)
    items: list[Ticket]
    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class InfoRequest:
    """An open request for information: the ticket waits for the citizen since ``asked_at``."""

    ticket_id: int
    asked_at: datetime


@dataclass(frozen=True)
class CitizenPage:
    items: list[Ticket]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class TicketDetails:
    """A ticket as its viewer may see it.

    For staff: ``identity`` is masked, ``text`` and every conversation text from the citizen is
    redacted (:func:`tickets.privacy.redact_text`), ``notes`` and ``audit`` are filled.
    For the citizen: their own texts as written, no notes, no audit trail.
    """

    ticket: Ticket
    department: Department
    viewer: str  # "staff" | "citizen"
    identity: str
    text: str
    conversation: list[TicketEvent] = field(default_factory=list)
    notes: list[TicketEvent] = field(default_factory=list)
    audit: list[TicketEvent] = field(default_factory=list)


async def load_ticket(
    session: AsyncSession, ref: int | str, *, now: datetime, tz: tzinfo
) -> Ticket | None:
    """The ticket named by ``ref`` (an id, ``"2026-000123"`` or ``"123"``), fresh from the DB."""
    try:
        key = parse_ticket_ref(ref, now, tz)
    except ValueError:
        raise ValidationError("error-bad_ticket_ref", ref=str(ref)) from None
    cond = Ticket.id == key if isinstance(key, int) else Ticket.number == key
    stmt = select(Ticket).where(cond).execution_options(populate_existing=True)
    return (await session.exec(stmt)).first()


def _page(page: int, page_size: int) -> tuple[int, int]:
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise ValidationError("error-bad_page")
    return page, max(1, min(int(page_size), MAX_PAGE_SIZE))


async def queue(
    session: AsyncSession,
    actor: Actor,
    department_slug: str | None = None,
    *,
    page: int = 1,
    page_size: int = 10,
) -> QueuePage:
    """Open tickets of a department, the most pressing deadline first, with the total count.

    The deadline is the response deadline until the first response, then the resolution one.
    ``department_slug`` defaults to the actor's department; administrators may pass any slug or
    none at all (every department). In a department's shared chat only that department's queue
    is shown (the default there, for administrators too).
    """
    page, page_size = _page(page, page_size)
    if not actor.is_staff:
        raise NotAllowed("error-not_allowed")
    dept: Department | None = None
    if department_slug is not None:
        dept = (
            await session.exec(select(Department).where(Department.slug == department_slug))
        ).first()
        if dept is None:
            if actor.is_admin:
                raise ValidationError("error-unknown_department", slug=department_slug)
            raise NotAllowed("error-not_allowed")
    elif actor.audience_department_id is not None:  # a department's chat: its own queue
        dept = await session.get(Department, actor.audience_department_id)
    elif actor.department_id is not None:
        dept = await session.get(Department, actor.department_id)
    if dept is None and not actor.is_admin:
        raise NotAllowed("error-not_allowed")
    if dept is not None and not actor.is_admin and dept.id != actor.department_id:
        raise NotAllowed("error-not_allowed")
    if not fits_audience(actor, dept.id if dept is not None else None):
        raise NotAllowed("error-not_allowed")
    conds: list[ColumnElement[bool]] = [col(Ticket.status).in_(OPEN_STATUSES)]
    if dept is not None:
        conds.append(col(Ticket.department_id) == dept.id)
    deadline = case(
        (col(Ticket.first_response_at).is_(None), col(Ticket.response_due_at)),
        else_=col(Ticket.resolution_due_at),
    )
    total_stmt = select(func.count()).select_from(Ticket).where(*conds)
    total = int((await session.exec(total_stmt)).one())
    stmt = (
        select(Ticket)
        .where(*conds)
        .order_by(deadline.is_(None), deadline, col(Ticket.urgent).desc(), col(Ticket.id))
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    items = list((await session.exec(stmt)).all())
    return QueuePage(dept, items, total, page, page_size)


async def ticket_details(
    session: AsyncSession, actor: Actor, ref: int | str, *, now: datetime, tz: tzinfo
) -> TicketDetails:
    """The ticket with its conversation (and, for staff, notes and the audit trail)."""
    ticket = await load_ticket(session, ref, now=now, tz=tz)
    if ticket is None:
        raise NotFound() if actor.is_admin else NotAllowed()
    citizen = await session.get(Citizen, ticket.citizen_id) if ticket.citizen_id else None
    is_staff = can_staff_act(actor, ticket)
    if not is_staff and not is_citizen_owner(actor, citizen):
        raise NotAllowed()
    dept = await session.get(Department, ticket.department_id)
    assert dept is not None
    stmt = (
        select(TicketEvent)
        .where(TicketEvent.ticket_id == ticket.id)
        .order_by(col(TicketEvent.at), col(TicketEvent.id))
    )
    events = list((await session.exec(stmt)).all())
    conversation = [e for e in events if e.kind in CONVERSATION_KINDS]
    if not is_staff:
        name = citizen.display_name if citizen is not None else None
        return TicketDetails(
            ticket, dept, "citizen", name or "", ticket.text, conversation=conversation
        )
    redacted = [_redacted(e) if e.actor_kind == "citizen" else e for e in conversation]
    identity = masked_identity(
        citizen.display_name if citizen else None,
        citizen.phone if citizen else None,
        f"#{ticket.citizen_id or '?'}",
    )
    return TicketDetails(
        ticket,
        dept,
        "staff",
        identity,
        redact_text(ticket.text),
        conversation=redacted,
        notes=[e for e in events if e.kind == "note"],
        audit=[_redacted(e) if e.actor_kind == "citizen" else e for e in events],
    )


def _redacted(event: TicketEvent) -> TicketEvent:
    """A detached copy of a citizen's event with its text redacted (the row is untouched)."""
    data = dict(event.data)
    if isinstance(data.get("text"), str):
        data["text"] = redact_text(data["text"])
    if isinstance(data.get("comment"), str):
        data["comment"] = redact_text(data["comment"])
    return TicketEvent(
        id=event.id,
        ticket_id=event.ticket_id,
        at=event.at,
        actor_kind=event.actor_kind,
        actor_id=event.actor_id,
        kind=event.kind,
        data=data,
    )


async def citizen_tickets(
    session: AsyncSession, actor: Actor, *, page: int = 1, page_size: int = 10
) -> CitizenPage:
    """The actor's own tickets (as a citizen), newest first."""
    page, page_size = _page(page, page_size)
    if actor.citizen_id is None:
        return CitizenPage([], 0, page, page_size)
    cond = Ticket.citizen_id == actor.citizen_id
    total = int((await session.exec(select(func.count()).select_from(Ticket).where(cond))).one())
    stmt = (
        select(Ticket)
        .where(cond)
        .order_by(col(Ticket.created_at).desc(), col(Ticket.id).desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    return CitizenPage(list((await session.exec(stmt)).all()), total, page, page_size)


async def latest_info_request(session: AsyncSession, citizen_id: int) -> InfoRequest | None:
    """The citizen's ticket waiting for their information that was asked for last, if any."""
    asked = func.max(TicketEvent.at)
    stmt = (
        select(Ticket.id, asked)
        .join(TicketEvent, col(TicketEvent.ticket_id) == col(Ticket.id))
        .where(
            Ticket.citizen_id == citizen_id,
            Ticket.status == Status.WAITING_CITIZEN,
            TicketEvent.kind == "info_requested",
        )
        .group_by(col(Ticket.id))
        .order_by(asked.desc(), col(Ticket.id).desc())
        .limit(1)
    )
    row = (await session.exec(stmt)).first()
    if row is None or row[0] is None or row[1] is None:
        return None
    return InfoRequest(int(row[0]), row[1])
