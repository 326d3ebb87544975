"""Ticket operations: create, take, reply, note, ask for information, transfer, close, reopen,
extensions, citizen follow-ups, ratings, demand-type correction, contact reveal.

Every operation works in the caller's session and never commits: the handler commits once
(together with its ``ProcessedUpdate`` record), so the state change, its audit event
(``TicketEvent``) and the messages it causes land together or not at all. The service tells
people what happened by raising events (:mod:`tickets.notify`: data, not text) to recipients
resolved by the department directory, through the :class:`~tickets.notify.Notifier` it was
given, which renders them for each channel and queues them into the outbox in the same
session. Ticket rows are changed with a conditional
``UPDATE ... WHERE id = :id AND version = :seen`` that bumps ``version``: of two concurrent
actions on the same ticket exactly one succeeds, the other gets :class:`~tickets.errors.Conflict`.

Authorisation (:mod:`tickets.authz`) is checked by every operation; a refused or unknown
ticket raises the uniform :class:`~tickets.errors.NotAllowed`.

Deadlines count working time in the :class:`~tickets.worktime.calendar.WorkCalendar`:

- creation: response and resolution deadlines from the department's SLA for the demand type
  (the urgent SLA when flagged);
- the first staff reply (or request for information) stops the response clock
  (``first_response_at``); closing stops the resolution clock (``closed_at``);
- asking the citizen for information pauses the clock (``paused_at``); when the citizen answers
  (or staff reply or transfer anyway), both open deadlines move by the working time paused;
- transfer: the receiving department's ``transfer_clock`` decides: ``keep`` the deadlines, or
  ``restart`` them from the transfer with the receiving department's SLA;
- an approved extension moves the resolution deadline by N working days;
- a demand-type correction, and setting or clearing the urgent flag, count the open deadlines
  with the new SLA from the same start, keeping approved extensions and paused time
  (:mod:`tickets.sla_change`); the citizen is told when a deadline moves;
- a reopened ticket whose resolution deadline has passed gets a fresh resolution window.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets import notify, queries
from tickets.attachments import Attachment, check_attachments
from tickets.authz import (
    Actor,
    can_decide_extension,
    can_staff_act,
    ensure_citizen_owner,
    ensure_staff,
    is_citizen_owner,
)
from tickets.clock import Clock
from tickets.config.desk import DepartmentConfig, DeskConfig, Sla
from tickets.errors import Conflict, InvalidTransition, NotAllowed, NotFound, ValidationError
from tickets.lessons import record_lesson, staff_actor
from tickets.lifecycle import DEMAND_TYPES, Action, Status, transition
from tickets.models import Citizen, Department, StaffMember, Ticket, TicketEvent
from tickets.notify import Files, Notifier, Post, Queued, Recipient, TicketRef, ToCitizen, ToStaff
from tickets.numbering import next_number
from tickets.people.citizens import Identity, addresses_of, reach
from tickets.people.directory import staff_recipients
from tickets.privacy import mask_name, mask_phone, redact_text
from tickets.sla_change import deadline_keeping_moves
from tickets.worktime.calendar import WorkCalendar
from tickets.worktime.durations import WorkWindow

__all__ = [
    "ATTACHMENT_KINDS",
    "CallbackAnswer",
    "CitizenAddress",
    "Contact",
    "TicketService",
]

MAX_TEXT = 4000
EXTENSION_KINDS = ("extension_requested", "extension_approved", "extension_refused")
# What a citizen can attach, as kept in ``Ticket.details``: lists of the channel's file ids.
ATTACHMENT_KINDS = ("photos", "documents")
MAX_ATTACHMENTS = 20  # per kind and ticket (the form allows fewer)
CALLBACK_KINDS = ("callback_solved", "callback_unsolved")


@dataclass(frozen=True, slots=True)
class CitizenAddress:
    """Where the citizen of a ticket gets messages (the channel they used last), and in which
    language. ``chat_id``: the Telegram chat, for a Telegram identity."""

    identity: Identity
    lang: str | None

    @property
    def chat_id(self) -> int | None:
        address = self.identity.address
        return int(address) if self.identity.channel == "telegram" and address else None


@dataclass(frozen=True, slots=True)
class CallbackAnswer:
    """What happened when the citizen answered the post-closure question
    (:meth:`TicketService.answer_closure_callback`): ``already`` answered before (nothing
    recorded), ``reopened`` for ``department`` (its slug)."""

    ticket_id: int
    number: str
    solved: bool
    reopened: bool
    already: bool
    department: str


@dataclass(frozen=True, slots=True)
class Contact:
    """The citizen's unmasked contact, returned by :meth:`TicketService.reveal_contact`."""

    citizen_id: int | None
    display_name: str | None
    phone: str | None
    email: str | None
    identities: tuple[Identity, ...]


class TicketService:
    """Ticket operations on one session (see the module docstring)."""

    def __init__(
        self,
        session: AsyncSession,
        *,
        clock: Clock,
        config: DeskConfig,
        calendar: WorkCalendar | None = None,
        notifier: Notifier,
        tz: str | tzinfo = "Asia/Shanghai",
        admin_ids: Iterable[int] = (),
        citizen_reopen_days: int = 7,
        max_extension_days: int = 30,
    ) -> None:
        self.session = session
        self.clock = clock
        self.config = config
        self.notifier = notifier
        self.tz: tzinfo = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.calendar = calendar if calendar is not None else config.calendar(self.tz)
        self.admin_ids = tuple(admin_ids)
        self.citizen_reopen_days = citizen_reopen_days
        self.max_extension_days = max_extension_days

    # ------------------------------------------------------------------------------------------
    # creation
    # ------------------------------------------------------------------------------------------
    async def create_ticket(
        self,
        citizen: Citizen,
        department_slug: str,
        text: str,
        demand_type: str = "consultation",
        urgent: bool = False,
        lang: str | None = None,
        details: dict[str, Any] | None = None,
        faq_entry_id: str | None = None,
        *,
        admin_ids: Iterable[int] | None = None,
        notify_citizen: bool = True,
    ) -> Ticket:
        """Open a ticket, post it to the department and (optionally) confirm to the citizen."""
        now = self.clock.now()
        text = self._text(text)
        self._check_type(demand_type)
        dept, cfg = await self._department_by_slug(department_slug)
        number = await next_number(self.session, now, self.tz)
        sla = self._sla(cfg, demand_type, urgent)
        ticket = Ticket(
            number=number,
            citizen_id=citizen.id,
            department_id=dept.id,  # type: ignore[arg-type]
            status=Status.NEW,
            demand_type=demand_type,
            urgent=urgent,
            text=text,
            lang=lang or citizen.language,
            faq_entry_id=faq_entry_id,
            details=dict(details or {}),
            created_at=now,
            updated_at=now,
            response_due_at=self.calendar.deadline(now, sla.response),
            resolution_due_at=self.calendar.deadline(now, sla.resolution),
        )
        self.session.add(ticket)
        await self.session.flush()
        self._event(
            ticket,
            "created",
            "citizen",
            citizen.id,
            department=dept.slug,
            demand_type=demand_type,
            urgent=urgent,
            text=text,
            response_due_at=_iso(ticket.response_due_at),
            resolution_due_at=_iso(ticket.resolution_due_at),
        )
        admins = self.admin_ids if admin_ids is None else tuple(admin_ids)
        to: list[Recipient] = list(
            await staff_recipients(self.session, dept, "post", admins=admins)
        )
        if notify_citizen:
            to += self._citizen_of(ticket)
        await self._publish(
            notify.TicketCreated, ticket, dept.slug, to, post=self._post(ticket, citizen)
        )
        return ticket

    # ------------------------------------------------------------------------------------------
    # staff actions
    # ------------------------------------------------------------------------------------------
    async def take(self, ref: int | str, actor: Actor) -> Ticket:
        """Assign the ticket to ``actor``; of two clerks taking at once exactly one wins."""
        ticket = await self._staff_ticket(ref, actor)
        await self._check_not_taken(ticket, actor)
        tr = transition(ticket.status, Action.TAKE, number=ticket.number)
        try:
            await self._update(ticket, status=tr.new, assignee_id=_staff_id(actor))
        except Conflict:
            fresh = await self._load(ticket.id)  # type: ignore[arg-type]
            if fresh is not None:
                await self._check_not_taken(fresh, actor)
            raise
        self._event(ticket, tr.event_kind, "staff", actor.actor_id)
        dept, _cfg = await self._department(ticket.department_id)
        taken_by = (actor.telegram_user_id,)
        to = await staff_recipients(self.session, dept, "taken", exclude=taken_by)
        await self._publish(
            notify.TicketTaken, ticket, dept.slug, to, staff_name=actor.display_name
        )
        return ticket

    async def reply(
        self,
        ref: int | str,
        actor: Actor,
        text: str,
        *,
        attachments: Sequence[Attachment] = (),
    ) -> Ticket:
        """Answer the citizen: stops the response clock, status ``answered``.

        ``attachments`` (photos, documents) are recorded on the ``replied`` event and go to
        the citizen after the reply's text; the text may then be empty."""
        files = check_attachments(attachments)
        text = "" if files and not (text or "").strip() else self._text(text)
        ticket = await self._staff_ticket(ref, actor)
        tr = transition(ticket.status, Action.REPLY, number=ticket.number)
        now = self.clock.now()
        changes = self._resume_changes(ticket, now)
        changes.update(
            status=tr.new,
            answered_at=now,
            first_response_at=ticket.first_response_at or now,
            assignee_id=ticket.assignee_id or _staff_id(actor),
        )
        await self._update(ticket, **changes)
        self._event(
            ticket,
            tr.event_kind,
            "staff",
            actor.actor_id,
            text=text,
            attachments=[f.as_data() for f in files] or None,
        )
        await self._to_citizen(notify.TicketReplied, ticket, text=text, files=files)
        return ticket

    async def note(self, ref: int | str, actor: Actor, text: str) -> TicketEvent:
        """An internal note: in the audit trail, never shown to the citizen."""
        text = self._text(text)
        ticket = await self._staff_ticket(ref, actor)
        tr = transition(ticket.status, Action.NOTE, number=ticket.number)
        return self._event(ticket, tr.event_kind, "staff", actor.actor_id, text=text)

    async def ask_info(self, ref: int | str, actor: Actor, text: str) -> Ticket:
        """Ask the citizen for information: status ``waiting_citizen``, the clock pauses.

        Refused when the citizen can no longer be reached (they erased their data): nobody
        could answer, and the paused clock would never run again."""
        text = self._text(text)
        ticket = await self._staff_ticket(ref, actor)
        tr = transition(ticket.status, Action.ASK_INFO, number=ticket.number)
        if await self.citizen_address(ticket) is None:
            raise ValidationError("error-citizen_unreachable", number=ticket.number)
        now = self.clock.now()
        await self._update(
            ticket,
            status=tr.new,
            paused_at=ticket.paused_at or now,
            first_response_at=ticket.first_response_at or now,
            assignee_id=ticket.assignee_id or _staff_id(actor),
        )
        self._event(ticket, tr.event_kind, "staff", actor.actor_id, text=text)
        await self._to_citizen(notify.InfoRequested, ticket, text=text)
        return ticket

    async def transfer(self, ref: int | str, actor: Actor, to_slug: str, reason: str) -> Ticket:
        """Hand the ticket to another department (unassigned, status ``new`` there)."""
        reason = self._text(reason, key="error-reason_required")
        ticket = await self._staff_ticket(ref, actor)
        new_dept, new_cfg = await self._department_by_slug(to_slug)
        if new_dept.id == ticket.department_id:
            raise ValidationError("error-same_department")
        tr = transition(ticket.status, Action.TRANSFER, number=ticket.number)
        old_dept, _old_cfg = await self._department(ticket.department_id)
        now = self.clock.now()
        changes = self._resume_changes(ticket, now)
        changes.update(
            status=tr.new, department_id=new_dept.id, assignee_id=None, escalation_level=0
        )
        policy = new_cfg.transfer_clock
        if policy == "restart":
            sla = self._sla(new_cfg, ticket.demand_type, ticket.urgent)
            changes["resolution_due_at"] = self.calendar.deadline(now, sla.resolution)
            if ticket.first_response_at is None:
                changes["response_due_at"] = self.calendar.deadline(now, sla.response)
        await self._update(ticket, **changes)
        self._event(
            ticket,
            tr.event_kind,
            "staff",
            actor.actor_id,
            from_department=old_dept.slug,
            to_department=new_dept.slug,
            reason=reason,
            clock=policy,
            response_due_at=_iso(ticket.response_due_at),
            resolution_due_at=_iso(ticket.resolution_due_at),
        )
        # The router learns that such a text belongs to the new department (tickets.lessons).
        await record_lesson(
            self.session,
            text=ticket.text,
            from_department=old_dept.slug,
            to_department=new_dept.slug,
            source="transfer",
            actor=staff_actor(actor.telegram_user_id),
            now=now,
            ticket_id=ticket.id,
        )
        citizen = await self._citizen(ticket)
        to: list[Recipient] = list(
            await staff_recipients(self.session, new_dept, "post", admins=self.admin_ids)
        )
        to += self._citizen_of(ticket)
        await self._publish(
            notify.TicketTransferred,
            ticket,
            new_dept.slug,
            to,
            from_department=old_dept.slug,
            reason=redact_text(reason),
            post=self._post(ticket, citizen),
        )
        return ticket

    async def close(self, ref: int | str, actor: Actor, resolution: str = "") -> Ticket:
        """Close the ticket (stops the resolution clock) and ask the citizen for a rating."""
        ticket = await self._staff_ticket(ref, actor)
        tr = transition(ticket.status, Action.CLOSE, number=ticket.number)
        now = self.clock.now()
        await self._update(ticket, status=tr.new, closed_at=now, paused_at=None)
        self._event(ticket, tr.event_kind, "staff", actor.actor_id, resolution=resolution.strip())
        await self._to_citizen(notify.TicketClosed, ticket, resolution=resolution.strip())
        return ticket

    async def reopen(self, ref: int | str, actor: Actor, reason: str = "") -> Ticket:
        """Reopen: by staff of the department at any time; by the citizen who opened it within
        ``citizen_reopen_days`` of closing (or right after a reply: "not resolved")."""
        ticket = await self._load_ref(ref)
        by_staff = ticket is not None and can_staff_act(actor, ticket)
        citizen: Citizen | None = None
        if ticket is not None and not by_staff:
            citizen = await self._citizen(ticket)
        if ticket is None or not (by_staff or is_citizen_owner(actor, citizen)):
            raise self._unavailable(actor, ticket)
        now = self.clock.now()
        if (
            not by_staff
            and ticket.status == Status.CLOSED
            and ticket.closed_at is not None
            and now - ticket.closed_at > timedelta(days=self.citizen_reopen_days)
        ):
            raise ValidationError("error-reopen_expired", days=self.citizen_reopen_days)
        assignee = ticket.assignee_id or (_staff_id(actor) if by_staff else None)
        tr = transition(
            ticket.status, Action.REOPEN, assigned=assignee is not None, number=ticket.number
        )
        was = ticket.status
        changes: dict[str, Any] = {
            "status": tr.new,
            "closed_at": None,
            "assignee_id": assignee,
            "next_reminder_at": None,  # active again: the scheduler plans it afresh
        }
        if ticket.resolution_due_at is not None and ticket.resolution_due_at <= now:
            _dept, cfg = await self._department(ticket.department_id)
            sla = self._sla(cfg, ticket.demand_type, ticket.urgent)
            changes["resolution_due_at"] = self.calendar.deadline(now, sla.resolution)
        await self._update(ticket, **changes)
        self._event(
            ticket,
            tr.event_kind,
            "staff" if by_staff else "citizen",
            actor.actor_id,
            reason=reason.strip(),
            previous=was,
        )
        facts = {"by_citizen": not by_staff, "was_closed": was == Status.CLOSED}
        if by_staff:
            await self._to_citizen(notify.TicketReopened, ticket, **facts)
        else:
            await self._to_staff(notify.TicketReopened, ticket, **facts)
        return ticket

    async def request_extension(
        self, ref: int | str, actor: Actor, days: int, reason: str
    ) -> Ticket:
        """Ask the department head for ``days`` more working days (before the deadline only)."""
        reason = self._text(reason, key="error-reason_required")
        ticket = await self._staff_ticket(ref, actor)
        if isinstance(days, bool) or not isinstance(days, int):
            raise ValidationError("error-bad_days", max=self.max_extension_days)
        if not 1 <= days <= self.max_extension_days:
            raise ValidationError("error-bad_days", max=self.max_extension_days)
        tr = transition(ticket.status, Action.EXTEND, number=ticket.number)
        now = self.clock.now()
        due = ticket.resolution_due_at
        if due is None or now >= due:
            raise ValidationError("error-deadline_passed", deadline=due)
        if await self._pending_extension(ticket) is not None:
            raise ValidationError("error-extension_pending")
        proposed = self.calendar.add_working_days(due, days)
        await self._update(ticket)
        self._event(
            ticket,
            tr.event_kind,
            "staff",
            actor.actor_id,
            days=days,
            reason=reason,
            old_deadline=_iso(due),
            proposed_deadline=_iso(proposed),
        )
        dept, _cfg = await self._department(ticket.department_id)
        to = await staff_recipients(self.session, dept, "extension", admins=self.admin_ids)
        await self._publish(
            notify.ExtensionRequested,
            ticket,
            dept.slug,
            to,
            staff_name=actor.display_name,
            days=days,
            old_deadline=due,
            new_deadline=proposed,
            reason=redact_text(reason),
        )
        return ticket

    async def approve_extension(self, ref: int | str, actor: Actor) -> Ticket:
        """Head/admin approves the pending extension: new deadline, the citizen is told why."""
        ticket, dept, _cfg = await self._head_ticket(ref, actor)
        tr = transition(ticket.status, Action.APPROVE_EXTENSION, number=ticket.number)
        request = await self._pending_extension(ticket)
        if request is None:
            raise ValidationError("error-no_pending_extension")
        days = int(request.data["days"])
        reason = str(request.data.get("reason", ""))
        old = ticket.resolution_due_at or self.clock.now()
        new = self.calendar.add_working_days(old, days)
        await self._update(ticket, resolution_due_at=new, escalation_level=0)
        self._event(
            ticket,
            tr.event_kind,
            "staff",
            actor.actor_id,
            request_event_id=request.id,
            days=days,
            reason=reason,
            old_deadline=_iso(old),
            new_deadline=_iso(new),
        )
        to = [*await self._notice_recipients(ticket, dept), *self._citizen_of(ticket)]
        await self._publish(
            notify.ExtensionDecided,
            ticket,
            dept.slug,
            to,
            approved=True,
            deadline=new,
            reason=reason,
        )
        return ticket

    async def refuse_extension(self, ref: int | str, actor: Actor, reason: str = "") -> Ticket:
        """Head/admin refuses the pending extension; the deadline stays."""
        ticket, _dept, _cfg = await self._head_ticket(ref, actor)
        tr = transition(ticket.status, Action.REFUSE_EXTENSION, number=ticket.number)
        request = await self._pending_extension(ticket)
        if request is None:
            raise ValidationError("error-no_pending_extension")
        await self._update(ticket)
        self._event(
            ticket,
            tr.event_kind,
            "staff",
            actor.actor_id,
            request_event_id=request.id,
            reason=reason.strip(),
        )
        await self._to_staff(
            notify.ExtensionDecided,
            ticket,
            approved=False,
            deadline=ticket.resolution_due_at,
            reason=redact_text(reason.strip()),
        )
        return ticket

    async def set_demand_type(self, ref: int | str, actor: Actor, demand_type: str) -> Ticket:
        """Correct the demand type. The open deadlines follow the new type's SLA and keep what
        moved them (approved extensions, paused time: :meth:`_deadlines_keeping_extensions`);
        the citizen is told when a deadline they were given changes."""
        self._check_type(demand_type)
        ticket = await self._staff_ticket(ref, actor)
        if demand_type == ticket.demand_type:
            raise ValidationError("error-same_demand_type")
        tr = transition(ticket.status, Action.RETYPE, number=ticket.number)
        _dept, cfg = await self._department(ticket.department_id)
        before = (ticket.response_due_at, ticket.resolution_due_at)
        changes = await self._deadlines_keeping_extensions(
            ticket, self._sla(cfg, demand_type, ticket.urgent)
        )
        old_type = ticket.demand_type
        await self._update(ticket, demand_type=demand_type, **changes)
        self._event(
            ticket,
            tr.event_kind,
            "staff",
            actor.actor_id,
            old=old_type,
            new=demand_type,
            response_due_at=_iso(ticket.response_due_at),
            resolution_due_at=_iso(ticket.resolution_due_at),
        )
        await self._tell_new_deadlines(ticket, before)
        return ticket

    async def _deadlines_keeping_extensions(self, ticket: Ticket, new_sla: Sla) -> dict[str, Any]:
        """The ticket's open deadlines under ``new_sla`` (a corrected type, the urgent flag),
        as ``_update`` changes: each is ``new_sla``'s window from the clock's start (creation,
        or a transfer that restarted it), moved by the working time the old deadline was beyond
        the current SLA's window (approved extensions, pauses): see :mod:`tickets.sla_change`.
        The response deadline only while no response was given."""
        _dept, cfg = await self._department(ticket.department_id)
        old_sla = self._sla(cfg, ticket.demand_type, ticket.urgent)
        start = await self._clock_start(ticket)
        changes: dict[str, Any] = {}
        windows = [("resolution_due_at", old_sla.resolution, new_sla.resolution)]
        if ticket.first_response_at is None:
            windows.append(("response_due_at", old_sla.response, new_sla.response))
        for column, old, new in windows:
            due = getattr(ticket, column)
            if due is not None:
                changes[column] = deadline_keeping_moves(self.calendar, start, due, old, new)
        return changes

    async def _clock_start(self, ticket: Ticket) -> datetime:
        """When the ticket's SLA clock started: the last transfer that restarted it, else the
        ticket's creation."""
        stmt = (
            select(TicketEvent)
            .where(TicketEvent.ticket_id == ticket.id, TicketEvent.kind == "transferred")
            .order_by(col(TicketEvent.id).desc())
        )
        for event in (await self.session.exec(stmt)).all():
            if (event.data or {}).get("clock") == "restart":
                return event.at
        return ticket.created_at

    async def _tell_new_deadlines(
        self, ticket: Ticket, before: tuple[datetime | None, datetime | None]
    ) -> None:
        """Tell the citizen the deadlines they go by, if they changed (response: while none
        was given)."""
        response_moved = ticket.first_response_at is None and before[0] != ticket.response_due_at
        if not response_moved and before[1] == ticket.resolution_due_at:
            return
        await self._to_citizen(
            notify.TicketRetyped,
            ticket,
            demand_type=ticket.demand_type,
            response_due_at=ticket.response_due_at,
            resolution_due_at=ticket.resolution_due_at,
            with_response=ticket.first_response_at is None,
        )

    async def set_urgent(self, ref: int | str, actor: Actor, urgent: bool) -> Ticket:
        """Set or clear the urgent flag; the open deadlines follow the SLA that now applies
        (like a type correction: extensions and pauses kept), and the citizen is told when the
        resolution deadline moves."""
        ticket = await self._staff_ticket(ref, actor)
        if bool(ticket.urgent) == urgent:
            raise ValidationError("error-same_urgency", number=ticket.number, urgent=urgent)
        tr = transition(ticket.status, Action.MARK_URGENT, number=ticket.number)
        _dept, cfg = await self._department(ticket.department_id)
        old_due = ticket.resolution_due_at
        # computed before the flag changes: the old SLA is read from the ticket
        changes = await self._deadlines_keeping_extensions(
            ticket, self._sla(cfg, ticket.demand_type, urgent)
        )
        await self._update(ticket, urgent=urgent, **changes)
        self._event(
            ticket,
            tr.event_kind,
            "staff",
            actor.actor_id,
            urgent=urgent,
            response_due_at=_iso(ticket.response_due_at),
            resolution_due_at=_iso(ticket.resolution_due_at),
        )
        if ticket.resolution_due_at != old_due:
            await self._to_citizen(
                notify.UrgencyChanged,
                ticket,
                urgent=urgent,
                resolution_due_at=ticket.resolution_due_at,
            )
        return ticket

    async def reveal_contact(self, ref: int | str, actor: Actor) -> Contact:
        """The unmasked contact; who revealed it and when goes into the audit trail."""
        ticket = await self._staff_ticket(ref, actor)
        tr = transition(ticket.status, Action.REVEAL, number=ticket.number)
        citizen = await self._citizen(ticket)
        self._event(ticket, tr.event_kind, "staff", actor.actor_id)
        if citizen is None or citizen.erased_at is not None or citizen.id is None:
            return Contact(None, None, None, None, ())
        return Contact(
            citizen_id=citizen.id,
            display_name=citizen.display_name,
            phone=citizen.phone,
            email=citizen.email,
            identities=tuple(await addresses_of(self.session, citizen.id)),
        )

    async def assign(self, ref: int | str, actor: Actor, assignee_user_id: int) -> Ticket:
        """A head of the ticket's department or an administrator hands the ticket to a named
        member of its department (taken or not); the assignee is told privately."""
        ticket, dept, _cfg = await self._head_ticket(ref, actor)
        stmt = select(StaffMember).where(
            StaffMember.telegram_user_id == assignee_user_id,
            StaffMember.department_id == ticket.department_id,
            StaffMember.active == True,  # noqa: E712 - SQL expression
        )
        member = (await self.session.exec(stmt)).first()
        if member is None:
            raise ValidationError("error-not_assignable")
        if member.id == ticket.assignee_id:
            raise ValidationError("error-same_assignee", number=ticket.number)
        tr = transition(ticket.status, Action.ASSIGN, number=ticket.number)
        previous = ticket.assignee_id
        await self._update(ticket, status=tr.new, assignee_id=member.id)
        self._event(
            ticket,
            tr.event_kind,
            "staff",
            actor.actor_id,
            assignee=member.telegram_user_id,
            previous_assignee_id=previous,
        )
        told = (member.telegram_user_id, actor.telegram_user_id)
        to = list(await staff_recipients(self.session, dept, "taken", exclude=told))
        if member.telegram_user_id != actor.telegram_user_id:  # told personally
            uid = member.telegram_user_id
            to.append(ToStaff(uid, uid, member.language))
        await self._publish(
            notify.TicketAssigned,
            ticket,
            dept.slug,
            to,
            staff_name=actor.display_name,
            assignee_name=Actor(member.telegram_user_id, member).display_name,
            assignee_user_id=member.telegram_user_id,
        )
        return ticket

    # ------------------------------------------------------------------------------------------
    # citizen actions
    # ------------------------------------------------------------------------------------------
    async def follow_up(
        self,
        ref: int | str,
        actor: Actor,
        text: str,
        *,
        attachments: Mapping[str, Sequence[str]] | None = None,
    ) -> Ticket:
        """The citizen adds a message (and attachments: ``{"photos": [file id], "documents":
        [...]}``, kept with the ticket and forwarded to the department); answering a request for
        information resumes the clock. A message may be attachments alone."""
        added = self._attachments(attachments)
        text = (text or "").strip() if added else self._text(text)
        if len(text) > MAX_TEXT:
            raise ValidationError("error-text_too_long", max=MAX_TEXT)
        ticket, _citizen = await self._citizen_ticket(ref, actor)
        was = ticket.status
        tr = transition(
            ticket.status,
            Action.FOLLOW_UP,
            assigned=ticket.assignee_id is not None,
            number=ticket.number,
        )
        now = self.clock.now()
        changes = self._resume_changes(ticket, now)
        paused = changes.pop("_paused", None)
        if added:
            details = dict(ticket.details or {})
            for kind, ids in added.items():
                kept = [*details.get(kind, []), *ids]
                if len(kept) > MAX_ATTACHMENTS:
                    raise ValidationError("error-too_many_attachments", max=MAX_ATTACHMENTS)
                details[kind] = kept
            changes["details"] = details
        await self._update(ticket, status=tr.new, **changes)
        self._event(
            ticket,
            tr.event_kind,
            "citizen",
            actor.actor_id,
            text=text,
            resumed=was == Status.WAITING_CITIZEN,
            paused_seconds=paused,
            **{kind: list(ids) for kind, ids in added.items()},  # type: ignore[arg-type]
        )
        await self._to_staff(
            notify.FollowedUp,
            ticket,
            text=redact_text(text),
            resumed=was == Status.WAITING_CITIZEN,
            resolution_due_at=ticket.resolution_due_at,
            files=Files.from_details(added),
        )
        return ticket

    async def confirm_resolved(self, ref: int | str, actor: Actor) -> Ticket:
        """The citizen says the answer solved it: the ticket closes."""
        ticket, _citizen = await self._citizen_ticket(ref, actor)
        tr = transition(ticket.status, Action.CONFIRM, number=ticket.number)
        await self._update(ticket, status=tr.new, closed_at=self.clock.now(), paused_at=None)
        self._event(ticket, tr.event_kind, "citizen", actor.actor_id)
        dept, _cfg = await self._department(ticket.department_id)
        to = [*await self._notice_recipients(ticket, dept), *self._citizen_of(ticket)]
        await self._publish(notify.TicketConfirmed, ticket, dept.slug, to)
        return ticket

    async def rate(
        self, ref: int | str, actor: Actor, score: int, comment: str | None = None
    ) -> Ticket:
        """The citizen rates the service 1..5, once: a second rating (a star pressed again, an
        old keyboard) raises ``error.already_rated`` and changes nothing. A comment can follow
        with :meth:`comment_rating`."""
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise ValidationError("error-bad_rating")
        ticket, _citizen = await self._citizen_ticket(ref, actor)
        tr = transition(ticket.status, Action.RATE, number=ticket.number)
        self._check_not_rated(ticket)
        comment = (comment or "").strip() or None
        if comment is not None and len(comment) > MAX_TEXT:
            raise ValidationError("error-text_too_long", max=MAX_TEXT)
        try:
            await self._update(ticket, rating=score, rating_comment=comment)
        except Conflict:
            fresh = await self._load(ticket.id)  # type: ignore[arg-type]
            if fresh is not None:
                self._check_not_rated(fresh)  # rated by a concurrent press
            raise
        self._event(ticket, tr.event_kind, "citizen", actor.actor_id, rating=score, comment=comment)
        await self._to_staff(
            notify.TicketRated, ticket, rating=score, comment=redact_text(comment or "")
        )
        return ticket

    async def comment_rating(self, ref: int | str, actor: Actor, comment: str) -> Ticket:
        """The citizen's comment on the rating they gave (once; the department is told)."""
        comment = self._text(comment)
        ticket, _citizen = await self._citizen_ticket(ref, actor)
        tr = transition(ticket.status, Action.COMMENT_RATING, number=ticket.number)
        if ticket.rating is None or ticket.rating_comment:
            raise ValidationError("error-invalid")
        await self._update(ticket, rating_comment=comment)
        self._event(
            ticket,
            tr.event_kind,
            "citizen",
            actor.actor_id,
            rating=ticket.rating,
            comment=comment,
        )
        await self._to_staff(
            notify.RatingCommented,
            ticket,
            rating=int(ticket.rating),
            comment=redact_text(comment),
        )
        return ticket

    async def answer_closure_callback(
        self, ref: int | str, actor: Actor, solved: bool
    ) -> CallbackAnswer:
        """The citizen pressed [Solved] (``tk:solved:<id>``) or [Not solved]
        (``tk:unsolved:<id>``) under the post-closure question (:mod:`tickets.sweeps.closure`).

        Records ``callback_solved`` / ``callback_unsolved`` in the audit trail (counted by the
        resolution rate, :mod:`tickets.reports.stats`); "not solved" on a closed ticket reopens
        it for its department (:meth:`reopen`, which tells the department and may give a
        fresh resolution window). A second answer changes nothing (``already``). Raises
        :class:`~tickets.errors.NotAllowed` when ``actor`` is not the ticket's citizen."""
        ticket, _citizen = await self._citizen_ticket(ref, actor)
        dept, _cfg = await self._department(ticket.department_id)
        action = Action.CALLBACK_SOLVED if solved else Action.CALLBACK_UNSOLVED
        tr = transition(ticket.status, action, number=ticket.number)
        stmt = select(TicketEvent.id).where(
            TicketEvent.ticket_id == ticket.id, col(TicketEvent.kind).in_(CALLBACK_KINDS)
        )
        answer = dict(
            ticket_id=ticket.id, number=ticket.number, solved=solved, department=dept.slug
        )
        if (await self.session.exec(stmt)).first() is not None:
            return CallbackAnswer(**answer, reopened=False, already=True)  # type: ignore[arg-type]
        self._event(ticket, tr.event_kind, "citizen", actor.actor_id)
        await self.session.flush()
        reopened = False
        if not solved and ticket.status == Status.CLOSED:
            try:
                await self.reopen(ticket.id, actor, reason="callback: not solved")  # type: ignore[arg-type]
                reopened = True
            except (InvalidTransition, ValidationError):  # e.g. closed too long ago
                pass
        return CallbackAnswer(**answer, reopened=reopened, already=False)  # type: ignore[arg-type]

    def _check_not_rated(self, ticket: Ticket) -> None:
        if ticket.rating is not None:
            raise ValidationError(
                "error-already_rated", number=ticket.number, stars="⭐" * int(ticket.rating)
            )

    # ------------------------------------------------------------------------------------------
    # the system's actions (the sweeps)
    # ------------------------------------------------------------------------------------------
    async def auto_close(
        self, ticket_id: int, now: datetime, window: WorkWindow
    ) -> tuple[Ticket, list[Queued]] | None:
        """Close an answered ticket the citizen did not react to within ``window`` of working
        time (the deadline sweep's caller checked it is due): the system's action
        (``Action.AUTO_CLOSE``), through the conditional update, so it never overrides a
        concurrent citizen action; the citizen is told and may rate it or reopen it. None when
        someone acted first (the ticket is no longer answered, or changed meanwhile);
        otherwise the ticket and the messages queued."""
        ticket = await self._load(ticket_id)
        if ticket is None:
            return None
        try:
            tr = transition(ticket.status, Action.AUTO_CLOSE, number=ticket.number)
            await self._update(
                ticket,
                now=now,
                status=tr.new,
                closed_at=now,
                paused_at=None,
                next_reminder_at=None,
            )
        except (InvalidTransition, Conflict):
            return None
        self._event(
            ticket,
            tr.event_kind,
            "system",
            None,
            at=now,
            auto=True,
            reason="no_reaction",
            after=str(window),
        )
        dept, _cfg = await self._department(ticket.department_id)
        event = notify.TicketAutoClosed(
            at=now,
            recipients=notify.unique_recipients(self._citizen_of(ticket)),
            dedupe_key=f"autoclose:{ticket.id}:{ticket.version}",
            ticket=self._ticket_ref(ticket, dept.slug),
            answered_at=ticket.answered_at or now,
            window=window,
        )
        return ticket, await self.notifier.publish(event)

    # ------------------------------------------------------------------------------------------
    # queries (see tickets.queries)
    # ------------------------------------------------------------------------------------------
    async def queue(
        self, actor: Actor, department_slug: str | None = None, page: int = 1, page_size: int = 10
    ) -> queries.QueuePage:
        return await queries.queue(
            self.session, actor, department_slug, page=page, page_size=page_size
        )

    async def details(self, ref: int | str, actor: Actor) -> queries.TicketDetails:
        return await queries.ticket_details(
            self.session, actor, ref, now=self.clock.now(), tz=self.tz
        )

    async def citizen_tickets(
        self, actor: Actor, page: int = 1, page_size: int = 10
    ) -> queries.CitizenPage:
        return await queries.citizen_tickets(self.session, actor, page=page, page_size=page_size)

    # ------------------------------------------------------------------------------------------
    # helpers: loading and authorisation
    # ------------------------------------------------------------------------------------------
    async def _load(self, ticket_id: int) -> Ticket | None:
        stmt = (
            select(Ticket).where(Ticket.id == ticket_id).execution_options(populate_existing=True)
        )
        return (await self.session.exec(stmt)).first()

    async def _load_ref(self, ref: int | str) -> Ticket | None:
        return await queries.load_ticket(self.session, ref, now=self.clock.now(), tz=self.tz)

    def _unavailable(self, actor: Actor, ticket: Ticket | None) -> Exception:
        if ticket is None and actor.is_admin:
            return NotFound()
        return NotAllowed()

    async def _staff_ticket(self, ref: int | str, actor: Actor) -> Ticket:
        ticket = await self._load_ref(ref)
        if ticket is None:
            raise self._unavailable(actor, None)
        return ensure_staff(actor, ticket)

    async def _citizen_ticket(self, ref: int | str, actor: Actor) -> tuple[Ticket, Citizen]:
        ticket = await self._load_ref(ref)
        if ticket is None:
            raise self._unavailable(actor, None)
        citizen = await self._citizen(ticket)
        ensure_citizen_owner(actor, ticket, citizen)
        assert ticket is not None and citizen is not None
        return ticket, citizen

    async def _head_ticket(
        self, ref: int | str, actor: Actor
    ) -> tuple[Ticket, Department, DepartmentConfig | None]:
        ticket = await self._load_ref(ref)
        if ticket is None:
            raise self._unavailable(actor, None)
        dept, cfg = await self._department(ticket.department_id)
        if not can_decide_extension(actor, ticket, dept):
            if can_staff_act(actor, ticket):
                raise NotAllowed("error-not_allowed")
            raise NotAllowed()
        return ticket, dept, cfg

    async def _check_not_taken(self, ticket: Ticket, actor: Actor) -> None:
        if (
            ticket.status not in (Status.NEW, Status.CLOSED)
            and ticket.assignee_id is not None
            and ticket.assignee_id != _staff_id(actor)
        ):
            who = await self.session.get(StaffMember, ticket.assignee_id)
            name = Actor(who.telegram_user_id, who).display_name if who else "?"
            raise Conflict("error-already_taken", number=ticket.number, name=name)

    async def _citizen(self, ticket: Ticket) -> Citizen | None:
        if ticket.citizen_id is None:
            return None
        return await self.session.get(Citizen, ticket.citizen_id)

    async def _department(self, department_id: int) -> tuple[Department, DepartmentConfig | None]:
        dept = await self.session.get(Department, department_id)
        if dept is None:  # pragma: no cover - foreign key
            raise NotFound()
        return dept, self.config.get(dept.slug)

    async def _department_by_slug(self, slug: str) -> tuple[Department, DepartmentConfig]:
        slug = (slug or "").strip().lower()
        cfg = self.config.get(slug)
        dept = (await self.session.exec(select(Department).where(Department.slug == slug))).first()
        if cfg is None or dept is None or not dept.active:
            raise ValidationError("error-unknown_department", slug=slug)
        return dept, cfg

    async def _pending_extension(self, ticket: Ticket) -> TicketEvent | None:
        stmt = (
            select(TicketEvent)
            .where(
                TicketEvent.ticket_id == ticket.id,
                col(TicketEvent.kind).in_(EXTENSION_KINDS),
            )
            .order_by(col(TicketEvent.id).desc())
            .limit(1)
        )
        last = (await self.session.exec(stmt)).first()
        return last if last is not None and last.kind == "extension_requested" else None

    # ------------------------------------------------------------------------------------------
    # helpers: changes
    # ------------------------------------------------------------------------------------------
    async def _update(self, ticket: Ticket, *, now: datetime | None = None, **changes: Any) -> None:
        """Conditional UPDATE on ``version``; raises :class:`Conflict` if someone was first."""
        changes.pop("_paused", None)
        changes["updated_at"] = now or self.clock.now()
        if "response_due_at" in changes or "resolution_due_at" in changes:
            # A moved deadline (earlier after a retype or transfer, later after a pause): the
            # scheduler plans this ticket afresh on its next round.
            changes["next_reminder_at"] = None
        seen = ticket.version
        stmt = (
            update(Ticket)
            .where(col(Ticket.id) == ticket.id, col(Ticket.version) == seen)
            .values(**changes, version=seen + 1)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.exec(stmt)
        if result.rowcount != 1:
            raise Conflict("error-conflict", number=ticket.number)
        for key, value in changes.items():
            set_committed_value(ticket, key, value)
        set_committed_value(ticket, "version", seen + 1)

    def _resume_changes(self, ticket: Ticket, now: datetime) -> dict[str, Any]:
        """If paused: move the open deadlines by the working time paused, clear the pause."""
        if ticket.paused_at is None:
            return {}
        paused = self.calendar.working_time_between(ticket.paused_at, now)
        changes: dict[str, Any] = {"paused_at": None, "_paused": int(paused.total_seconds())}
        if paused > timedelta(0):
            if ticket.resolution_due_at is not None and ticket.closed_at is None:
                changes["resolution_due_at"] = self.calendar.add_working_time(
                    ticket.resolution_due_at, paused
                )
            if ticket.response_due_at is not None and ticket.first_response_at is None:
                changes["response_due_at"] = self.calendar.add_working_time(
                    ticket.response_due_at, paused
                )
        return changes

    def _event(
        self,
        ticket: Ticket,
        kind: str,
        actor_kind: str,
        actor_id: int | None,
        *,
        at: datetime | None = None,
        **data: Any,
    ) -> TicketEvent:
        event = TicketEvent(
            ticket_id=ticket.id,  # type: ignore[arg-type]
            at=at or self.clock.now(),
            actor_kind=actor_kind,
            actor_id=actor_id,
            kind=kind,
            data={k: v for k, v in data.items() if v is not None},
        )
        self.session.add(event)
        return event

    def _text(self, text: str, *, key: str = "error-empty_text") -> str:
        text = (text or "").strip()
        if not text:
            raise ValidationError(key)
        if len(text) > MAX_TEXT:
            raise ValidationError("error-text_too_long", max=MAX_TEXT)
        return text

    def _attachments(self, given: Mapping[str, Sequence[str]] | None) -> dict[str, list[str]]:
        """The non-empty attachment lists of known kinds (file ids are short strings)."""
        kept: dict[str, list[str]] = {}
        for kind, ids in (given or {}).items():
            if kind not in ATTACHMENT_KINDS or isinstance(ids, str):
                raise ValidationError("error-invalid")
            clean = [str(i) for i in ids if isinstance(i, str) and 0 < len(i) <= 256]
            if len(clean) != len(ids):
                raise ValidationError("error-invalid")
            if len(clean) > MAX_ATTACHMENTS:
                raise ValidationError("error-too_many_attachments", max=MAX_ATTACHMENTS)
            if clean:
                kept[kind] = clean
        return kept

    def _check_type(self, demand_type: str) -> None:
        if demand_type not in DEMAND_TYPES:
            raise ValidationError(
                "error-bad_demand_type", value=demand_type, allowed=", ".join(DEMAND_TYPES)
            )

    def _sla(self, cfg: DepartmentConfig | None, demand_type: str, urgent: bool) -> Sla:
        if cfg is None:  # the department left the configuration: built-in defaults
            from tickets.config.desk import BUILTIN_SLA, BUILTIN_URGENT
            from tickets.worktime.durations import parse_window

            response, resolution = BUILTIN_URGENT if urgent else BUILTIN_SLA[demand_type]
            return Sla(parse_window(response), parse_window(resolution))
        return cfg.sla_for(demand_type, urgent)

    # ------------------------------------------------------------------------------------------
    # helpers: events (see tickets.notify)
    # ------------------------------------------------------------------------------------------
    def _citizen_lang(self, ticket: Ticket, citizen: Citizen | None) -> str | None:
        return (citizen.language if citizen is not None else None) or ticket.lang

    def _ticket_ref(self, ticket: Ticket, department: str) -> TicketRef:
        return TicketRef(
            ticket.id,  # type: ignore[arg-type]
            ticket.number,
            department,
            ticket.lang,
            ticket.citizen_id,
        )

    def _post(self, ticket: Ticket, citizen: Citizen | None) -> Post:
        """The ticket as staff see it in a chat: masked identity, redacted text."""
        return Post(
            demand_type=ticket.demand_type,
            urgent=bool(ticket.urgent),
            name=mask_name(citizen.display_name if citizen else None) or None,
            phone=mask_phone(citizen.phone if citizen else None) or None,
            text=redact_text(ticket.text),
            response_due_at=ticket.response_due_at,
            resolution_due_at=ticket.resolution_due_at,
            files=Files.from_details(ticket.details),
        )

    def _citizen_of(self, ticket: Ticket) -> list[Recipient]:
        """The ticket's citizen as a recipient (the notifier skips one who cannot be reached:
        they erased their data, see :meth:`citizen_address`)."""
        return [ToCitizen(ticket.citizen_id)] if ticket.citizen_id is not None else []

    async def _publish(
        self,
        event_type: type[notify.TicketNotice],
        ticket: Ticket,
        department: str,
        recipients: Sequence[Recipient],
        **facts: Any,
    ) -> list[Queued]:
        """Raise an event about ``ticket``; its messages are tagged with the ticket's citizen,
        whose erasure deletes them (to staff they may show their masked identity and words)."""
        event = event_type(
            at=self.clock.now(),
            recipients=notify.unique_recipients(recipients),
            about=ticket.citizen_id,
            ticket=self._ticket_ref(ticket, department),
            **facts,
        )
        return await self.notifier.publish(event)

    async def _to_citizen(
        self, event_type: type[notify.TicketNotice], ticket: Ticket, **facts: Any
    ) -> list[Queued]:
        dept, _cfg = await self._department(ticket.department_id)
        return await self._publish(event_type, ticket, dept.slug, self._citizen_of(ticket), **facts)

    async def _to_staff(
        self, event_type: type[notify.TicketNotice], ticket: Ticket, **facts: Any
    ) -> list[Queued]:
        """An event about the ticket to its department (see :mod:`tickets.people.directory`)."""
        dept, _cfg = await self._department(ticket.department_id)
        to = await self._notice_recipients(ticket, dept)
        return await self._publish(event_type, ticket, dept.slug, to, **facts)

    async def _notice_recipients(self, ticket: Ticket, dept: Department) -> list[ToStaff]:
        assignee = await self._assignee_chat(ticket)
        return await staff_recipients(
            self.session, dept, "notice", assignee=assignee, admins=self.admin_ids
        )

    async def _assignee_chat(self, ticket: Ticket) -> int | None:
        """The private chat of the ticket's assignee, while they are active staff."""
        if ticket.assignee_id is None:
            return None
        member = await self.session.get(StaffMember, ticket.assignee_id)
        return member.telegram_user_id if member is not None and member.active else None

    async def citizen_unreachable(self, ticket_id: int, *, channel: str, why: str) -> Ticket:
        """A message to the ticket's citizen could not be delivered on ``channel`` (``why``:
        ``window``, the channel allows no message so long after their last one; ``unsubscribed``;
        ``failed``): recorded on the ticket (``citizen_unreachable``, shown in its audit trail)
        and told to the department, so that staff reach the citizen another way."""
        ticket = await self.session.get(Ticket, ticket_id)
        if ticket is None:
            raise NotFound()
        self._event(ticket, "citizen_unreachable", "system", None, channel=channel, why=why)
        dept, _cfg = await self._department(ticket.department_id)
        to = await self._notice_recipients(ticket, dept)
        await self._publish(
            notify.CitizenUnreachable, ticket, dept.slug, to, channel=channel, why=why
        )
        return ticket

    async def citizen_address(self, ticket: Ticket) -> CitizenAddress | None:
        """Where the ticket's citizen gets messages; None when they cannot be reached (they
        erased their personal data, or never had a chat): then nothing is sent to them."""
        citizen = await self._citizen(ticket)
        identity = await reach(self.session, citizen)
        if identity is None:
            return None
        return CitizenAddress(identity, self._citizen_lang(ticket, citizen))


def _staff_id(actor: Actor) -> int | None:
    return actor.staff.id if actor.staff is not None and actor.staff.active else None


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None
