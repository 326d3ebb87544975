"""The department directory: who hears about a department's tickets, and which chat is whose.

One rule for every message to staff, used by the ticket service (new tickets, notices,
extension requests) and by the sweeps (reminders, nags, urging, reprimands), read from the
database (the ``department`` rows are synced from the departments file on every load):

=============  ==============================  ==============================================
purpose        department with a staff chat    department without one
=============  ==============================  ==============================================
``post``       the staff chat                  its active clerks and heads, privately
``taken``      the staff chat                  its active clerks and heads but the taker
``notice``     the staff chat                  the assignee, else the clerks and heads
``reminder``   the assignee, else the chat     the assignee, else the clerks and heads
``nag``        the chat and the assignee       the assignee, else the clerks and heads
``urge``       the heads, else the chat        the heads, else the clerks
``extension``  the heads, else the admins, else the chat (or the clerks)
``reprimand``  the administrators              the administrators
=============  ==============================  ==============================================

Heads are the configured ``head_user_id`` and the active staff with role ``head``. A
department with nobody at all (no chat, no head, no clerk) falls back to the administrators,
for every purpose but ``taken``: someone must hear of its tickets. So escalation always goes
clerk → head → administrators, with or without a staff chat.

Each recipient is a :class:`~tickets.notify.ToStaff` (:func:`staff_recipients`,
:meth:`Team.reach`): a group chat, or a person with their own language (``StaffMember.language``,
set when they join and with ``/language``) when they chose one; the notifier writes to the others
in the desk's staff language.

:func:`department_for_chat` answers the opposite question: whose staff chat is this group?
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.models import Department, StaffMember
from tickets.notify import ToStaff

__all__ = [
    "PURPOSES",
    "Purpose",
    "Team",
    "department_for_chat",
    "load_team",
    "load_teams",
    "recipients",
    "staff_languages",
    "staff_recipients",
]

Purpose = Literal["post", "taken", "notice", "reminder", "nag", "urge", "extension", "reprimand"]
PURPOSES: tuple[Purpose, ...] = (
    "post",
    "taken",
    "notice",
    "reminder",
    "nag",
    "urge",
    "extension",
    "reprimand",
)
ROLE_HEAD = "head"
ROLE_CLERK = "clerk"


@dataclass(frozen=True)
class Team:
    """A department's contacts: its staff chat, its heads and clerks (Telegram user ids)."""

    id: int
    slug: str
    name_zh: str
    name_en: str
    staff_chat_id: int | None
    head_chat_ids: tuple[int, ...] = ()
    clerk_chat_ids: tuple[int, ...] = ()
    active: bool = True
    # The members' own languages (Telegram user id -> zh | en), for those who chose one.
    languages: Mapping[int, str] = field(default_factory=dict, compare=False, hash=False)

    def name(self, lang: str | None) -> str:
        return self.name_en if (lang or "").startswith("en") else self.name_zh

    @property
    def members(self) -> tuple[int, ...]:
        """Clerks then heads, each once."""
        return tuple(dict.fromkeys((*self.clerk_chat_ids, *self.head_chat_ids)))

    def route(
        self,
        purpose: Purpose,
        *,
        assignee: int | None = None,
        admins: Iterable[int] = (),
        exclude: Iterable[int | None] = (),
    ) -> list[int]:
        """The chats that get a message for ``purpose`` (see the module docstring).

        ``assignee`` is the private chat of the ticket's (active) assignee, if any; ``exclude``
        removes private chats (the actor of a ``taken`` notice)."""
        admin_ids = list(dict.fromkeys(admins))
        if purpose == "reprimand":
            return admin_ids
        chat = self.staff_chat_id
        members = list(self.members)
        chats: list[int | None]
        if purpose == "post":
            chats = [chat] if chat is not None else list(members)
        elif purpose == "taken":
            if chat is not None:
                return [chat]
            skip = set(exclude)
            return [m for m in members if m not in skip]
        elif purpose == "notice":
            if chat is not None:
                chats = [chat]
            else:
                chats = [assignee] if assignee is not None else list(members)
        elif purpose == "reminder":
            if assignee is not None:
                chats = [assignee]
            else:
                chats = [chat] if chat is not None else list(members)
        elif purpose == "nag":
            if chat is not None:
                chats = [chat, assignee]
            else:
                chats = [assignee] if assignee is not None else list(members)
        elif purpose == "urge":
            heads = list(self.head_chat_ids)
            if heads:
                chats = list(heads)
            else:
                chats = [chat] if chat is not None else list(self.clerk_chat_ids)
        elif purpose == "extension":
            heads = list(self.head_chat_ids)
            if heads:
                chats = list(heads)
            elif admin_ids:
                return admin_ids
            else:
                chats = [chat] if chat is not None else list(members)
        else:  # pragma: no cover - Literal
            raise ValueError(f"unknown purpose {purpose!r}")
        out = list(dict.fromkeys(c for c in chats if c is not None))
        return out or admin_ids

    def to_staff(self, chat_id: int, languages: Mapping[int, str] | None = None) -> ToStaff:
        """A chat this department's messages go to, as a domain recipient: its staff chat (a
        group), or a person's private chat with their own language (from this team, else
        ``languages``)."""
        if chat_id == self.staff_chat_id:
            return ToStaff(chat_id)
        lang = self.languages.get(chat_id) or (languages or {}).get(chat_id)
        return ToStaff(chat_id, chat_id, lang)

    def reach(
        self,
        purpose: Purpose,
        *,
        assignee: int | None = None,
        admins: Iterable[int] = (),
        exclude: Iterable[int | None] = (),
        languages: Mapping[int, str] | None = None,
    ) -> list[ToStaff]:
        """:meth:`route` as domain recipients (see :meth:`to_staff`)."""
        chats = self.route(purpose, assignee=assignee, admins=admins, exclude=exclude)
        return [self.to_staff(chat, languages) for chat in chats]


def _team(dept: Department, staff: Iterable[tuple[int, str, str | None]]) -> Team:
    heads: list[int] = [dept.head_user_id] if dept.head_user_id else []
    clerks: list[int] = []
    languages: dict[int, str] = {}
    for telegram_id, role, lang in sorted(staff, key=lambda s: (s[0], s[1])):
        if lang:
            languages[telegram_id] = lang
        if role == ROLE_HEAD and telegram_id not in heads:
            heads.append(telegram_id)
        elif role == ROLE_CLERK:
            clerks.append(telegram_id)
    return Team(
        id=int(dept.id or 0),
        slug=dept.slug,
        name_zh=dept.name_zh,
        name_en=dept.name_en,
        staff_chat_id=dept.staff_chat_id,
        head_chat_ids=tuple(heads),
        clerk_chat_ids=tuple(c for c in clerks if c not in heads),
        active=bool(dept.active),
        languages=languages,
    )


def _active_staff(department_ids: Iterable[int] | None = None) -> Any:
    stmt = select(
        StaffMember.department_id,
        StaffMember.telegram_user_id,
        StaffMember.role,
        StaffMember.language,
    ).where(col(StaffMember.active).is_(True), col(StaffMember.department_id).is_not(None))
    if department_ids is not None:
        stmt = stmt.where(col(StaffMember.department_id).in_(list(department_ids)))
    return stmt


async def load_team(session: AsyncSession, department: Department) -> Team:
    """One department's team (one query: its active staff)."""
    rows = (await session.exec(_active_staff([int(department.id or 0)]))).all()
    return _team(department, [(int(tg), str(role), lang) for _d, tg, role, lang in rows])


async def load_teams(session: AsyncSession) -> dict[int, Team]:
    """Every department's team (inactive departments too), by department id."""
    staff: dict[int, list[tuple[int, str, str | None]]] = {}
    for dept_id, tg, role, lang in (await session.exec(_active_staff())).all():
        staff.setdefault(int(dept_id), []).append((int(tg), str(role), lang))
    departments = (await session.exec(select(Department))).all()
    return {int(d.id or 0): _team(d, staff.get(int(d.id or 0), [])) for d in departments}


async def recipients(
    session: AsyncSession,
    department: Department,
    purpose: Purpose,
    *,
    assignee: int | None = None,
    admins: Iterable[int] = (),
    exclude: Iterable[int | None] = (),
) -> list[int]:
    """The chats that hear about a ticket of ``department`` for ``purpose``.

    ``assignee`` is the assignee's Telegram user id (their private chat), when active."""
    team = await load_team(session, department)
    return team.route(purpose, assignee=assignee, admins=admins, exclude=exclude)


async def staff_languages(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, str]:
    """The own languages of these Telegram users, for the active staff among them who chose
    one (administrators are often staff too)."""
    wanted = list(dict.fromkeys(user_ids))
    if not wanted:
        return {}
    stmt = select(StaffMember.telegram_user_id, StaffMember.language).where(
        col(StaffMember.telegram_user_id).in_(wanted),
        col(StaffMember.active).is_(True),
        col(StaffMember.language).is_not(None),
    )
    return {int(tg): str(lang) for tg, lang in (await session.exec(stmt)).all()}


async def staff_recipients(
    session: AsyncSession,
    department: Department,
    purpose: Purpose,
    *,
    assignee: int | None = None,
    admins: Iterable[int] = (),
    exclude: Iterable[int | None] = (),
) -> list[ToStaff]:
    """:func:`recipients` as domain recipients, each person with their own language (one more
    query only when an administrator outside the team is among them)."""
    team = await load_team(session, department)
    chats = team.route(purpose, assignee=assignee, admins=admins, exclude=exclude)
    others = [c for c in chats if c != team.staff_chat_id and c not in team.languages]
    outside = [c for c in others if c not in team.members]
    languages = await staff_languages(session, outside) if outside else {}
    return [team.to_staff(chat, languages) for chat in chats]


async def department_for_chat(session: AsyncSession, chat_id: int) -> Department | None:
    """The active department whose staff chat ``chat_id`` is (the file allows one per chat)."""
    stmt = (
        select(Department)
        .where(Department.staff_chat_id == chat_id, col(Department.active).is_(True))
        .order_by(col(Department.id))
        .limit(1)
    )
    return (await session.exec(stmt)).first()
