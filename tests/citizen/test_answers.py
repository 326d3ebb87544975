"""Answering a request for information (and replying to the desk's messages about a ticket),
through the dispatcher, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import col, select

from locales import t
from tests.citizen.conftest import ROADS_CHAT, Chat, Desk, last_message, messages
from tickets.authz import Actor
from tickets.models import Ticket, TicketEvent, TicketMessage, UnansweredQuestion

ADMIN = Actor(1, is_admin=True)


async def _ticket(desk: Desk, chat: Chat, text: str = "a pothole on the road") -> Ticket:
    await chat.send("/new")
    await chat.send(text)
    await chat.press("tf:submit:")
    async with desk.factory() as session:
        rows = (await session.exec(select(Ticket).order_by(col(Ticket.id).desc()))).all()
        return rows[0]


async def _ask(desk: Desk, ticket: Ticket, question: str, message_id: int | None = None) -> None:
    """Staff ask; ``message_id``: the id Telegram gave the question in the citizen's chat."""
    async with desk.factory() as session:
        await desk.deps.tickets(session).ask_info(ticket.number, ADMIN, question)
        if message_id is not None:
            citizen_chat = 7001
            session.add(
                TicketMessage(chat_id=citizen_chat, message_id=message_id, ticket_id=ticket.id)  # type: ignore[arg-type]
            )
        await session.commit()
    await desk.new_calls()


async def _load(desk: Desk, ticket_id: int | None) -> Ticket:
    async with desk.factory() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        return ticket


async def _events(desk: Desk, ticket_id: int | None) -> list[TicketEvent]:
    async with desk.factory() as session:
        stmt = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
        return list((await session.exec(stmt.order_by(col(TicketEvent.id)))).all())


async def _gaps(desk: Desk) -> list[UnansweredQuestion]:
    async with desk.factory() as session:
        return list((await session.exec(select(UnansweredQuestion))).all())


async def test_a_typed_answer_resumes_the_clock_and_tells_the_department(desk: Desk) -> None:
    chat = desk.chat()
    ticket = await _ticket(desk, chat)
    await _ask(desk, ticket, "Which street exactly?")
    assert (await _load(desk, ticket.id)).paused_at is not None
    calls = await chat.send("Garden Road, in front of number 12")
    mine = last_message(calls, chat.user_id)
    assert mine.text == t("en", "tk-answer_added", number=ticket.number, attachments="")
    staff = last_message(calls, ROADS_CHAT)
    assert "Garden Road, in front of number 12" in staff.text and ticket.number in staff.text
    assert staff.payload["chat_id"] == ROADS_CHAT
    after = await _load(desk, ticket.id)
    assert after.status == "new" and after.paused_at is None
    last = (await _events(desk, ticket.id))[-1]
    assert (last.kind, last.actor_kind, last.data["resumed"]) == (
        "citizen_message",
        "citizen",
        True,
    )
    assert await _gaps(desk) == []  # not an FAQ question, not a gap
    # The request is answered: the next message is a question again.
    assert last_message(await chat.send("public housing")).text == t("en", "faq-suggest")


async def test_a_reply_to_the_question_and_to_a_staff_reply_goes_to_that_ticket(
    desk: Desk,
) -> None:
    chat = desk.chat()
    ticket = await _ticket(desk, chat)
    await _ask(desk, ticket, "Which street?", message_id=900)
    calls = await chat.send("Hill Road", reply_to=900)
    assert last_message(calls, chat.user_id).text.startswith("✅")
    assert "Hill Road" in last_message(calls, ROADS_CHAT).text
    # The canned "need-more-info" reply asks the citizen to reply to it: a staff reply.
    async with desk.factory() as session:
        await desk.deps.tickets(session).reply(ticket.number, ADMIN, "Please reply with a photo")
        session.add(TicketMessage(chat_id=chat.user_id, message_id=901, ticket_id=ticket.id))  # type: ignore[arg-type]
        await session.commit()
    await desk.new_calls()
    # ... even in the middle of a new request form, which stays as it was.
    await chat.send("/new")
    draft = last_message(await chat.send("the park bench is broken"))
    calls = await chat.send("It is the one near the bus stop", reply_to=901)
    assert last_message(calls, chat.user_id).text == t(
        "en", "citizen-followup_received", number=ticket.number
    )
    assert "near the bus stop" in last_message(calls, ROADS_CHAT).text
    assert (await _load(desk, ticket.id)).status in ("new", "in_progress")
    again = await chat.press(draft.data_for("Submit"))
    assert any("registered" in c.text for c in messages(again, chat.user_id))
    async with desk.factory() as session:
        newest = (await session.exec(select(Ticket).order_by(col(Ticket.id).desc()))).first()
    assert newest is not None and newest.text == "the park bench is broken"
    assert await _gaps(desk) == []


async def test_a_photo_or_a_document_is_the_answer_and_reaches_the_department(
    desk: Desk,
) -> None:
    chat = desk.chat()
    ticket = await _ticket(desk, chat)
    await _ask(desk, ticket, "Can you send a photo?")
    calls = await chat.photo("pic-9", caption="here it is")
    assert last_message(calls, chat.user_id).text == t(
        "en",
        "tk-answer_added",
        number=ticket.number,
        attachments=t("en", "tk-with_attachments", count=1),
    )
    staff = [c for c in calls if c.chat_id == ROADS_CHAT]
    assert [c.method for c in staff] == ["sendMessage", "sendPhoto"]
    assert "here it is" in staff[0].text and staff[1].payload["photo"] == "pic-9"
    await _ask(desk, ticket, "And the lease, please")
    calls = await chat.document("lease-1")
    staff = [c for c in calls if c.chat_id == ROADS_CHAT]
    assert [c.method for c in staff] == ["sendMessage", "sendDocument"]
    assert (
        staff[1].payload["document"] == "lease-1" and ticket.number in staff[1].payload["caption"]
    )
    after = await _load(desk, ticket.id)
    assert after.details["photos"] == ["pic-9"] and after.details["documents"] == ["lease-1"]
    assert after.paused_at is None
    # A document replying to a question message works the same way.
    await _ask(desk, ticket, "The second page too", message_id=950)
    calls = await chat.document("lease-2", reply_to=950)
    assert [c.method for c in calls if c.chat_id == ROADS_CHAT] == ["sendMessage", "sendDocument"]
    # The citizen's ticket page counts them on the answers' lines.
    view = last_message(await chat.press(f"mt:v:{ticket.id}"))
    assert "(with 1 photo(s), 0 file(s))" in view.text
    assert "(with 0 photo(s), 1 file(s))" in view.text


async def test_several_open_requests_the_latest_or_the_one_replied_to(desk: Desk) -> None:
    chat = desk.chat()
    first = await _ticket(desk, chat, "a pothole on Garden Road")
    second = await _ticket(desk, chat, "a broken streetlight on Hill Road")
    await _ask(desk, first, "Which number?", message_id=700)
    desk.clock.advance(timedelta(minutes=5))
    await _ask(desk, second, "Which lamp post?")
    calls = await chat.send("Lamp post 17")
    assert second.number in last_message(calls, chat.user_id).text
    assert (await _load(desk, second.id)).paused_at is None
    assert (await _load(desk, first.id)).paused_at is not None
    # The first request is still open: the next message answers it ...
    calls = await chat.send("Number 12", reply_to=700)
    assert first.number in last_message(calls, chat.user_id).text
    assert (await _load(desk, first.id)).paused_at is None


async def test_cancel_and_commands_escape_an_open_request(desk: Desk) -> None:
    chat = desk.chat()
    ticket = await _ticket(desk, chat)
    await _ask(desk, ticket, "Which street?")
    listing = last_message(await chat.send("/mytickets"))  # commands work as usual
    assert listing.text.startswith("📂")
    assert last_message(await chat.send("/cancel")).text == t("en", "tk-answer_skipped")
    assert last_message(await chat.send("public housing")).text == t("en", "faq-suggest")
    assert (await _load(desk, ticket.id)).paused_at is not None  # still waiting
    assert last_message(await chat.send("/cancel")).text == t("en", "flow-nothing_to_cancel")
    # A new question from the desk: the next message is an answer again.
    desk.clock.advance(timedelta(minutes=1))
    await _ask(desk, ticket, "Which street, please?")
    calls = await chat.send("Garden Road")
    assert last_message(calls, chat.user_id).text.startswith("✅")
    # The "Add information" button still works, for photos too.
    await _ask(desk, ticket, "A photo?")
    prompt = await chat.press(f"tk:followup:{ticket.id}")
    assert last_message(prompt).text == t("en", "tk-followup_prompt", number=ticket.number)
    calls = await chat.photo("pic-2")
    assert [c.method for c in calls if c.chat_id == ROADS_CHAT] == ["sendMessage", "sendPhoto"]


async def test_an_answer_after_a_rating_prompt_goes_to_the_question(desk: Desk) -> None:
    chat = desk.chat()
    rated = await _ticket(desk, chat, "a pothole on Garden Road")
    open_ = await _ticket(desk, chat, "a broken streetlight on Hill Road")
    async with desk.factory() as session:
        await desk.deps.tickets(session).close(rated.number, ADMIN, "Repaired")
        await session.commit()
    await desk.new_calls()
    await chat.press(f"tk:rate5:{rated.id}")  # "add a comment (optional)"
    desk.clock.advance(timedelta(minutes=1))
    await _ask(desk, open_, "Which lamp post?")
    calls = await chat.send("Lamp post 17")
    assert open_.number in last_message(calls, chat.user_id).text
    assert (await _load(desk, rated.id)).rating_comment is None
    assert (await _load(desk, open_.id)).paused_at is None
