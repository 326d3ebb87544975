"""The department directory: one routing rule for the service and the sweeps."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.db import SessionFactory
from tickets.models import Department, StaffMember
from tickets.people.directory import Team, department_for_chat, load_teams, recipients

from .conftest import ADMIN, PARKS_HEAD, World, open_ticket
from .helpers import last_outbox_id, outbox_rows

ADMINS = (9001, 9002)
CHAT = Team(1, "a", "甲", "A", staff_chat_id=-10, head_chat_ids=(7,), clerk_chat_ids=(1, 2))
NO_CHAT = Team(2, "b", "乙", "B", staff_chat_id=None, head_chat_ids=(7,), clerk_chat_ids=(1, 2))
CLERKS_ONLY = Team(3, "c", "丙", "C", staff_chat_id=None, clerk_chat_ids=(1, 2))
HEAD_ONLY = Team(4, "d", "丁", "D", staff_chat_id=None, head_chat_ids=(7,))
NOBODY = Team(5, "e", "戊", "E", staff_chat_id=None)
CHAT_ONLY = Team(6, "f", "己", "F", staff_chat_id=-20)

# (team, purpose, assignee) -> recipients
TABLE = [
    (CHAT, "post", None, [-10]),
    (NO_CHAT, "post", None, [1, 2, 7]),
    (CLERKS_ONLY, "post", None, [1, 2]),
    (HEAD_ONLY, "post", None, [7]),
    (NOBODY, "post", None, list(ADMINS)),
    (CHAT, "taken", None, [-10]),
    (NO_CHAT, "taken", None, [2, 7]),  # the taker (1) is excluded
    (NOBODY, "taken", None, []),
    (CHAT, "notice", 1, [-10]),
    (NO_CHAT, "notice", 1, [1]),
    (NO_CHAT, "notice", None, [1, 2, 7]),
    (NOBODY, "notice", None, list(ADMINS)),
    (CHAT, "reminder", 1, [1]),
    (CHAT, "reminder", None, [-10]),
    (CLERKS_ONLY, "reminder", None, [1, 2]),
    (CLERKS_ONLY, "reminder", 2, [2]),
    (CHAT, "nag", 1, [-10, 1]),
    (CHAT, "nag", None, [-10]),
    (CLERKS_ONLY, "nag", None, [1, 2]),
    (CLERKS_ONLY, "nag", 2, [2]),
    (NOBODY, "nag", None, list(ADMINS)),
    (CHAT, "urge", 1, [7]),
    (CHAT_ONLY, "urge", None, [-20]),
    (CLERKS_ONLY, "urge", 1, [1, 2]),
    (NOBODY, "urge", None, list(ADMINS)),
    (NO_CHAT, "extension", None, [7]),
    (CLERKS_ONLY, "extension", None, list(ADMINS)),
    (CHAT, "reprimand", 1, list(ADMINS)),
    (CLERKS_ONLY, "reprimand", None, list(ADMINS)),
]


@pytest.mark.parametrize(("team", "purpose", "assignee", "expected"), TABLE)
def test_route(team: Team, purpose: str, assignee: int | None, expected: list[int]) -> None:
    got = team.route(purpose, assignee=assignee, admins=ADMINS, exclude=(1,))  # type: ignore[arg-type]
    assert got == expected


def test_extension_without_heads_or_admins_goes_to_the_team() -> None:
    assert CHAT_ONLY.route("extension") == [-20]
    assert CLERKS_ONLY.route("extension") == [1, 2]


async def test_teams_from_the_database(session_factory: SessionFactory) -> None:
    async with session_factory() as s:
        markets = Department(slug="markets", name_zh="市场局", name_en="Markets", head_user_id=70)
        roads = Department(slug="roads", name_zh="道路", name_en="Roads", staff_chat_id=-100)
        old = Department(slug="old", name_zh="旧", name_en="Old", staff_chat_id=-200, active=False)
        s.add_all([markets, roads, old])
        await s.flush()
        for tg, dept, role, active in (
            (11, markets, "clerk", True),
            (12, markets, "clerk", False),
            (13, markets, "head", True),
            (70, markets, "head", True),  # the configured head, registered too: once
            (14, markets, "admin", True),
            (21, roads, "clerk", True),
        ):
            s.add(StaffMember(telegram_user_id=tg, department_id=dept.id, role=role, active=active))
        await s.commit()
        teams = await load_teams(s)
        team = teams[markets.id]  # type: ignore[index]
        assert (team.staff_chat_id, team.head_chat_ids, team.clerk_chat_ids) == (
            None,
            (70, 13),
            (11,),
        )
        assert team.members == (11, 70, 13)
        assert teams[old.id].active is False  # type: ignore[index]
        assert await recipients(s, markets, "post") == [11, 70, 13]
        assert await recipients(s, markets, "urge", assignee=11) == [70, 13]
        assert await recipients(s, roads, "post") == [-100]
        assert await recipients(s, roads, "nag", assignee=21) == [-100, 21]
        assert (await department_for_chat(s, -100)) == roads
        assert await department_for_chat(s, -200) is None  # an inactive department's chat
        assert await department_for_chat(s, 11) is None


async def _add_clerk(w: World, uid: int, slug: str) -> None:
    async with w.factory() as session:
        dept = (await session.exec(select(Department).where(Department.slug == slug))).one()
        session.add(StaffMember(telegram_user_id=uid, department_id=dept.id, display_name="周八"))
        await session.commit()


async def test_service_posts_and_notices_reach_the_clerks_without_a_chat(any_world: World) -> None:
    """Water has no staff chat and no head: its clerks get the post privately (not the
    administrators any more), the taken notice goes to the other clerk, a follow-up to the
    assignee."""
    w = any_world
    await _add_clerk(w, 401, "water")
    await _add_clerk(w, 402, "water")
    tid = await open_ticket(w, dept="water")
    async with w.factory() as session:
        rows = [r for r in await outbox_rows(session) if r.ref == f"ticket:{tid}"]
        staff = sorted(r.chat_id for r in rows if r.chat_id != 5001)
        assert staff == [401, 402]
        assert all("13812345678" not in r.payload["text"] for r in rows if r.chat_id != 5001)
        svc = w.service(session)
        mark = await last_outbox_id(session)
        await svc.take(tid, await w.actor(session, 401))
        assert [r.chat_id for r in await outbox_rows(session, mark)] == [402]
        await svc.reply(tid, await w.actor(session, 401), "已派人")
        mark = await last_outbox_id(session)
        await svc.follow_up(tid, await w.actor(session, 5001), "谢谢，几点到？")
        assert [r.chat_id for r in await outbox_rows(session, mark)] == [401]
        await session.commit()
    parks = await open_ticket(w, dept="parks")  # a configured head and a clerk
    async with w.factory() as session:
        rows = [r for r in await outbox_rows(session) if r.ref == f"ticket:{parks}"]
        assert sorted(r.chat_id for r in rows if r.chat_id != 5001) == sorted([301, PARKS_HEAD])
        assert ADMIN not in {r.chat_id for r in rows}
