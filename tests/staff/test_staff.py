"""Invites, redeeming them once, and staff administration (SQLite file and PostgreSQL)."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.db import SessionFactory
from tests.staff.conftest import NOW
from tickets.models import StaffInvite
from tickets.people.staff import (
    INVITE_PREFIX,
    StaffError,
    create_invite,
    deactivate_staff,
    get_active_staff,
    get_staff,
    invite_link,
    invite_payload,
    list_staff,
    move_staff,
    parse_payload,
    redeem_invite,
    set_role,
)


async def new_invite(
    factory: SessionFactory,
    slug: str = "health",
    role: str = "clerk",
    ttl: timedelta = timedelta(hours=72),
) -> str:
    async with factory() as session:
        invite = await create_invite(session, slug, role, now=NOW, ttl=ttl)
        await session.commit()
        return invite_payload(invite)


async def redeem(factory: SessionFactory, payload: str, user_id: int, *, at=NOW, name="Li Wei"):  # type: ignore[no-untyped-def]
    async with factory() as session:
        result = await redeem_invite(
            session, payload, telegram_user_id=user_id, display_name=name, username="liwei", now=at
        )
        await session.commit()
        return result


async def test_create_invite_payload_and_link(synced: SessionFactory) -> None:
    async with synced() as session:
        invite = await create_invite(session, "health", "head", now=NOW, ttl=timedelta(hours=72))
        await session.commit()
        assert invite.expires_at == NOW + timedelta(hours=72)
        assert invite.role == "head" and invite.used_at is None
    payload = invite_payload(invite)
    assert payload.startswith(INVITE_PREFIX)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", payload)
    assert parse_payload(payload) == invite.token
    assert parse_payload("hello") is None and parse_payload("staff-") is None
    assert invite_link("@CityDesk_bot", invite) == f"https://t.me/CityDesk_bot?start={payload}"
    with pytest.raises(ValueError):
        invite_link("not a name", invite)
    # Tokens are random: a second invite differs.
    assert await new_invite(synced) != payload


async def test_create_invite_errors(synced: SessionFactory) -> None:
    async with synced() as session:
        with pytest.raises(StaffError) as err:
            await create_invite(session, "healthh", "clerk", now=NOW, ttl=timedelta(hours=1))
        assert str(err.value) == (
            "unknown department 'healthh' (known: education, health, utilities)"
        )
        with pytest.raises(StaffError, match=r"unknown role 'boss' \(use one of: clerk, head\)"):
            await create_invite(session, "health", "boss", now=NOW, ttl=timedelta(hours=1))
        with pytest.raises(StaffError, match="must be positive"):
            await create_invite(session, "health", "clerk", now=NOW, ttl=timedelta(0))


async def test_redeem_registers_once(synced: SessionFactory) -> None:
    payload = await new_invite(synced, "utilities", "head")
    result = await redeem(synced, payload, 1001, at=NOW + timedelta(hours=1))
    assert result.ok and result.reason is None
    assert result.staff is not None and result.department is not None
    assert result.department.slug == "utilities"
    async with synced() as session:
        member = await get_active_staff(session, 1001)
        assert member is not None
        assert (member.role, member.display_name, member.username) == ("head", "Li Wei", "liwei")
        assert member.department_id == result.department.id
        invite = (await session.exec(select(StaffInvite))).one()
        assert (invite.used_at, invite.used_by) == (NOW + timedelta(hours=1), 1001)
    # used twice: by someone else, and by the same person
    again = await redeem(synced, payload, 1002, at=NOW + timedelta(hours=2))
    assert (again.ok, again.reason, again.staff) == (False, "used", None)
    assert (await redeem(synced, payload, 1001)).reason == "used"
    async with synced() as session:
        assert await get_active_staff(session, 1002) is None


async def test_redeem_expired_and_unknown(synced: SessionFactory) -> None:
    payload = await new_invite(synced, ttl=timedelta(hours=1))
    late = await redeem(synced, payload, 7, at=NOW + timedelta(hours=1))
    assert (late.ok, late.reason) == (False, "expired")
    assert (await redeem(synced, "staff-doesnotexist", 7)).reason == "unknown"
    assert (await redeem(synced, "staff-bad token!", 7)).reason == "unknown"
    assert (await redeem(synced, "x" * 80, 7)).reason == "unknown"
    # the bare token works as well as the payload
    bare = (await new_invite(synced)).removeprefix(INVITE_PREFIX)
    assert (await redeem(synced, bare, 7)).ok


async def test_redeem_for_deactivated_department(synced: SessionFactory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tickets.config.desk import load_desk_config
    from tickets.people.departments import sync_departments

    payload = await new_invite(synced, "education")
    path = tmp_path / "smaller.yaml"
    path.write_text("departments:\n  - slug: health\n    name: {en: Health}\n", encoding="utf-8")
    config = load_desk_config(path).config
    assert config is not None
    async with synced() as session:
        await sync_departments(session, config, now=NOW)
        await session.commit()
    result = await redeem(synced, payload, 9)
    assert (result.ok, result.reason) == (False, "department_inactive")
    # the invite was not used up
    async with synced() as session:
        assert await get_staff(session, 9) is None


async def test_redeem_existing_member_moves_and_reactivates(synced: SessionFactory) -> None:
    assert (await redeem(synced, await new_invite(synced, "health"), 55)).ok
    async with synced() as session:
        await deactivate_staff(session, 55, now=NOW)
        await session.commit()
    result = await redeem(synced, await new_invite(synced, "education", "head"), 55, name="Li W.")
    assert result.ok
    async with synced() as session:
        rows = await list_staff(session)
        assert [(r.member.telegram_user_id, r.department_slug, r.member.role) for r in rows] == [
            (55, "education", "head")
        ]
        assert rows[0].member.display_name == "Li W."


async def test_concurrent_redeem_exactly_one_wins(synced: SessionFactory) -> None:
    payload = await new_invite(synced)
    results = await asyncio.gather(*(redeem(synced, payload, 2000 + i) for i in range(6)))
    assert sorted(r.ok for r in results) == [False] * 5 + [True]
    assert {r.reason for r in results if not r.ok} == {"used"}
    async with synced() as session:
        rows = await list_staff(session, include_inactive=True)
        winner = next(r for r in results if r.ok)
        assert winner.staff is not None
        assert [r.member.telegram_user_id for r in rows] == [winner.staff.telegram_user_id]


async def test_list_move_deactivate_role(synced: SessionFactory) -> None:
    for user_id, slug, name in (
        (1, "health", "Zhao"),
        (2, "health", "Qian"),
        (3, "utilities", "Sun"),
    ):
        assert (await redeem(synced, await new_invite(synced, slug), user_id, name=name)).ok
    later = NOW + timedelta(days=1)
    async with synced() as session:
        assert [r.member.display_name for r in await list_staff(session)] == ["Qian", "Zhao", "Sun"]
        assert [
            r.member.telegram_user_id
            for r in await list_staff(session, department_slug="utilities")
        ] == [3]
        with pytest.raises(StaffError, match="unknown department 'nowhere'"):
            await list_staff(session, department_slug="nowhere")

        moved = await move_staff(session, 1, "utilities", now=later)
        assert moved.updated_at == later
        promoted = await set_role(session, 3, "head", now=later)
        assert promoted.role == "head"
        gone = await deactivate_staff(session, 2, now=later)
        assert not gone.active
        await session.commit()

    async with synced() as session:
        rows = await list_staff(session)
        assert [(r.member.telegram_user_id, r.department_slug, r.member.role) for r in rows] == [
            (3, "utilities", "head"),
            (1, "utilities", "clerk"),
        ]
        all_rows = await list_staff(session, include_inactive=True)
        assert {r.member.telegram_user_id: r.member.active for r in all_rows} == {
            1: True,
            2: False,
            3: True,
        }
        assert await get_active_staff(session, 2) is None
        assert all_rows[0].to_json()["department"] in ("health", "utilities")

        with pytest.raises(StaffError, match="no staff member with Telegram user id 99"):
            await move_staff(session, 99, "health", now=later)
        with pytest.raises(StaffError, match="unknown department 'mars'"):
            await move_staff(session, 1, "mars", now=later)
        with pytest.raises(StaffError, match="already inactive"):
            await deactivate_staff(session, 2, now=later)
        with pytest.raises(StaffError, match="unknown role 'admin'"):
            await set_role(session, 1, "admin", now=later)
