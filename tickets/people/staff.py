"""Staff onboarding and administration: invites, redeeming them, moving and deactivating staff.

An administrator creates an invite for a department (``citizen-desk staff invite``); its payload
``staff-<token>`` goes into a Telegram deep link ``https://t.me/<bot>?start=<payload>``. The
first user who sends ``/start <payload>`` before it expires becomes staff of that department.
Redeeming claims the invite with a conditional ``UPDATE ... WHERE used_at IS NULL``, so an
invite is used once even when two people open it at the same moment.

Pure domain: functions take the session and the current time; none of them commits.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.models import Department, StaffInvite, StaffMember
from tickets.people.departments import get_department, list_departments

__all__ = [
    "DEFAULT_INVITE_TTL",
    "INVITE_PREFIX",
    "LANGUAGES",
    "MAX_INVITE_TTL",
    "ROLES",
    "RedeemResult",
    "StaffError",
    "StaffRow",
    "create_invite",
    "deactivate_staff",
    "get_active_staff",
    "get_staff",
    "invite_link",
    "invite_payload",
    "list_staff",
    "move_staff",
    "parse_payload",
    "redeem_invite",
    "set_language",
    "set_role",
]

INVITE_PREFIX = "staff-"
ROLES = ("clerk", "head")
LANGUAGES = ("zh", "en")
DEFAULT_INVITE_TTL = timedelta(hours=72)
MAX_INVITE_TTL = timedelta(days=30)
# Telegram deep-link payloads: up to 64 characters of A-Z a-z 0-9 _ -
_PAYLOAD_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TOKEN_BYTES = 24  # 32 URL-safe characters; "staff-" + token is 38
_USERNAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,31}$")

RedeemReason = Literal["unknown", "expired", "used", "department_inactive"]


class StaffError(Exception):
    """A staff operation that cannot be done; the message says why (fit for an administrator)."""


@dataclass(frozen=True)
class RedeemResult:
    ok: bool
    staff: StaffMember | None = None
    department: Department | None = None
    reason: RedeemReason | None = None


@dataclass(frozen=True)
class StaffRow:
    """A staff member with their department's slug (for listings)."""

    member: StaffMember
    department_slug: str | None

    def to_json(self) -> dict[str, Any]:
        m = self.member
        return {
            "telegram_user_id": m.telegram_user_id,
            "display_name": m.display_name,
            "username": m.username,
            "department": self.department_slug,
            "role": m.role,
            "active": m.active,
            "created_at": m.created_at.isoformat(),
            "updated_at": m.updated_at.isoformat(),
        }


# -- payloads ---------------------------------------------------------------------------------
def invite_payload(invite: StaffInvite) -> str:
    """The ``/start`` payload of an invite: ``staff-<token>``."""
    return INVITE_PREFIX + invite.token


def invite_link(bot_username: str, invite_or_payload: StaffInvite | str) -> str:
    """``https://t.me/<bot>?start=<payload>``; raises ``ValueError`` for a bad bot username."""
    name = bot_username.strip().removeprefix("@")
    if not _USERNAME_RE.match(name):
        raise ValueError(f"{bot_username!r} is not a Telegram bot username")
    payload = (
        invite_or_payload
        if isinstance(invite_or_payload, str)
        else invite_payload(invite_or_payload)
    )
    return f"https://t.me/{name}?start={payload}"


def parse_payload(payload: str) -> str | None:
    """The invite token of a ``/start`` payload, or None when it is not a staff invite."""
    payload = payload.strip()
    if not payload.startswith(INVITE_PREFIX) or not _PAYLOAD_RE.match(payload):
        return None
    token = payload[len(INVITE_PREFIX) :]
    return token or None


# -- helpers ----------------------------------------------------------------------------------
def _check_role(role: str) -> str:
    if role not in ROLES:
        raise StaffError(f"unknown role '{role}' (use one of: {', '.join(ROLES)})")
    return role


async def _active_department(session: AsyncSession, slug: str) -> Department:
    dept = await get_department(session, slug, active_only=True)
    if dept is None:
        known = [d.slug for d in await list_departments(session, active_only=True)]
        listed = ", ".join(known) if known else "none: sync the departments file first"
        raise StaffError(f"unknown department '{slug}' (known: {listed})")
    return dept


async def get_staff(session: AsyncSession, telegram_user_id: int) -> StaffMember | None:
    """The staff member with this Telegram id, active or not."""
    query = select(StaffMember).where(StaffMember.telegram_user_id == telegram_user_id)
    return (await session.exec(query)).first()


async def _require_staff(session: AsyncSession, telegram_user_id: int) -> StaffMember:
    member = await get_staff(session, telegram_user_id)
    if member is None:
        raise StaffError(f"no staff member with Telegram user id {telegram_user_id}")
    return member


# -- invites ----------------------------------------------------------------------------------
async def create_invite(
    session: AsyncSession,
    department_slug: str,
    role: str = "clerk",
    *,
    now: datetime,
    ttl: timedelta = DEFAULT_INVITE_TTL,
) -> StaffInvite:
    """A new one-time invite to ``department_slug`` with ``role``, valid for ``ttl``."""
    _check_role(role)
    if ttl <= timedelta(0):
        raise StaffError("the invite lifetime must be positive")
    if ttl > MAX_INVITE_TTL:
        raise StaffError(f"the invite lifetime must be at most {MAX_INVITE_TTL.days} days")
    dept = await _active_department(session, department_slug)
    assert dept.id is not None
    invite = StaffInvite(
        token=secrets.token_urlsafe(_TOKEN_BYTES),
        department_id=dept.id,
        role=role,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(invite)
    await session.flush()
    return invite


async def redeem_invite(
    session: AsyncSession,
    payload_token: str,
    *,
    telegram_user_id: int,
    display_name: str,
    username: str | None,
    now: datetime,
    language: str | None = None,
) -> RedeemResult:
    """Register the sender of ``/start <payload>`` as staff; the invite works once.

    ``payload_token`` is the deep-link payload (``staff-<token>``) or the bare token. The
    reason of a failure is ``unknown``, ``expired``, ``used`` or ``department_inactive``.
    ``language`` (``zh`` | ``en``, from their Telegram client) becomes their own language,
    unless they chose one before (someone who rejoins keeps their choice).
    """
    token = parse_payload(payload_token)
    if token is None and _PAYLOAD_RE.match(payload_token.strip()):
        token = payload_token.strip()
    if token is None:
        return RedeemResult(ok=False, reason="unknown")
    invite = (await session.exec(select(StaffInvite).where(StaffInvite.token == token))).first()
    if invite is None:
        return RedeemResult(ok=False, reason="unknown")
    if invite.used_at is not None:
        return RedeemResult(ok=False, reason="used")
    if invite.expires_at <= now:
        return RedeemResult(ok=False, reason="expired")
    dept = await session.get(Department, invite.department_id)
    if dept is None or not dept.active:
        return RedeemResult(ok=False, department=dept, reason="department_inactive")
    claim = (
        update(StaffInvite)
        .where(col(StaffInvite.id) == invite.id)
        .where(col(StaffInvite.used_at).is_(None))
        .where(col(StaffInvite.expires_at) > now)
        .values(used_at=now, used_by=telegram_user_id)
        .execution_options(synchronize_session=False)
    )
    result = await session.exec(claim)
    if result.rowcount != 1:  # someone else claimed it between our read and our update
        return RedeemResult(ok=False, reason="used")
    member = await get_staff(session, telegram_user_id)
    if member is None:
        member = StaffMember(telegram_user_id=telegram_user_id, created_at=now)
    member.department_id = dept.id
    member.role = invite.role
    member.display_name = display_name[:200]
    member.username = username[:64] if username else None
    if language and not member.language:
        member.language = language[:8]
    member.active = True
    member.updated_at = now
    session.add(member)
    await session.flush()
    return RedeemResult(ok=True, staff=member, department=dept)


# -- queries and administration ---------------------------------------------------------------
async def get_active_staff(session: AsyncSession, telegram_user_id: int) -> StaffMember | None:
    query = (
        select(StaffMember)
        .where(StaffMember.telegram_user_id == telegram_user_id)
        .where(col(StaffMember.active).is_(True))
    )
    return (await session.exec(query)).first()


async def list_staff(
    session: AsyncSession,
    *,
    department_slug: str | None = None,
    include_inactive: bool = False,
) -> list[StaffRow]:
    """Staff ordered by department and name; unknown ``department_slug`` raises StaffError."""
    query = select(StaffMember, Department).join(
        Department, col(StaffMember.department_id) == col(Department.id), isouter=True
    )
    if department_slug is not None:
        dept = await get_department(session, department_slug)
        if dept is None:
            known = ", ".join(d.slug for d in await list_departments(session, active_only=False))
            raise StaffError(f"unknown department '{department_slug}' (known: {known or 'none'})")
        query = query.where(StaffMember.department_id == dept.id)
    if not include_inactive:
        query = query.where(col(StaffMember.active).is_(True))
    query = query.order_by(
        col(Department.slug), col(StaffMember.display_name), col(StaffMember.telegram_user_id)
    )
    rows = (await session.exec(query)).all()
    return [StaffRow(member, dept.slug if dept is not None else None) for member, dept in rows]


async def move_staff(
    session: AsyncSession, telegram_user_id: int, department_slug: str, *, now: datetime
) -> StaffMember:
    """Move a staff member to another (active) department; reactivates them too."""
    dept = await _active_department(session, department_slug)
    member = await _require_staff(session, telegram_user_id)
    member.department_id = dept.id
    member.active = True
    member.updated_at = now
    session.add(member)
    await session.flush()
    return member


async def deactivate_staff(
    session: AsyncSession, telegram_user_id: int, *, now: datetime
) -> StaffMember:
    """Stop someone acting as staff (the row stays: tickets and events refer to it)."""
    member = await _require_staff(session, telegram_user_id)
    if not member.active:
        raise StaffError(f"staff member {telegram_user_id} is already inactive")
    member.active = False
    member.updated_at = now
    session.add(member)
    await session.flush()
    return member


async def set_role(
    session: AsyncSession, telegram_user_id: int, role: str, *, now: datetime
) -> StaffMember:
    """Make a staff member a clerk or a head of their department."""
    _check_role(role)
    member = await _require_staff(session, telegram_user_id)
    member.role = role
    member.updated_at = now
    session.add(member)
    await session.flush()
    return member


async def set_language(
    session: AsyncSession, telegram_user_id: int, language: str, *, now: datetime
) -> StaffMember:
    """Set a staff member's own language (``zh`` | ``en``): notifications to them privately,
    and the bot's answers to them, are in it."""
    if language not in LANGUAGES:
        raise StaffError(f"unknown language '{language}' (use one of: {', '.join(LANGUAGES)})")
    member = await _require_staff(session, telegram_user_id)
    member.language = language
    member.updated_at = now
    session.add(member)
    await session.flush()
    return member
