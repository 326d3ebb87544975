"""Citizens: who wrote to the bot, what is stored about them, and erasing it.

Personal data kept about a citizen is deliberately small: the Telegram user and chat ids (to
answer), the first/last name Telegram shows (so staff can address them, masked in staff chats),
a phone number only when the citizen shared it with explicit consent (``consent_at``), and an
explicitly chosen language. :func:`erase_citizen` (from :mod:`tickets.erasure`, where every
table's part is described) removes all of it; the tickets stay (a city must keep its case files)
but lose every link to the person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.erasure import erase_citizen
from tickets.models import Citizen, Ticket

__all__ = [
    "CitizenData",
    "TicketSummary",
    "erase_citizen",
    "export_citizen_data",
    "find_citizen",
    "get_or_create_citizen",
    "record_contact",
    "set_language",
]

NAME_MAX = 200
PHONE_MAX = 32


@dataclass(frozen=True)
class TicketSummary:
    number: str
    status: str
    department_id: int
    created_at: datetime
    has_photos: bool
    has_location: bool


@dataclass(frozen=True)
class CitizenData:
    """Everything stored about one citizen (for /mydata)."""

    telegram_user_id: int | None
    chat_id: int | None
    display_name: str | None
    phone: str | None
    language: str | None
    consent_at: datetime | None
    created_at: datetime
    last_seen_at: datetime
    tickets: list[TicketSummary] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        def iso(dt: datetime | None) -> str | None:
            return dt.isoformat() if dt is not None else None

        return {
            "telegram_user_id": self.telegram_user_id,
            "chat_id": self.chat_id,
            "display_name": self.display_name,
            "phone": self.phone,
            "language": self.language,
            "consent_at": iso(self.consent_at),
            "created_at": iso(self.created_at),
            "last_seen_at": iso(self.last_seen_at),
            "tickets": [
                {"number": t.number, "status": t.status, "created_at": iso(t.created_at)}
                for t in self.tickets
            ],
        }


def _name(first: str | None, last: str | None) -> str | None:
    name = " ".join(p.strip() for p in (first or "", last or "") if p and p.strip())
    return name[:NAME_MAX] or None


async def find_citizen(session: AsyncSession, telegram_user_id: int) -> Citizen | None:
    """The (not erased) citizen with this Telegram user id, if they wrote before."""
    stmt = select(Citizen).where(Citizen.telegram_user_id == telegram_user_id)
    return (await session.exec(stmt)).first()


async def get_or_create_citizen(
    session: AsyncSession,
    *,
    telegram_user_id: int,
    chat_id: int | None,
    first_name: str | None = None,
    last_name: str | None = None,
    now: datetime,
) -> Citizen:
    """The citizen for this Telegram user, created on first contact; refreshes chat, name and
    last-seen time. A citizen who erased their data starts again as a new, empty record."""
    citizen = await find_citizen(session, telegram_user_id)
    name = _name(first_name, last_name)
    if citizen is None:
        citizen = Citizen(
            telegram_user_id=telegram_user_id,
            chat_id=chat_id,
            display_name=name,
            created_at=now,
            last_seen_at=now,
        )
        session.add(citizen)
        await session.flush()
        return citizen
    citizen.last_seen_at = now
    if chat_id is not None:
        citizen.chat_id = chat_id
    if name:
        citizen.display_name = name
    session.add(citizen)
    await session.flush()
    return citizen


async def set_language(session: AsyncSession, citizen: Citizen, lang: str) -> Citizen:
    """Store the citizen's explicit language choice (``zh`` / ``en``)."""
    citizen.language = lang[:8]
    session.add(citizen)
    await session.flush()
    return citizen


async def record_contact(
    session: AsyncSession, citizen: Citizen, phone: str, *, now: datetime
) -> Citizen:
    """Store a phone number the citizen shared with explicit consent (recorded in consent_at)."""
    phone = "".join(ch for ch in phone.strip() if ch.isdigit() or ch == "+")
    if not phone:
        raise ValueError("empty phone number")
    citizen.phone = phone[:PHONE_MAX]
    citizen.consent_at = now
    session.add(citizen)
    await session.flush()
    return citizen


async def export_citizen_data(session: AsyncSession, citizen: Citizen) -> CitizenData:
    stmt = (
        select(Ticket)
        .where(Ticket.citizen_id == citizen.id)
        .order_by(col(Ticket.created_at).desc(), col(Ticket.id).desc())
    )
    tickets = [
        TicketSummary(
            number=t.number,
            status=t.status,
            department_id=t.department_id,
            created_at=t.created_at,
            has_photos=bool((t.details or {}).get("photos")),
            has_location=bool((t.details or {}).get("location")),
        )
        for t in (await session.exec(stmt)).all()
    ]
    return CitizenData(
        telegram_user_id=citizen.telegram_user_id,
        chat_id=citizen.chat_id,
        display_name=citizen.display_name,
        phone=citizen.phone,
        language=citizen.language,
        consent_at=citizen.consent_at,
        created_at=citizen.created_at,
        last_seen_at=citizen.last_seen_at,
        tickets=tickets,
    )
