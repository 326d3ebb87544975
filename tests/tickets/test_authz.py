"""Authorisation matrix: every operation against every role."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest

from handlers.errors import render_error
from tickets.authz import Actor
from tickets.errors import NotAllowed, NotFound, TicketError
from tickets.service import TicketService

from .conftest import ADMIN, World, open_ticket

ROLES = ("owner", "other_citizen", "clerk", "other_clerk", "head", "admin", "inactive")
STAFF = {"clerk", "head", "admin"}
HEADS = {"head", "admin"}
OWNER = {"owner"}
STAFF_OR_OWNER = STAFF | OWNER


def _uid(w: World, role: str) -> int:
    return {
        "owner": 5001,
        "other_citizen": 5002,
        "clerk": w.clerk,
        "other_clerk": w.other_clerk,
        "head": w.head,
        "admin": ADMIN,
        "inactive": w.inactive,
    }[role]


Op = Callable[[TicketService, int, Actor], Awaitable[Any]]

# name -> (state to prepare, operation, roles allowed)
OPERATIONS: dict[str, tuple[str, Op, set[str]]] = {
    "take": ("new", lambda s, t, a: s.take(t, a), STAFF),
    "reply": ("new", lambda s, t, a: s.reply(t, a, "hello"), STAFF),
    "note": ("new", lambda s, t, a: s.note(t, a, "internal"), STAFF),
    "ask_info": ("new", lambda s, t, a: s.ask_info(t, a, "which building?"), STAFF),
    "transfer": ("new", lambda s, t, a: s.transfer(t, a, "transport", "wrong desk"), STAFF),
    "close": ("new", lambda s, t, a: s.close(t, a, "done"), STAFF),
    "request_extension": ("new", lambda s, t, a: s.request_extension(t, a, 2, "why"), STAFF),
    "set_demand_type": ("new", lambda s, t, a: s.set_demand_type(t, a, "complaint"), STAFF),
    "set_urgent": ("new", lambda s, t, a: s.set_urgent(t, a, True), STAFF),
    "reveal_contact": ("new", lambda s, t, a: s.reveal_contact(t, a), STAFF),
    "approve_extension": ("pending", lambda s, t, a: s.approve_extension(t, a), HEADS),
    "refuse_extension": ("pending", lambda s, t, a: s.refuse_extension(t, a), HEADS),
    "follow_up": ("answered", lambda s, t, a: s.follow_up(t, a, "more"), OWNER),
    "confirm_resolved": ("answered", lambda s, t, a: s.confirm_resolved(t, a), OWNER),
    "rate": ("closed", lambda s, t, a: s.rate(t, a, 5), OWNER),
    "comment_rating": ("rated", lambda s, t, a: s.comment_rating(t, a, "quick"), OWNER),
    "reopen": ("closed", lambda s, t, a: s.reopen(t, a), STAFF_OR_OWNER),
    "details": ("new", lambda s, t, a: s.details(t, a), STAFF_OR_OWNER),
}


async def _prepare(w: World, state: str) -> int:
    tid = await open_ticket(w)
    async with w.factory() as session:
        svc = w.service(session)
        clerk = await w.actor(session, w.clerk)
        if state == "pending":
            await svc.request_extension(tid, clerk, 1, "reason")
        elif state in ("answered", "closed", "rated"):
            await svc.reply(tid, clerk, "answer")
            if state in ("closed", "rated"):
                await svc.close(tid, clerk)
            if state == "rated":
                await svc.rate(tid, await w.actor(session, 5001), 4)
        await session.commit()
    return tid


@pytest.mark.parametrize("name", sorted(OPERATIONS))
async def test_authorisation_matrix(world: World, name: str) -> None:
    state, op, allowed = OPERATIONS[name]
    tid = await _prepare(world, state)
    unavailable = render_error(NotAllowed(), "en")
    for role in ROLES:
        async with world.factory() as session:
            svc = world.service(session)
            actor = await world.actor(session, _uid(world, role))
            if role in allowed:
                result = await op(svc, tid, actor)
                assert result is not None, (name, role)
            else:
                with pytest.raises(NotAllowed) as info:
                    await op(svc, tid, actor)
                if not (name.endswith("_extension") and role == "clerk"):
                    # the same text as for a ticket that does not exist
                    assert render_error(info.value, "en") == unavailable, (name, role)
            # nothing allowed or refused here is kept: the next role sees the same ticket
            await session.rollback()
        # a ticket that does not exist: the same answer for non-admins, NotFound for admins
        async with world.factory() as session:
            svc = world.service(session)
            actor = await world.actor(session, _uid(world, role))
            with pytest.raises((NotAllowed, NotFound)) as missing:
                await op(svc, 987654, actor)
            assert isinstance(missing.value, NotFound if role == "admin" else NotAllowed)
            assert render_error(missing.value, "zh") == render_error(NotAllowed(), "zh")


async def test_actor_for(world: World) -> None:
    async with world.factory() as session:
        clerk = await world.actor(session, world.clerk)
        assert clerk.is_staff and not clerk.is_admin and not clerk.is_head
        assert clerk.department_id == world.dept_ids["housing"]
        head = await world.actor(session, world.head)
        assert head.is_head
        inactive = await world.actor(session, world.inactive)
        assert inactive.staff is None and not inactive.is_staff
        admin = await world.actor(session, ADMIN)
        assert admin.is_admin and admin.staff is None
        citizen = await world.actor(session, 5001)
        assert not citizen.is_staff


async def test_queries_are_authorised(world: World) -> None:
    await open_ticket(world)
    async with world.factory() as session:
        svc = world.service(session)
        for uid in (5001, world.inactive):
            with pytest.raises(NotAllowed):
                await svc.queue(await world.actor(session, uid))
        with pytest.raises(NotAllowed):
            await svc.queue(await world.actor(session, world.other_clerk), "housing")
        assert (await svc.queue(await world.actor(session, world.clerk))).total == 1
        assert (await svc.queue(await world.actor(session, ADMIN))).total == 1
        assert (await svc.queue(await world.actor(session, ADMIN), "transport")).total == 0


def test_errors_share_a_base() -> None:
    assert issubclass(NotAllowed, TicketError) and issubclass(NotFound, TicketError)


@pytest.mark.parametrize(
    "name", sorted(n for n, (_s, _o, allowed) in OPERATIONS.items() if STAFF & allowed)
)
async def test_a_department_chat_sees_only_its_department(world: World, name: str) -> None:
    """Acting where another department's chat reads the answer: refused for everyone, the
    administrators included, with the text of a ticket that does not exist."""
    state, op, _allowed = OPERATIONS[name]
    tid = await _prepare(world, state)
    for role in ("clerk", "head", "admin"):
        async with world.factory() as session:
            svc = world.service(session)
            actor = await world.actor(session, _uid(world, role))
            elsewhere = replace(actor, audience_department_id=world.dept_ids["transport"])
            with pytest.raises(NotAllowed) as info:
                await op(svc, tid, elsewhere)
            assert render_error(info.value, "en") == render_error(NotAllowed(), "en"), (name, role)
            at_home = replace(actor, audience_department_id=world.dept_ids["housing"])
            if role in OPERATIONS[name][2]:
                assert await op(svc, tid, at_home) is not None, (name, role)
            await session.rollback()
