"""Tickets as the console lists them (queue rows, CSV lines): masked, redacted, named."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.lookups import staff_names_by_id
from tickets.models import Citizen, Department, StaffMember, Ticket
from tickets.privacy import masked_identity, redact_text
from tickets.reports.stats import ACTIVE_STATUSES
from tickets.search import deadline_of

__all__ = ["Row", "departments", "rows_for", "staff_in"]

EXCERPT = 140


@dataclass(frozen=True)
class Row:
    ticket: Ticket
    department: Department | None
    assignee: str | None
    citizen: str  # masked
    text: str  # redacted
    deadline: datetime | None
    overdue: bool

    @property
    def excerpt(self) -> str:
        flat = " ".join(self.text.split())
        return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


async def departments(session: AsyncSession) -> dict[int, Department]:
    rows = (await session.exec(select(Department).order_by(col(Department.slug)))).all()
    return {d.id: d for d in rows if d.id is not None}


async def staff_in(session: AsyncSession, department_id: int | None) -> list[StaffMember]:
    """Active staff (of one department, or all), by name."""
    stmt = select(StaffMember).where(col(StaffMember.active).is_(True))
    if department_id is not None:
        stmt = stmt.where(StaffMember.department_id == department_id)
    stmt = stmt.order_by(col(StaffMember.display_name), col(StaffMember.id))
    return list((await session.exec(stmt)).all())


def is_overdue(ticket: Ticket, now: datetime) -> bool:
    """Active and an open deadline passed (the digest's rule, see tickets.reports)."""
    if ticket.status not in ACTIVE_STATUSES:
        return False
    response_late = (
        ticket.first_response_at is None
        and ticket.response_due_at is not None
        and ticket.response_due_at <= now
    )
    resolution_late = ticket.resolution_due_at is not None and ticket.resolution_due_at <= now
    return response_late or resolution_late


async def rows_for(
    session: AsyncSession,
    tickets: Sequence[Ticket],
    depts: dict[int, Department],
    now: datetime,
) -> list[Row]:
    ids = [t.citizen_id for t in tickets if t.citizen_id is not None]
    people: dict[int, Citizen] = {}
    if ids:
        stmt = select(Citizen).where(col(Citizen.id).in_(sorted(set(ids))))
        people = {c.id: c for c in (await session.exec(stmt)).all() if c.id is not None}
    names = await staff_names_by_id(
        session, [t.assignee_id for t in tickets if t.assignee_id is not None]
    )
    return [_row(t, depts, people, names, now) for t in tickets]


def _row(
    ticket: Ticket,
    depts: dict[int, Department],
    people: dict[int, Citizen],
    names: dict[int, str],
    now: datetime,
) -> Row:
    citizen = people.get(ticket.citizen_id or -1)
    identity = masked_identity(
        citizen.display_name if citizen else None,
        citizen.phone if citizen else None,
        f"#{ticket.citizen_id or '?'}",
    )
    return Row(
        ticket=ticket,
        department=depts.get(ticket.department_id),
        assignee=names.get(ticket.assignee_id) if ticket.assignee_id is not None else None,
        citizen=identity,
        text=redact_text(ticket.text),
        deadline=deadline_of(ticket),
        overdue=is_overdue(ticket, now),
    )


def unique(values: Iterable[int]) -> list[int]:
    return sorted(set(values))
