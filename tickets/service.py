"""Ticket operations: create, take, reply, note, ask for information, transfer, close, reopen,
extensions, citizen follow-ups, ratings, demand-type correction, contact reveal.

Every operation works in the caller's session and never commits: the handler commits once
(together with its ``ProcessedUpdate`` record), so the state change, its audit event
(``TicketEvent``) and the messages it causes (``Outbox`` rows, via :func:`tickets.outbox.enqueue`)
land together or not at all. Ticket rows are changed with a conditional
``UPDATE ... WHERE id = :id AND version = :seen`` that bumps ``version``: of two concurrent
actions on the same ticket exactly one succeeds, the other gets :class:`~tickets.errors.Conflict`.

Authorisation (:mod:`tickets.authz`) is checked by every operation; a refused or unknown
ticket raises the uniform :class:`~tickets.errors.NotAllowed`.

Deadlines count working time in the :class:`~tickets.workcalendar.WorkCalendar`:

- creation: response and resolution deadlines from the department's SLA for the demand type
  (the urgent SLA when flagged);
- the first staff reply (or request for information) stops the response clock
  (``first_response_at``); closing stops the resolution clock (``closed_at``);
- asking the citizen for information pauses the clock (``paused_at``); when the citizen answers
  (or staff reply or transfer anyway), both open deadlines move by the working time paused;
- transfer: the receiving department's ``transfer_clock`` decides: ``keep`` the deadlines, or
  ``restart`` them from the transfer with the receiving department's SLA;
- an approved extension moves the resolution deadline by N working days;
- a demand-type correction recomputes the deadlines from the creation time with the new SLA;
- a reopened ticket whose resolution deadline has passed gets a fresh resolution window.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets import queries
from tickets.authz import (
    Actor,
    can_decide_extension,
    can_staff_act,
    ensure_citizen_owner,
    ensure_staff,
    is_citizen_owner,
)
from tickets.clock import Clock
from tickets.deptconfig import DEMAND_TYPES, DepartmentConfig, DeskConfig, Sla
from tickets.errors import Conflict, NotAllowed, NotFound, ValidationError
from tickets.i18n import t
from tickets.lifecycle import Action, Status, transition
from tickets.models import Citizen, Department, StaffMember, Ticket, TicketEvent
from tickets.numbering import next_number
from tickets.outbox import enqueue
from tickets.privacy import masked_identity, redact_text
from tickets.texts import (
    Notice,
    add_info_keyboard,
    citizen_reply_keyboard,
    extension_keyboard,
    format_time,
    rating_keyboard,
    staff_ticket_keyboard,
)
from tickets.workcalendar import WorkCalendar

__all__ = ["Contact", "TicketService"]

MAX_TEXT = 4000
EXTENSION_KINDS = ("extension_requested", "extension_approved", "extension_refused")


@dataclass(frozen=True, slots=True)
class Contact:
    """The citizen's unmasked contact, returned by :meth:`TicketService.reveal_contact`."""

    citizen_id: int | None
    display_name: str | None
    phone: str | None
    telegram_user_id: int | None
    chat_id: int | None


class TicketService:
    """Ticket operations on one session (see the module docstring)."""

    def __init__(
        self,
        session: AsyncSession,
        *,
        clock: Clock,
        config: DeskConfig,
        calendar: WorkCalendar | None = None,
        tz: str | tzinfo = "Asia/Shanghai",
        admin_ids: Iterable[int] = (),
        staff_lang: str = "zh",
        citizen_reopen_days: int = 7,
        max_extension_days: int = 30,
    ) -> None:
        self.session = session
        self.clock = clock
        self.config = config
        self.tz: tzinfo = ZoneInfo(tz) if isinstance(tz, str) else tz
        self.calendar = calendar if calendar is not None else config.calendar(self.tz)
        self.admin_ids = tuple(admin_ids)
        self.staff_lang = staff_lang
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
            citizen.telegram_user_id,
            department=dept.slug,
            demand_type=demand_type,
            urgent=urgent,
            text=text,
            response_due_at=_iso(ticket.response_due_at),
            resolution_due_at=_iso(ticket.resolution_due_at),
        )
        body = self._staff_body(ticket, dept, cfg, citizen)
        staff_text = t(self.staff_lang, "staff.new_ticket", body=body)
        keyboard = staff_ticket_keyboard(self.staff_lang, ticket.id)  # type: ignore[arg-type]
        admins = self.admin_ids if admin_ids is None else tuple(admin_ids)
        for chat_id in self._staff_chats(dept, cfg, admins):
            await self._send(ticket, Notice(chat_id, staff_text, keyboard))
            await self._send_attachments(ticket, chat_id)
        if notify_citizen:
            await self._to_citizen(
                ticket,
                citizen,
                "citizen.created",
                response_due=format_time(ticket.response_due_at, self.tz),
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
        self._event(ticket, tr.event_kind, "staff", actor.telegram_user_id)
        dept, cfg = await self._department(ticket.department_id)
        text = t(self.staff_lang, "staff.taken", staff=actor.display_name, number=ticket.number)
        for chat_id in self._staff_chats(dept, cfg, self.admin_ids, group_only=True):
            await self._send(ticket, Notice(chat_id, text))
        return ticket

    async def reply(self, ref: int | str, actor: Actor, text: str) -> Ticket:
        """Answer the citizen: stops the response clock, status ``answered``."""
        text = self._text(text)
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
        self._event(ticket, tr.event_kind, "staff", actor.telegram_user_id, text=text)
        await self._from_department(ticket, "citizen.reply", citizen_reply_keyboard, text=text)
        return ticket

    async def note(self, ref: int | str, actor: Actor, text: str) -> TicketEvent:
        """An internal note: in the audit trail, never shown to the citizen."""
        text = self._text(text)
        ticket = await self._staff_ticket(ref, actor)
        tr = transition(ticket.status, Action.NOTE, number=ticket.number)
        return self._event(ticket, tr.event_kind, "staff", actor.telegram_user_id, text=text)

    async def ask_info(self, ref: int | str, actor: Actor, text: str) -> Ticket:
        """Ask the citizen for information: status ``waiting_citizen``, the clock pauses."""
        text = self._text(text)
        ticket = await self._staff_ticket(ref, actor)
        tr = transition(ticket.status, Action.ASK_INFO, number=ticket.number)
        now = self.clock.now()
        await self._update(
            ticket,
            status=tr.new,
            paused_at=ticket.paused_at or now,
            first_response_at=ticket.first_response_at or now,
            assignee_id=ticket.assignee_id or _staff_id(actor),
        )
        self._event(ticket, tr.event_kind, "staff", actor.telegram_user_id, text=text)
        await self._from_department(ticket, "citizen.ask_info", add_info_keyboard, text=text)
        return ticket

    async def transfer(self, ref: int | str, actor: Actor, to_slug: str, reason: str) -> Ticket:
        """Hand the ticket to another department (unassigned, status ``new`` there)."""
        reason = self._text(reason, key="error.reason_required")
        ticket = await self._staff_ticket(ref, actor)
        new_dept, new_cfg = await self._department_by_slug(to_slug)
        if new_dept.id == ticket.department_id:
            raise ValidationError("error.same_department")
        tr = transition(ticket.status, Action.TRANSFER, number=ticket.number)
        old_dept, old_cfg = await self._department(ticket.department_id)
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
            actor.telegram_user_id,
            from_department=old_dept.slug,
            to_department=new_dept.slug,
            reason=reason,
            clock=policy,
            response_due_at=_iso(ticket.response_due_at),
            resolution_due_at=_iso(ticket.resolution_due_at),
        )
        citizen = await self._citizen(ticket)
        body = self._staff_body(ticket, new_dept, new_cfg, citizen)
        text = t(
            self.staff_lang,
            "staff.transferred_in",
            from_department=self._dept_name(old_dept, old_cfg, self.staff_lang),
            reason=redact_text(reason),
            body=body,
        )
        keyboard = staff_ticket_keyboard(self.staff_lang, ticket.id)  # type: ignore[arg-type]
        for chat_id in self._staff_chats(new_dept, new_cfg, self.admin_ids):
            await self._send(ticket, Notice(chat_id, text, keyboard))
            await self._send_attachments(ticket, chat_id)
        lang = self._citizen_lang(ticket, citizen)
        await self._to_citizen(
            ticket, citizen, "citizen.transferred", department=new_cfg.name_for(lang)
        )
        return ticket

    async def close(self, ref: int | str, actor: Actor, resolution: str = "") -> Ticket:
        """Close the ticket (stops the resolution clock) and ask the citizen for a rating."""
        ticket = await self._staff_ticket(ref, actor)
        tr = transition(ticket.status, Action.CLOSE, number=ticket.number)
        now = self.clock.now()
        await self._update(ticket, status=tr.new, closed_at=now, paused_at=None)
        self._event(
            ticket, tr.event_kind, "staff", actor.telegram_user_id, resolution=resolution.strip()
        )
        citizen = await self._citizen(ticket)
        await self._to_citizen(
            ticket,
            citizen,
            "citizen.closed",
            keyboard=lambda lang: rating_keyboard(lang, ticket.id),  # type: ignore[arg-type]
            resolution=resolution.strip(),
        )
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
            raise ValidationError("error.reopen_expired", days=self.citizen_reopen_days)
        assignee = ticket.assignee_id or (_staff_id(actor) if by_staff else None)
        tr = transition(
            ticket.status, Action.REOPEN, assigned=assignee is not None, number=ticket.number
        )
        was = ticket.status
        changes: dict[str, Any] = {"status": tr.new, "closed_at": None, "assignee_id": assignee}
        if ticket.resolution_due_at is not None and ticket.resolution_due_at <= now:
            _dept, cfg = await self._department(ticket.department_id)
            sla = self._sla(cfg, ticket.demand_type, ticket.urgent)
            changes["resolution_due_at"] = self.calendar.deadline(now, sla.resolution)
        await self._update(ticket, **changes)
        self._event(
            ticket,
            tr.event_kind,
            "staff" if by_staff else "citizen",
            actor.telegram_user_id,
            reason=reason.strip(),
            previous=was,
        )
        if by_staff:
            citizen = await self._citizen(ticket)
            await self._to_citizen(ticket, citizen, "citizen.reopened")
        else:
            key = "staff.reopened_by_citizen" if was == Status.CLOSED else "staff.not_resolved"
            await self._to_staff(ticket, t(self.staff_lang, key, number=ticket.number))
        return ticket

    async def request_extension(
        self, ref: int | str, actor: Actor, days: int, reason: str
    ) -> Ticket:
        """Ask the department head for ``days`` more working days (before the deadline only)."""
        reason = self._text(reason, key="error.reason_required")
        ticket = await self._staff_ticket(ref, actor)
        if isinstance(days, bool) or not isinstance(days, int):
            raise ValidationError("error.bad_days", max=self.max_extension_days)
        if not 1 <= days <= self.max_extension_days:
            raise ValidationError("error.bad_days", max=self.max_extension_days)
        tr = transition(ticket.status, Action.EXTEND, number=ticket.number)
        now = self.clock.now()
        due = ticket.resolution_due_at
        if due is None or now >= due:
            raise ValidationError(
                "error.deadline_passed", deadline=format_time(due, self.tz, self.staff_lang)
            )
        if await self._pending_extension(ticket) is not None:
            raise ValidationError("error.extension_pending")
        proposed = self.calendar.add_working_days(due, days)
        await self._update(ticket)
        self._event(
            ticket,
            tr.event_kind,
            "staff",
            actor.telegram_user_id,
            days=days,
            reason=reason,
            old_deadline=_iso(due),
            proposed_deadline=_iso(proposed),
        )
        dept, cfg = await self._department(ticket.department_id)
        text = t(
            self.staff_lang,
            "staff.extension_request",
            staff=actor.display_name,
            number=ticket.number,
            days=days,
            old_deadline=format_time(due, self.tz),
            new_deadline=format_time(proposed, self.tz),
            reason=redact_text(reason),
        )
        keyboard = extension_keyboard(self.staff_lang, ticket.id)  # type: ignore[arg-type]
        for chat_id in await self._head_chats(dept, cfg):
            await self._send(ticket, Notice(chat_id, text, keyboard))
        return ticket

    async def approve_extension(self, ref: int | str, actor: Actor) -> Ticket:
        """Head/admin approves the pending extension: new deadline, the citizen is told why."""
        ticket, _dept, _cfg = await self._head_ticket(ref, actor)
        tr = transition(ticket.status, Action.APPROVE_EXTENSION, number=ticket.number)
        request = await self._pending_extension(ticket)
        if request is None:
            raise ValidationError("error.no_pending_extension")
        days = int(request.data["days"])
        reason = str(request.data.get("reason", ""))
        old = ticket.resolution_due_at or self.clock.now()
        new = self.calendar.add_working_days(old, days)
        await self._update(ticket, resolution_due_at=new, escalation_level=0)
        self._event(
            ticket,
            tr.event_kind,
            "staff",
            actor.telegram_user_id,
            request_event_id=request.id,
            days=days,
            reason=reason,
            old_deadline=_iso(old),
            new_deadline=_iso(new),
        )
        await self._to_staff(
            ticket,
            t(
                self.staff_lang,
                "staff.extension_approved",
                number=ticket.number,
                deadline=format_time(new, self.tz),
            ),
        )
        citizen = await self._citizen(ticket)
        await self._to_citizen(
            ticket,
            citizen,
            "citizen.extended",
            deadline=format_time(new, self.tz),
            reason=reason,
        )
        return ticket

    async def refuse_extension(self, ref: int | str, actor: Actor, reason: str = "") -> Ticket:
        """Head/admin refuses the pending extension; the deadline stays."""
        ticket, _dept, _cfg = await self._head_ticket(ref, actor)
        tr = transition(ticket.status, Action.REFUSE_EXTENSION, number=ticket.number)
        request = await self._pending_extension(ticket)
        if request is None:
            raise ValidationError("error.no_pending_extension")
        await self._update(ticket)
        self._event(
            ticket,
            tr.event_kind,
            "staff",
            actor.telegram_user_id,
            request_event_id=request.id,
            reason=reason.strip(),
        )
        await self._to_staff(
            ticket,
            t(
                self.staff_lang,
                "staff.extension_refused",
                number=ticket.number,
                reason=redact_text(reason.strip()),
            ),
        )
        return ticket

    async def set_demand_type(self, ref: int | str, actor: Actor, demand_type: str) -> Ticket:
        """Correct the demand type; deadlines are recomputed from creation with the new SLA."""
        self._check_type(demand_type)
        ticket = await self._staff_ticket(ref, actor)
        if demand_type == ticket.demand_type:
            raise ValidationError("error.same_demand_type")
        tr = transition(ticket.status, Action.RETYPE, number=ticket.number)
        _dept, cfg = await self._department(ticket.department_id)
        sla = self._sla(cfg, demand_type, ticket.urgent)
        changes: dict[str, Any] = {
            "demand_type": demand_type,
            "resolution_due_at": self.calendar.deadline(ticket.created_at, sla.resolution),
        }
        if ticket.first_response_at is None:
            changes["response_due_at"] = self.calendar.deadline(ticket.created_at, sla.response)
        old_type = ticket.demand_type
        await self._update(ticket, **changes)
        self._event(
            ticket,
            tr.event_kind,
            "staff",
            actor.telegram_user_id,
            old=old_type,
            new=demand_type,
            response_due_at=_iso(ticket.response_due_at),
            resolution_due_at=_iso(ticket.resolution_due_at),
        )
        return ticket

    async def reveal_contact(self, ref: int | str, actor: Actor) -> Contact:
        """The unmasked contact; who revealed it and when goes into the audit trail."""
        ticket = await self._staff_ticket(ref, actor)
        tr = transition(ticket.status, Action.REVEAL, number=ticket.number)
        citizen = await self._citizen(ticket)
        self._event(ticket, tr.event_kind, "staff", actor.telegram_user_id)
        if citizen is None:
            return Contact(None, None, None, None, None)
        return Contact(
            citizen_id=citizen.id,
            display_name=citizen.display_name,
            phone=citizen.phone,
            telegram_user_id=citizen.telegram_user_id,
            chat_id=citizen.chat_id,
        )

    async def assign(self, ref: int | str, actor: Actor, assignee_user_id: int) -> Ticket:
        """A head of the ticket's department or an administrator hands the ticket to a named
        member of its department (taken or not); the assignee is told privately."""
        ticket, dept, cfg = await self._head_ticket(ref, actor)
        stmt = select(StaffMember).where(
            StaffMember.telegram_user_id == assignee_user_id,
            StaffMember.department_id == ticket.department_id,
            StaffMember.active == True,  # noqa: E712 - SQL expression
        )
        member = (await self.session.exec(stmt)).first()
        if member is None:
            raise ValidationError("error.not_assignable")
        if member.id == ticket.assignee_id:
            raise ValidationError("error.same_assignee", number=ticket.number)
        tr = transition(ticket.status, Action.ASSIGN, number=ticket.number)
        previous = ticket.assignee_id
        await self._update(ticket, status=tr.new, assignee_id=member.id)
        self._event(
            ticket,
            tr.event_kind,
            "staff",
            actor.telegram_user_id,
            assignee=member.telegram_user_id,
            previous_assignee_id=previous,
        )
        name = Actor(member.telegram_user_id, member).display_name
        text = t(
            self.staff_lang,
            "staff.assigned",
            staff=actor.display_name,
            number=ticket.number,
            assignee=name,
        )
        for chat_id in self._staff_chats(dept, cfg, self.admin_ids, group_only=True):
            await self._send(ticket, Notice(chat_id, text))
        if member.telegram_user_id != actor.telegram_user_id:
            personal = t(
                self.staff_lang, "staff.assigned_to_you", staff=actor.display_name,
                number=ticket.number,
            )  # fmt: skip
            await self._send(ticket, Notice(member.telegram_user_id, personal))
        return ticket

    async def set_urgent(self, ref: int | str, actor: Actor, urgent: bool) -> Ticket:
        """Set or clear the urgent flag; deadlines are recomputed from creation with the urgent
        SLA (or the demand type's), as for a demand-type correction. (Main has its own
        ``set_urgent`` with this signature: on merging, keep that one.)"""
        ticket = await self._staff_ticket(ref, actor)
        if bool(urgent) == ticket.urgent:
            state = t(self.staff_lang, "label.urgent_yes" if urgent else "label.urgent_no")
            raise ValidationError("error.same_urgency", number=ticket.number, state=state)
        tr = transition(ticket.status, Action.MARK_URGENT, number=ticket.number)
        _dept, cfg = await self._department(ticket.department_id)
        sla = self._sla(cfg, ticket.demand_type, bool(urgent))
        changes: dict[str, Any] = {
            "urgent": bool(urgent),
            "resolution_due_at": self.calendar.deadline(ticket.created_at, sla.resolution),
        }
        if ticket.first_response_at is None:
            changes["response_due_at"] = self.calendar.deadline(ticket.created_at, sla.response)
        await self._update(ticket, **changes)
        self._event(
            ticket,
            tr.event_kind,
            "staff",
            actor.telegram_user_id,
            urgent=bool(urgent),
            response_due_at=_iso(ticket.response_due_at),
            resolution_due_at=_iso(ticket.resolution_due_at),
        )
        return ticket

    # ------------------------------------------------------------------------------------------
    # citizen actions
    # ------------------------------------------------------------------------------------------
    async def follow_up(self, ref: int | str, actor: Actor, text: str) -> Ticket:
        """The citizen adds a message; answering a request for information resumes the clock."""
        text = self._text(text)
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
        await self._update(ticket, status=tr.new, **changes)
        self._event(
            ticket,
            tr.event_kind,
            "citizen",
            actor.telegram_user_id,
            text=text,
            resumed=was == Status.WAITING_CITIZEN,
            paused_seconds=paused,
        )
        if was == Status.WAITING_CITIZEN:
            staff_text = t(
                self.staff_lang,
                "staff.info_received",
                number=ticket.number,
                resolution_due=format_time(ticket.resolution_due_at, self.tz),
                text=redact_text(text),
            )
        else:
            staff_text = t(
                self.staff_lang, "staff.follow_up", number=ticket.number, text=redact_text(text)
            )
        await self._to_staff(ticket, staff_text)
        return ticket

    async def confirm_resolved(self, ref: int | str, actor: Actor) -> Ticket:
        """The citizen says the answer solved it: the ticket closes."""
        ticket, citizen = await self._citizen_ticket(ref, actor)
        tr = transition(ticket.status, Action.CONFIRM, number=ticket.number)
        await self._update(ticket, status=tr.new, closed_at=self.clock.now(), paused_at=None)
        self._event(ticket, tr.event_kind, "citizen", actor.telegram_user_id)
        await self._to_staff(ticket, t(self.staff_lang, "staff.confirmed", number=ticket.number))
        await self._to_citizen(
            ticket,
            citizen,
            "citizen.closed",
            keyboard=lambda lang: rating_keyboard(lang, ticket.id, with_reopen=False),  # type: ignore[arg-type]
            resolution="",
        )
        return ticket

    async def rate(
        self, ref: int | str, actor: Actor, score: int, comment: str | None = None
    ) -> Ticket:
        """The citizen rates the service 1..5 (again to change it or add a comment)."""
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            raise ValidationError("error.bad_rating")
        ticket, _citizen = await self._citizen_ticket(ref, actor)
        tr = transition(ticket.status, Action.RATE, number=ticket.number)
        comment = (comment or "").strip() or None
        if comment is not None and len(comment) > MAX_TEXT:
            raise ValidationError("error.text_too_long", max=MAX_TEXT)
        await self._update(ticket, rating=score, rating_comment=comment or ticket.rating_comment)
        self._event(
            ticket, tr.event_kind, "citizen", actor.telegram_user_id, rating=score, comment=comment
        )
        await self._to_staff(
            ticket,
            t(
                self.staff_lang,
                "staff.rated",
                number=ticket.number,
                rating=score,
                comment=redact_text(comment or ""),
            ),
        )
        return ticket

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
                raise NotAllowed("error.not_allowed")
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
            raise Conflict("error.already_taken", number=ticket.number, name=name)

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
            raise ValidationError("error.unknown_department", slug=slug)
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
    async def _update(self, ticket: Ticket, **changes: Any) -> None:
        """Conditional UPDATE on ``version``; raises :class:`Conflict` if someone was first."""
        changes.pop("_paused", None)
        changes["updated_at"] = self.clock.now()
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
            raise Conflict("error.conflict", number=ticket.number)
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
        **data: Any,
    ) -> TicketEvent:
        event = TicketEvent(
            ticket_id=ticket.id,  # type: ignore[arg-type]
            at=self.clock.now(),
            actor_kind=actor_kind,
            actor_id=actor_id,
            kind=kind,
            data={k: v for k, v in data.items() if v is not None},
        )
        self.session.add(event)
        return event

    def _text(self, text: str, *, key: str = "error.empty_text") -> str:
        text = (text or "").strip()
        if not text:
            raise ValidationError(key)
        if len(text) > MAX_TEXT:
            raise ValidationError("error.text_too_long", max=MAX_TEXT)
        return text

    def _check_type(self, demand_type: str) -> None:
        if demand_type not in DEMAND_TYPES:
            raise ValidationError(
                "error.bad_demand_type", value=demand_type, allowed=", ".join(DEMAND_TYPES)
            )

    def _sla(self, cfg: DepartmentConfig | None, demand_type: str, urgent: bool) -> Sla:
        if cfg is None:  # the department left the configuration: built-in defaults
            from tickets.deptconfig import BUILTIN_SLA, BUILTIN_URGENT
            from tickets.durations import parse_window

            response, resolution = BUILTIN_URGENT if urgent else BUILTIN_SLA[demand_type]
            return Sla(parse_window(response), parse_window(resolution))
        return cfg.sla_for(demand_type, urgent)

    # ------------------------------------------------------------------------------------------
    # helpers: messages
    # ------------------------------------------------------------------------------------------
    def _dept_name(self, dept: Department, cfg: DepartmentConfig | None, lang: str | None) -> str:
        if cfg is not None:
            return cfg.name_for(lang)
        return dept.name_en if (lang or "").startswith("en") else dept.name_zh

    def _citizen_lang(self, ticket: Ticket, citizen: Citizen | None) -> str | None:
        return (citizen.language if citizen is not None else None) or ticket.lang

    def _staff_body(
        self,
        ticket: Ticket,
        dept: Department,
        cfg: DepartmentConfig | None,
        citizen: Citizen | None,
    ) -> str:
        """The ticket as staff see it in a chat: masked identity, redacted text."""
        lang = self.staff_lang
        fallback = f"{t(lang, 'label.citizen')} #{ticket.citizen_id or '?'}"
        identity = masked_identity(
            citizen.display_name if citizen else None,
            citizen.phone if citizen else None,
            fallback,
        )
        return t(
            lang,
            "staff.ticket_body",
            number=ticket.number,
            department=self._dept_name(dept, cfg, lang),
            type=t(lang, f"type.{ticket.demand_type}"),
            urgent=f" {t(lang, 'label.urgent')}" if ticket.urgent else "",
            citizen=identity,
            response_due=format_time(ticket.response_due_at, self.tz, lang),
            resolution_due=format_time(ticket.resolution_due_at, self.tz, lang),
            text=redact_text(ticket.text),
        )

    def _staff_chats(
        self,
        dept: Department,
        cfg: DepartmentConfig | None,
        admin_ids: Iterable[int],
        *,
        group_only: bool = False,
    ) -> list[int]:
        """The department's staff chat; without one, its head, else the administrators."""
        chat = cfg.staff_chat_id if cfg is not None else dept.staff_chat_id
        if chat is not None:
            return [chat]
        if group_only:
            return []
        head = cfg.head_user_id if cfg is not None else dept.head_user_id
        if head is not None:
            return [head]
        return list(dict.fromkeys(admin_ids))

    async def _head_chats(self, dept: Department, cfg: DepartmentConfig | None) -> list[int]:
        """Who decides on extensions: the configured head, else active heads, else admins,
        else the staff chat."""
        head = cfg.head_user_id if cfg is not None else dept.head_user_id
        if head is not None:
            return [head]
        stmt = select(StaffMember.telegram_user_id).where(
            StaffMember.department_id == dept.id,
            StaffMember.role == "head",
            StaffMember.active == True,  # noqa: E712 - SQL expression
        )
        heads = list((await self.session.exec(stmt)).all())
        if heads:
            return heads
        if self.admin_ids:
            return list(dict.fromkeys(self.admin_ids))
        return self._staff_chats(dept, cfg, ())

    async def _send(self, ticket: Ticket, notice: Notice) -> None:
        await enqueue(
            self.session,
            notice.chat_id,
            "sendMessage",
            notice.payload(),
            ref=f"ticket:{ticket.id}",
            now=self.clock.now(),
        )

    async def _send_attachments(self, ticket: Ticket, chat_id: int) -> None:
        """The citizen's photos and location, after the ticket's post (file ids are reused:
        nothing is downloaded). A reply to them, like to the post, finds the ticket."""
        details = ticket.details or {}
        caption = t(self.staff_lang, "staff.attachment", number=ticket.number)
        for file_id in details.get("photos") or []:
            await enqueue(
                self.session,
                chat_id,
                "sendPhoto",
                {"photo": file_id, "caption": caption},
                ref=f"ticket:{ticket.id}",
                now=self.clock.now(),
            )
        location = details.get("location")
        if isinstance(location, dict) and {"latitude", "longitude"} <= location.keys():
            await enqueue(
                self.session,
                chat_id,
                "sendLocation",
                {"latitude": location["latitude"], "longitude": location["longitude"]},
                ref=f"ticket:{ticket.id}",
                now=self.clock.now(),
            )

    async def _to_staff(self, ticket: Ticket, text: str) -> None:
        dept, cfg = await self._department(ticket.department_id)
        for chat_id in self._staff_chats(dept, cfg, self.admin_ids):
            await self._send(ticket, Notice(chat_id, text))

    async def _to_citizen(
        self,
        ticket: Ticket,
        citizen: Citizen | None,
        key: str,
        *,
        keyboard: Callable[[str], dict[str, Any]] | None = None,
        **params: Any,
    ) -> None:
        """Tell the citizen ``key`` in their language; ``keyboard(lang)`` builds the buttons."""
        if citizen is None or citizen.erased_at is not None:
            return
        chat_id = citizen.chat_id or citizen.telegram_user_id
        if chat_id is None:
            return
        lang = self._citizen_lang(ticket, citizen)
        text = t(lang, key, number=ticket.number, **params)
        await self._send(ticket, Notice(chat_id, text, keyboard(lang) if keyboard else None))

    async def _from_department(
        self,
        ticket: Ticket,
        key: str,
        keyboard: Callable[[str, int], dict[str, Any]],
        **params: Any,
    ) -> None:
        """A message to the citizen in the name of the ticket's department (reply, question)."""
        dept, cfg = await self._department(ticket.department_id)
        citizen = await self._citizen(ticket)
        lang = self._citizen_lang(ticket, citizen)
        await self._to_citizen(
            ticket,
            citizen,
            key,
            keyboard=lambda lang: keyboard(lang, ticket.id),  # type: ignore[arg-type]
            department=self._dept_name(dept, cfg, lang),
            **params,
        )


def _staff_id(actor: Actor) -> int | None:
    return actor.staff.id if actor.staff is not None and actor.staff.active else None


def _iso(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt is not None else None
