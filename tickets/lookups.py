"""Small read-only lookups the staff interface needs (no Telegram types here).

- which ticket a bot post belongs to (``TicketMessage``: a reply to it acts on that ticket);
- staff names for the audit trail and the assignee line;
- the citizen's name to fill into a canned reply (sent to the citizen only, never shown in a
  staff chat: previews use the masked name).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.models import Citizen, StaffMember, Ticket, TicketMessage

__all__ = ["citizen_name", "staff_names_by_id", "staff_names_by_user", "ticket_id_for_message"]


async def ticket_id_for_message(session: AsyncSession, chat_id: int, message_id: int) -> int | None:
    """The ticket a bot message (``chat_id``, ``message_id``) was posted about, if any."""
    stmt = select(TicketMessage.ticket_id).where(
        TicketMessage.chat_id == chat_id, TicketMessage.message_id == message_id
    )
    return (await session.exec(stmt)).first()


def _name(member: StaffMember) -> str:
    if member.display_name:
        return member.display_name
    if member.username:
        return f"@{member.username}"
    return f"#{member.telegram_user_id}"


async def staff_names_by_user(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, str]:
    """Telegram user id -> staff display name (active or not), for the ids that are staff."""
    ids = sorted({int(i) for i in user_ids})
    if not ids:
        return {}
    stmt = select(StaffMember).where(col(StaffMember.telegram_user_id).in_(ids))
    return {m.telegram_user_id: _name(m) for m in (await session.exec(stmt)).all()}


async def staff_names_by_id(session: AsyncSession, staff_ids: Iterable[int]) -> dict[int, str]:
    """``StaffMember.id`` -> display name."""
    ids = sorted({int(i) for i in staff_ids})
    if not ids:
        return {}
    stmt = select(StaffMember).where(col(StaffMember.id).in_(ids))
    return {m.id: _name(m) for m in (await session.exec(stmt)).all() if m.id is not None}


async def citizen_name(session: AsyncSession, ticket_id: int) -> str | None:
    """The display name of the citizen who opened the ticket (None if unknown or erased)."""
    stmt = (
        select(Citizen)
        .join(Ticket, col(Ticket.citizen_id) == col(Citizen.id))
        .where(Ticket.id == ticket_id)
    )
    citizen = (await session.exec(stmt)).first()
    if citizen is None or citizen.erased_at is not None:
        return None
    return citizen.display_name or None
