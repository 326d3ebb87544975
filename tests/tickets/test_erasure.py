"""tickets/erasure.py: what an erasure removes, table by table, and what it keeps."""

from __future__ import annotations

from sqlmodel import SQLModel, col, select

from tickets.erasure import PERSONAL_DATA, Subject, erasers, register_eraser
from tickets.gaps import link_ticket, record_unanswered
from tickets.models import (
    Citizen,
    CitizenIdentity,
    Outbox,
    Ticket,
    TicketEvent,
    TicketMessage,
    UnansweredQuestion,
)
from tickets.outbox import enqueue
from tickets.people.citizens import erase_citizen

from .conftest import HOUSING_CHAT, World, open_ticket
from .helpers import events


async def _owner(w: World, session) -> Citizen:  # type: ignore[no-untyped-def]
    citizen = await session.get(Citizen, w.owner.id)
    assert citizen is not None
    return citizen


async def test_every_table_says_what_erasure_does_with_it() -> None:
    """A new table must say whether it holds citizen data (and erasure must handle it)."""
    assert set(SQLModel.metadata.tables) == set(PERSONAL_DATA)


async def test_erasure_deletes_the_citizens_messages_and_links(any_world: World) -> None:
    w = any_world
    tid = await open_ticket(w, text="灯坏了，我是张三，电话 138 1234 5678")
    other_tid = await open_ticket(w, citizen=w.other, text="Bench broken")
    async with w.factory() as session:
        svc = w.service(session)
        admin = await w.actor(session, w.admin)
        await svc.reply(tid, admin, "张三您好，明天派人维修")
        contact = await svc.reveal_contact(tid, admin)
        # The /contact reveal as the staff handler queues it: tagged with the citizen.
        await enqueue(
            session,
            w.admin,
            "sendMessage",
            payload={"text": f"{contact.phone}"},
            citizen_id=contact.citizen_id,
        )
        session.add(TicketMessage(chat_id=5001, message_id=11, ticket_id=tid))
        session.add(TicketMessage(chat_id=HOUSING_CHAT, message_id=12, ticket_id=tid))
        session.add(TicketMessage(chat_id=5002, message_id=13, ticket_id=other_tid))
        await session.commit()
    async with w.factory() as session:
        before = (await session.exec(select(Outbox))).all()
        assert {r.citizen_id for r in before if r.chat_id == HOUSING_CHAT} == {
            w.owner.id,
            w.other.id,
        }
        assert await erase_citizen(session, await _owner(w, session), now=w.clock.now()) == 1
        await session.commit()
    async with w.factory() as session:
        rows = (await session.exec(select(Outbox))).all()
        links = (await session.exec(select(TicketMessage))).all()
        ticket = await session.get(Ticket, tid)
        log = await events(session, tid)
    # Nothing to the citizen's chat nor about them (the staff post, the reveal), pending or not;
    # the other citizen's messages are untouched.
    assert rows and all(r.chat_id != 5001 and r.citizen_id != w.owner.id for r in rows)
    assert all("138" not in str(r.payload) and "张三" not in str(r.payload) for r in rows)
    assert {r.citizen_id for r in rows} == {w.other.id}
    assert sorted((link.chat_id, link.message_id) for link in links) == [
        (-1001, 12),
        (5002, 13),
    ]
    assert ticket is not None and ticket.citizen_id is None
    assert ticket.text == "灯坏了，我是***，电话 ***"
    # The audit trail stays, scrubbed (the staff reply named the citizen); the reveal is kept.
    assert [e.kind for e in log] == ["created", "replied", "contact_revealed", "citizen_erased"]
    assert log[1].data["text"] == "***您好，明天派人维修" and log[1].actor_id == w.admin
    assert log[0].actor_id is None and "张三" not in str(log[0].data)
    assert log[2].data == {}


async def test_erased_citizen_row_keeps_nothing(any_world: World) -> None:
    w = any_world
    await open_ticket(w)
    async with w.factory() as session:
        await erase_citizen(session, await _owner(w, session), now=w.clock.now())
        await session.commit()
    async with w.factory() as session:
        citizen = await _owner(w, session)
        linked = (await session.exec(select(Ticket).where(Ticket.citizen_id == citizen.id))).all()
        identities = (await session.exec(select(CitizenIdentity))).all()
    assert [i.citizen_id for i in identities] == [w.other.id]  # the owner's are gone
    assert (citizen.display_name, citizen.email) == (None, None)
    assert (citizen.phone, citizen.language, citizen.consent_at) == (None, None, None)
    assert citizen.erased_at == w.clock.now() and linked == []


async def test_questions_tied_to_the_citizen_are_scrubbed_not_unlinked(any_world: World) -> None:
    w = any_world
    tid = await open_ticket(w, text="张三: lamp broken")
    async with w.factory() as session:
        now = w.clock.now()
        asked = await record_unanswered(
            session, text="张三: lamp broken, call 13812345678", lang="zh", decision="none", now=now
        )
        recent = await record_unanswered(
            session, text="Is 张三 allowed to park here?", lang="en", decision="none", now=now
        )
        stranger = await record_unanswered(
            session, text="张三 is my neighbour's name", lang="en", decision="none", now=now
        )
        await link_ticket(session, asked.id, tid)  # type: ignore[arg-type]
        await session.commit()
        ids = (asked.id, recent.id, stranger.id)
    # The phone number never reached the gap report.
    assert "13812345678" not in asked.text and "***" in asked.text
    async with w.factory() as session:
        await erase_citizen(
            session, await _owner(w, session), now=w.clock.now(), question_ids=[ids[1]]
        )
        await session.commit()
    async with w.factory() as session:
        rows = (
            await session.exec(select(UnansweredQuestion).order_by(col(UnansweredQuestion.id)))
        ).all()
    assert [r.text for r in rows] == [
        "***: lamp broken, call ***",
        "Is *** allowed to park here?",
        "张三 is my neighbour's name",  # not tied to this person: nothing to go by
    ]
    assert rows[0].ticket_id == tid  # points to a ticket that points to no one


async def test_registered_erasers_run_with_the_subject(any_world: World) -> None:
    w = any_world
    seen: list[Subject] = []

    async def remember(session, subject: Subject) -> None:  # type: ignore[no-untyped-def]
        seen.append(subject)

    register_eraser("test-conversation-state", remember)
    try:
        assert erasers()[:4] == ["outbox", "ticket_message", "ticket", "unanswered_question"]
        tid = await open_ticket(w)
        async with w.factory() as session:
            await erase_citizen(session, await _owner(w, session), now=w.clock.now())
            await session.commit()
    finally:
        from tickets import erasure

        erasure._erasers.pop("test-conversation-state", None)
    [subject] = seen
    assert subject.citizen_id == w.owner.id and subject.telegram_user_id == 5001
    assert subject.chat_ids == (5001,) and subject.ticket_ids == (tid,)
    assert subject.names == ("张三",) and subject.phones == ("13812345678",)
    assert subject.scrub("张三 138-1234-5678") == "*** ***"


async def test_events_of_other_actors_keep_their_ids(any_world: World) -> None:
    w = any_world
    tid = await open_ticket(w)
    async with w.factory() as session:
        svc = w.service(session)
        await svc.take(tid, await w.actor(session, w.clerk))
        await session.commit()
    async with w.factory() as session:
        await erase_citizen(session, await _owner(w, session), now=w.clock.now())
        await session.commit()
    async with w.factory() as session:
        log = (await session.exec(select(TicketEvent).where(TicketEvent.ticket_id == tid))).all()
    assert {e.kind: e.actor_id for e in log} == {
        "created": None,
        "taken": w.clerk,
        "citizen_erased": None,
    }
