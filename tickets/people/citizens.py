"""Citizens: who wrote to the desk, on which channels, what is stored about them, erasing it.

A citizen is a person, known on each channel by an identity (:class:`Identity`: the channel,
the id the channel gives them, and where messages reach them): a Telegram user and their
private chat, a web chat visitor, a WeChat follower's openid. Personal data kept about the
person is deliberately small: the name the channel shows (so staff can address them, masked in
staff views), a phone number only when they shared it with explicit consent (``consent_at``),
an e-mail only when a web visitor left one, and an explicitly chosen language.
:func:`erase_citizen` (from :mod:`tickets.erasure`, where every table's part is described)
removes all of it across their identities; the tickets stay (a city must keep its case files)
but lose every link to the person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.erasure import erase_citizen
from tickets.models import Citizen, CitizenIdentity, Ticket

__all__ = [
    "CHANNELS",
    "CitizenData",
    "Identity",
    "TicketSummary",
    "addresses_of",
    "erase_citizen",
    "export_citizen_data",
    "find_citizen",
    "get_or_create_citizen",
    "identities_of",
    "reach",
    "record_contact",
    "record_email",
    "set_language",
    "telegram_identity",
]

CHANNELS = ("telegram", "web", "wechat")
NAME_MAX = 200
PHONE_MAX = 32
EMAIL_MAX = 254


@dataclass(frozen=True, slots=True)
class Identity:
    """A citizen as one channel knows them: ``external_id`` names them there, ``address`` is
    where messages reach them (None: nowhere yet)."""

    channel: str
    external_id: str
    address: str | None = None

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise ValueError(f"unknown channel {self.channel!r}")
        if not self.external_id:
            raise ValueError("an identity needs an external id")


def telegram_identity(user_id: int, chat_id: int | None = None) -> Identity:
    """A Telegram user and their private chat (the chat is the user's id when not given)."""
    return Identity("telegram", str(user_id), str(chat_id if chat_id is not None else user_id))


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
    """Everything stored about one citizen (for "my data")."""

    identities: list[Identity]
    display_name: str | None
    phone: str | None
    email: str | None
    language: str | None
    consent_at: datetime | None
    created_at: datetime
    last_seen_at: datetime
    tickets: list[TicketSummary] = field(default_factory=list)

    @property
    def telegram_user_id(self) -> int | None:
        for identity in self.identities:
            if identity.channel == "telegram":
                return int(identity.external_id)
        return None

    def to_json(self) -> dict[str, Any]:
        def iso(dt: datetime | None) -> str | None:
            return dt.isoformat() if dt is not None else None

        return {
            "identities": [
                {"channel": i.channel, "id": i.external_id, "address": i.address}
                for i in self.identities
            ],
            "display_name": self.display_name,
            "phone": self.phone,
            "email": self.email,
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


async def find_citizen(
    session: AsyncSession, channel: str, external_id: str | int
) -> Citizen | None:
    """The (not erased) citizen known by ``external_id`` on ``channel``, if they wrote before."""
    stmt = (
        select(Citizen)
        .join(CitizenIdentity, col(CitizenIdentity.citizen_id) == col(Citizen.id))
        .where(
            CitizenIdentity.channel == channel,
            CitizenIdentity.external_id == str(external_id),
            col(Citizen.erased_at).is_(None),
        )
    )
    return (await session.exec(stmt)).first()


async def get_or_create_citizen(
    session: AsyncSession,
    identity: Identity,
    *,
    first_name: str | None = None,
    last_name: str | None = None,
    now: datetime,
) -> Citizen:
    """The citizen for this identity, created on first contact; refreshes the address, the name
    and the last-seen time. A citizen who erased their data starts again as a new, empty one."""
    row = (
        await session.exec(
            select(CitizenIdentity).where(
                CitizenIdentity.channel == identity.channel,
                CitizenIdentity.external_id == identity.external_id,
            )
        )
    ).first()
    name = _name(first_name, last_name)
    citizen = await session.get(Citizen, row.citizen_id) if row is not None else None
    if citizen is None or citizen.erased_at is not None:
        citizen = Citizen(display_name=name, created_at=now, last_seen_at=now)
        session.add(citizen)
        await session.flush()
        if row is not None:  # an erased citizen's identity row cannot survive; see erasure
            await session.delete(row)
            await session.flush()
        session.add(
            CitizenIdentity(
                citizen_id=citizen.id,  # type: ignore[arg-type]
                channel=identity.channel,
                external_id=identity.external_id,
                address=identity.address,
                created_at=now,
                last_seen_at=now,
            )
        )
        await session.flush()
        return citizen
    citizen.last_seen_at = now
    if name:
        citizen.display_name = name
    session.add(citizen)
    row.last_seen_at = now  # type: ignore[union-attr]
    if identity.address is not None:
        row.address = identity.address  # type: ignore[union-attr]
    session.add(row)
    await session.flush()
    return citizen


async def identities_of(session: AsyncSession, citizen_id: int) -> list[CitizenIdentity]:
    """The citizen's identities, the most recently seen first."""
    stmt = (
        select(CitizenIdentity)
        .where(CitizenIdentity.citizen_id == citizen_id)
        .order_by(col(CitizenIdentity.last_seen_at).desc(), col(CitizenIdentity.id).desc())
    )
    return list((await session.exec(stmt)).all())


async def addresses_of(session: AsyncSession, citizen_id: int) -> list[Identity]:
    """Where the citizen can be reached, the channel they used last first."""
    return [
        Identity(row.channel, row.external_id, row.address)
        for row in await identities_of(session, citizen_id)
        if row.address
    ]


async def reach(session: AsyncSession, citizen: Citizen | None) -> Identity | None:
    """Where to tell the citizen something now: the channel they used last (None when they
    erased their data or can be reached nowhere)."""
    if citizen is None or citizen.erased_at is not None or citizen.id is None:
        return None
    found = await addresses_of(session, citizen.id)
    return found[0] if found else None


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


async def record_email(
    session: AsyncSession, citizen: Citizen, email: str, *, now: datetime
) -> Citizen:
    """Store an e-mail address a web visitor left with explicit consent (for staff to reach
    them: the desk sends no e-mail itself)."""
    email = email.strip()
    if "@" not in email or len(email) > EMAIL_MAX or any(c.isspace() for c in email):
        raise ValueError("not an e-mail address")
    citizen.email = email
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
    identities = [
        Identity(row.channel, row.external_id, row.address)
        for row in await identities_of(session, citizen.id)  # type: ignore[arg-type]
    ]
    return CitizenData(
        identities=identities,
        display_name=citizen.display_name,
        phone=citizen.phone,
        email=citizen.email,
        language=citizen.language,
        consent_at=citizen.consent_at,
        created_at=citizen.created_at,
        last_seen_at=citizen.last_seen_at,
        tickets=tickets,
    )
