"""Who may do what with a ticket.

- Active staff of the ticket's department, and administrators, may see a ticket and act on it.
- Heads of the ticket's department (``StaffMember.role == "head"``, or the department's
  configured ``head_user_id``) and administrators decide on extension requests.
- The citizen who opened a ticket may see it (without notes or audit trail) and use the
  citizen actions (follow up, confirm, rate, reopen within the allowed period).
- Everyone else (another citizen, staff of another department, inactive staff) gets
  :class:`~tickets.errors.NotAllowed`, whose text does not confirm that the ticket exists.
- Where the answer is seen matters too: an action taken in a department's shared staff chat
  (``Actor.audience_department_id``) may show or touch only that department's tickets, whoever
  asks (administrators included), because everyone in the chat reads the answer. A private
  interaction has no such limit beyond the actor's own rights.

Administrators are the Telegram users listed in ``ADMIN_IDS`` or staff with role ``admin``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.errors import NotAllowed
from tickets.models import Citizen, Department, StaffMember, Ticket
from tickets.people.staff import get_active_staff

__all__ = [
    "Actor",
    "actor_for",
    "can_decide_extension",
    "can_staff_act",
    "ensure_citizen_owner",
    "ensure_staff",
    "fits_audience",
    "is_citizen_owner",
]

ROLE_CLERK = "clerk"
ROLE_HEAD = "head"
ROLE_ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts: a Telegram user (staff, administrators) with their active staff record (if
    any), or a citizen (``citizen_id``, on whatever channel they use)."""

    telegram_user_id: int | None = None
    staff: StaffMember | None = None
    is_admin: bool = False
    # Set when the action's answer is read by a department's shared chat: only that
    # department's tickets may be shown or acted on. None: a private interaction.
    audience_department_id: int | None = None
    citizen_id: int | None = None

    @classmethod
    def for_citizen(cls, citizen: Citizen | int | None) -> Actor:
        """The citizen acting on their own tickets (a citizen never erased has an id)."""
        cid = citizen.id if isinstance(citizen, Citizen) else citizen
        return cls(citizen_id=cid)

    @property
    def actor_id(self) -> int | None:
        """The id the audit trail records: the citizen's, or the Telegram user's."""
        return self.citizen_id if self.citizen_id is not None else self.telegram_user_id

    @property
    def is_staff(self) -> bool:
        return self.is_admin or (self.staff is not None and self.staff.active)

    @property
    def is_head(self) -> bool:
        return self.staff is not None and self.staff.active and self.staff.role == ROLE_HEAD

    @property
    def department_id(self) -> int | None:
        return self.staff.department_id if self.staff is not None and self.staff.active else None

    @property
    def display_name(self) -> str:
        if self.staff is not None and self.staff.display_name:
            return self.staff.display_name
        if self.staff is not None and self.staff.username:
            return f"@{self.staff.username}"
        return f"#{self.telegram_user_id}"


async def actor_for(
    session: AsyncSession, telegram_user_id: int, admin_ids: Iterable[int] = ()
) -> Actor:
    """Build the :class:`Actor` for a Telegram user (inactive staff count as no staff)."""
    staff = await get_active_staff(session, telegram_user_id)
    is_admin = telegram_user_id in set(admin_ids) or (
        staff is not None and staff.role == ROLE_ADMIN
    )
    return Actor(telegram_user_id=telegram_user_id, staff=staff, is_admin=is_admin)


def fits_audience(actor: Actor, department_id: int | None) -> bool:
    """May a ticket of ``department_id`` be shown where ``actor`` is acting?"""
    audience = actor.audience_department_id
    return audience is None or audience == department_id


def can_staff_act(actor: Actor, ticket: Ticket) -> bool:
    """Active staff of the ticket's department, or an administrator (in a department's shared
    chat: only for that department's tickets)."""
    if not fits_audience(actor, ticket.department_id):
        return False
    if actor.is_admin:
        return True
    return actor.department_id is not None and actor.department_id == ticket.department_id


def ensure_staff(actor: Actor, ticket: Ticket | None) -> Ticket:
    """The ticket if ``actor`` may act on it as staff; else the uniform :class:`NotAllowed`."""
    if ticket is None or not can_staff_act(actor, ticket):
        raise NotAllowed()
    return ticket


def can_decide_extension(actor: Actor, ticket: Ticket, department: Department | None) -> bool:
    """Heads of the ticket's department (by role or as its configured head) and admins."""
    if not fits_audience(actor, ticket.department_id):
        return False
    if actor.is_admin:
        return True
    if (
        department is not None
        and actor.telegram_user_id is not None
        and department.head_user_id == actor.telegram_user_id
    ):
        return True
    return actor.is_head and actor.department_id == ticket.department_id


def is_citizen_owner(actor: Actor, citizen: Citizen | None) -> bool:
    return (
        citizen is not None
        and citizen.id is not None
        and citizen.erased_at is None
        and actor.citizen_id == citizen.id
    )


def ensure_citizen_owner(actor: Actor, ticket: Ticket | None, citizen: Citizen | None) -> Ticket:
    """The ticket if ``actor`` is the citizen who opened it; else :class:`NotAllowed`."""
    if ticket is None or citizen is None or ticket.citizen_id != citizen.id:
        raise NotAllowed()
    if not is_citizen_owner(actor, citizen):
        raise NotAllowed()
    return ticket
