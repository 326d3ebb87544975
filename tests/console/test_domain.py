"""The console's domain: sign-in links and sessions, search, assign/urgency, FAQ feedback."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from tests.staff_handlers.conftest import ADMIN, HEAD_ID, Desk, texts
from tickets.authz import actor_for
from tickets.console_access import (
    check_csrf,
    create_login,
    end_session,
    hash_token,
    load_session,
    redeem_login,
)
from tickets.errors import NotAllowed, ValidationError
from tickets.faq_feedback import entry_signals, record_feedback
from tickets.gaps import record_unanswered
from tickets.models import ConsoleLogin, StaffMember, Ticket
from tickets.search import TicketFilter, search_tickets, visible_match

TTL = timedelta(hours=12)


async def _redeem(desk: Desk, token: str, **kw):  # type: ignore[no-untyped-def]
    async with desk.factory() as session:
        result = await redeem_login(
            session, token, now=kw.get("now", desk.clock.now()), admin_ids=(ADMIN,), session_ttl=TTL
        )
        await session.commit()
        return result


async def test_a_link_works_once_and_only_the_hash_is_stored(any_desk: Desk) -> None:
    desk = any_desk
    async with desk.factory() as session:
        token = await create_login(session, 101, now=desk.clock.now())
        await session.commit()
        stored = (await session.exec(select(ConsoleLogin))).one()
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    first = await _redeem(desk, token)
    assert first is not None
    cookie, user = first
    assert user.actor.telegram_user_id == 101 and user.actor.department_id is not None
    assert await _redeem(desk, token) is None  # reused
    async with desk.factory() as session:
        loaded = await load_session(session, cookie, now=desk.clock.now(), admin_ids=(ADMIN,))
        assert loaded is not None and check_csrf(loaded, loaded.csrf_token)
        assert not check_csrf(loaded, "x") and not check_csrf(loaded, None)
        assert not check_csrf(loaded, "😀" * 10)  # not a TypeError from compare_digest
        late = desk.clock.now() + TTL + timedelta(seconds=1)
        assert await load_session(session, cookie, now=late, admin_ids=(ADMIN,)) is None
        await end_session(session, loaded.session_id, now=desk.clock.now())
        await session.commit()
        assert await load_session(session, cookie, now=desk.clock.now(), admin_ids=()) is None


async def test_expired_links_and_people_no_longer_staff_are_refused(desk: Desk) -> None:
    async with desk.factory() as session:
        old = await create_login(session, 101, now=desk.clock.now())
        gone = await create_login(session, 201, now=desk.clock.now())
        nobody = await create_login(session, 5001, now=desk.clock.now())
        await session.commit()
    assert await _redeem(desk, old, now=desk.clock.now() + timedelta(minutes=10)) is None
    async with desk.factory() as session:
        member = (
            await session.exec(select(StaffMember).where(StaffMember.telegram_user_id == 201))
        ).one()
        member.active = False
        session.add(member)
        await session.commit()
    assert await _redeem(desk, gone) is None
    assert await _redeem(desk, nobody) is None  # a citizen
    assert await _redeem(desk, "") is None and await _redeem(desk, "x" * 300) is None


async def _search(desk: Desk, uid: int, query: str, **flt):  # type: ignore[no-untyped-def]
    async with desk.factory() as session:
        actor = await actor_for(session, uid, (ADMIN,))
        page = await search_tickets(
            session,
            actor,
            TicketFilter(query=query, statuses=None, **flt),
            now=desk.clock.now(),
            day_end=desk.clock.now() + timedelta(hours=8),
        )
        return [t.number for t in page.items]


async def test_search_finds_what_staff_see_and_never_unmasks(any_desk: Desk) -> None:
    desk = any_desk
    _lamp_id, lamp = await desk.open_ticket("housing", "楼道灯坏了，电话13812345678")
    _noise_id, noise = await desk.open_ticket("housing", "Construction noise at night")
    _bus_id, bus = await desk.open_ticket("transport", "公交站的楼道灯也坏了")
    assert await _search(desk, 101, "楼道灯") == [lamp]  # Chinese substring, own department
    assert sorted(await _search(desk, ADMIN, "楼道灯")) == sorted([lamp, bus])
    assert await _search(desk, 101, "NOISE") == [noise]  # case-insensitive
    assert await _search(desk, 101, "灯坏") == [lamp]  # two letters (PostgreSQL: bigrams)
    assert await _search(desk, 101, "ni") == [noise]
    assert await _search(desk, 101, lamp) == [lamp]  # the number
    assert lamp in await _search(desk, 101, str(int(lamp[-6:])))  # this year's, short
    assert await _search(desk, 101, "5678") == [lamp, noise]  # masked phone shows the last 4
    # The hidden digits of a phone, in the text or in the contact, find nothing.
    assert await _search(desk, 101, "381234") == []
    assert await _search(desk, 101, "12345678") == []
    assert await _search(desk, 101, "138****5678") == [lamp, noise]  # as displayed
    assert await _search(desk, 101, "张") == [lamp, noise]  # the masked name keeps the surname
    assert await _search(desk, 101, "张三") == []
    assert await _search(desk, 101, "50%_") == []  # LIKE's specials are literal
    assert visible_match("灯坏", "2026-000001", "楼道灯坏了", None, None)


async def test_staff_filters_stay_in_their_department(desk: Desk) -> None:
    await desk.open_ticket("housing", "a housing ticket")
    await desk.open_ticket("transport", "a transport ticket")
    async with desk.factory() as session:
        transport = (
            await session.exec(select(Ticket).where(Ticket.text.contains("transport")))
        ).one()
        clerk = await actor_for(session, 101, (ADMIN,))
        page = await search_tickets(
            session,
            clerk,
            TicketFilter(department_id=transport.department_id),
            now=desk.clock.now(),
            day_end=desk.clock.now(),
        )
        assert [t.text for t in page.items] == ["a housing ticket"]
        citizen = await actor_for(session, 5001, (ADMIN,))
        with pytest.raises(NotAllowed):
            await search_tickets(
                session, citizen, TicketFilter(), now=desk.clock.now(), day_end=desk.clock.now()
            )


async def test_a_head_assigns_to_a_named_clerk_who_is_told(any_desk: Desk) -> None:
    desk = any_desk
    tid, number = await desk.open_ticket()
    before = await desk.last_outbox_id()
    async with desk.factory() as session:
        service = desk.deps.tickets(session)
        clerk = await actor_for(session, 101, (ADMIN,))
        with pytest.raises(NotAllowed):  # a clerk takes; only heads and admins assign
            await service.assign(tid, clerk, 101)
        head = await actor_for(session, HEAD_ID, (ADMIN,))
        with pytest.raises(ValidationError):  # not of this department
            await service.assign(tid, head, 201)
        ticket = await service.assign(tid, head, 101)
        await session.commit()
    assert ticket.status == "in_progress"
    events = await desk.events(tid)
    assert events[-1].kind == "assigned" and events[-1].actor_id == HEAD_ID
    assert events[-1].data["assignee"] == 101
    rows = [r for r in await _outbox_after(desk, before)]
    assert any(r.chat_id == 101 and number in r.payload["text"] for r in rows)
    async with desk.factory() as session:
        head = await actor_for(session, HEAD_ID, (ADMIN,))
        with pytest.raises(ValidationError):
            await desk.deps.tickets(session).assign(tid, head, 101)  # already theirs


async def _outbox_after(desk: Desk, after: int):  # type: ignore[no-untyped-def]
    from sqlmodel import col

    from tickets.models import Outbox

    async with desk.factory() as session:
        stmt = select(Outbox).where(col(Outbox.id) > after).order_by(col(Outbox.id))
        return list((await session.exec(stmt)).all())


async def test_urgency_recomputes_the_deadlines(desk: Desk) -> None:
    tid, _number = await desk.open_ticket()
    async with desk.factory() as session:
        ticket = await session.get(Ticket, tid)
        assert ticket is not None and not ticket.urgent
        due = ticket.resolution_due_at
        clerk = await actor_for(session, 101, (ADMIN,))
        service = desk.deps.tickets(session)
        changed = await service.set_urgent(tid, clerk, True)
        await session.commit()
        assert changed.urgent and changed.resolution_due_at is not None and due is not None
        assert changed.resolution_due_at < due  # urgent: same day
        with pytest.raises(ValidationError):
            await service.set_urgent(tid, clerk, True)
    assert (await desk.events(tid))[-1].kind == "urgency_changed"


async def test_faq_feedback_and_signals(any_desk: Desk) -> None:
    desk = any_desk
    now = desk.clock.now()
    async with desk.factory() as session:
        await record_feedback(session, "passport", helpful=True, now=now)
        await record_feedback(session, "passport", helpful=False, now=now)
        await record_feedback(session, "visa", helpful=True, now=now)
        await record_feedback(session, None, helpful=True, now=now)  # nothing shown: ignored
        await record_unanswered(
            session, text="q", lang="zh", decision="none", now=now, best_entry_id="tax"
        )
        await session.commit()
        signals = await entry_signals(session, since=now - timedelta(days=1))
        later = await entry_signals(session, since=now + timedelta(days=1))
    assert (signals["passport"].helpful, signals["passport"].not_helpful) == (1, 1)
    assert signals["visa"].helpful == 1 and signals["tax"].closest == 1
    assert signals["tax"].matched and later == {}


async def test_the_bots_console_command_sends_the_link_privately(desk: Desk) -> None:
    rows = await desk.message(101, "/console", chat=-1001)
    private = texts(rows, 101)
    assert len(private) == 1 and "/console/login?token=" in private[0]
    assert next(r for r in rows if r.chat_id == 101).payload["link_preview_options"] == {
        "is_disabled": True
    }
    assert texts(rows, -1001) == ["The sign-in link was sent to you in a private message."]
    refused = await desk.message(5001, "/console")
    assert all("token=" not in text for text in texts(refused))
