"""The citizen conversation through the dispatcher, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from bot.processing import TransientError
from handlers.dialogue.flood import FLOOD_LIMIT, FLOOD_WINDOW
from locales import t
from tests.citizen.conftest import (
    HOUSING_CHAT,
    PARKS_CHAT,
    ROADS_CHAT,
    Desk,
    last_message,
    messages,
)
from tickets.authz import Actor
from tickets.models import (
    Citizen,
    CitizenIdentity,
    ConversationState,
    Ticket,
    TicketEvent,
    UnansweredQuestion,
)
from tickets.people.citizens import find_citizen


async def _rows(desk: Desk, model: type) -> list:  # type: ignore[type-arg]
    async with desk.factory() as session:
        return list((await session.exec(select(model).order_by(col(model.id)))).all())  # type: ignore[attr-defined]


async def _conversations(desk: Desk) -> list[ConversationState]:
    async with desk.factory() as session:
        return list((await session.exec(select(ConversationState))).all())


async def test_start_welcomes_with_privacy_notice_and_menu_once(desk: Desk) -> None:
    chat = desk.chat(lang="en")
    calls = await chat.send("/start")
    menus = [c for c in calls if c.method == "setMyCommands"]
    assert {c.payload.get("language_code") for c in menus} == {"zh", "en", None}
    assert all(c.payload["scope"] == {"type": "all_private_chats"} for c in menus)
    en = next(c for c in menus if c.payload.get("language_code") == "en")
    assert [x["command"] for x in en.payload["commands"]][:3] == ["start", "new", "mytickets"]
    welcome = last_message(calls, chat.user_id)
    assert welcome.text.startswith("Hello Ada!")
    assert t("en", "privacy") in welcome.text and "/deleteme" in welcome.text
    again = await chat.send("/start")
    assert not [c for c in again if c.method == "setMyCommands"]
    zh = desk.chat(user_id=7002, lang="zh-hans", first_name="王")
    assert last_message(await zh.send("/start"), 7002).text.startswith("您好，王！")


async def test_answer_then_helpful(desk: Desk) -> None:
    chat = desk.chat()
    answer = last_message(await chat.send("How do I apply for public rental housing?"))
    assert answer.text.startswith("Apply online on the housing portal")
    assert "https://housing.example.gov/apply" in answer.text
    assert answer.text.endswith("Did this help?")
    assert answer.payload["reply_parameters"]["message_id"] == 1
    glad = await chat.press(answer.data_for("Yes"))
    assert last_message(glad).text == t("en", "faq-glad")
    assert glad[0].method == "answerCallbackQuery"
    assert await _rows(desk, UnansweredQuestion) == []


async def test_not_helpful_is_recorded_and_becomes_a_ticket_for_the_entrys_department(
    desk: Desk,
) -> None:
    chat = desk.chat()
    answer = last_message(await chat.send("How do I apply for public rental housing?"))
    offer = last_message(await chat.press(answer.data_for("No")))
    assert "Housing Bureau" in offer.text
    [gap] = await _rows(desk, UnansweredQuestion)
    assert (gap.decision, gap.best_entry_id) == ("not_helpful", "public-housing-apply")
    draft = last_message(await chat.press(offer.data_for("Send")))
    assert "Department: Housing Bureau" in draft.text and "Type: consultation" in draft.text
    done = await chat.press(draft.data_for("Submit"))
    [ticket] = await _rows(desk, Ticket)
    assert ticket.faq_entry_id == "public-housing-apply"
    assert ticket.text == "How do I apply for public rental housing?"
    assert messages(done, HOUSING_CHAT)
    [gap] = await _rows(desk, UnansweredQuestion)
    assert gap.ticket_id == ticket.id


async def test_suggest_then_pick_and_none_of_these(desk: Desk) -> None:
    chat = desk.chat()
    suggestion = last_message(await chat.send("public housing"))
    assert suggestion.text == t("en", "faq-suggest")
    labels = [text for text, _ in suggestion.buttons]
    assert labels == [
        "Where can I apply for public housing?",  # the entry's question closest to the query
        "How much is the rent for public rental housing?",
        "None of these",
    ]
    picked = last_message(await chat.press(suggestion.buttons[1][1]))
    assert picked.text.startswith("Rent is 60% of the market rent")
    assert await _rows(desk, UnansweredQuestion) == []
    offer = last_message(await chat.press(suggestion.data_for("None of these")))
    assert offer.text == t("en", "faq-none")
    [gap] = await _rows(desk, UnansweredQuestion)
    assert (gap.decision, gap.text, gap.best_entry_id) == (
        "suggest",
        "public housing",
        "public-housing-rent",
    )


async def test_none_to_ticket_with_photo_location_and_consented_phone(desk: Desk) -> None:
    chat = desk.chat(lang="en")
    text = "the streetlight outside number 5 is broken"
    offer = last_message(await chat.send(text))
    assert offer.text == t("en", "faq-none")
    [gap] = await _rows(desk, UnansweredQuestion)
    assert (gap.decision, gap.text) == ("none", text)
    draft = last_message(await chat.press(offer.data_for("Send")))
    assert "Department: Roads Office" in draft.text  # from the department's keywords
    assert "Type: request for help" in draft.text  # "broken"
    draft = last_message(await chat.photo("pic-1", caption="since Monday"))
    assert "Photos: 1" in draft.text and "since Monday" in draft.text
    draft = last_message(await chat.location(31.2, 121.5))
    assert "Location: yes" in draft.text
    consent = last_message(await chat.press(draft.data_for("phone")))
    assert consent.text == t("en", "flow-phone_consent")
    keyboard = consent.payload["reply_markup"]["keyboard"]
    assert keyboard[0][0]["request_contact"] is True
    someone_else = last_message(await chat.contact("+8613900000000", user_id=1))
    assert someone_else.text == t("en", "flow-phone_not_own")
    saved = await chat.contact("+86 138 1234 5678")
    assert messages(saved)[0].payload["reply_markup"] == {"remove_keyboard": True}
    draft = last_message(saved)
    assert "Phone: yes" in draft.text
    types = last_message(await chat.press(draft.data_for("Change type")))
    draft = last_message(await chat.press(types.data_for("complaint")))
    assert "Type: complaint" in draft.text
    done = await chat.press(draft.data_for("Submit"))
    [ticket] = await _rows(desk, Ticket)
    assert ticket.demand_type == "complaint" and ticket.lang == "en"
    assert ticket.details == {
        "photos": ["pic-1"],
        "location": {"latitude": 31.2, "longitude": 121.5},
        "contact_consent": True,
    }
    [citizen] = await _rows(desk, Citizen)
    assert citizen.phone == "+8613812345678" and citizen.consent_at is not None
    assert citizen.consent_at <= desk.clock.now()
    staff = last_message(done, ROADS_CHAT)
    assert ticket.number in staff.text and "138****5678" in staff.text
    confirmations = messages(done, chat.user_id)
    assert len(confirmations) == 1  # the domain's confirmation only, not duplicated
    assert confirmations[0].text == t(
        "en", "citizen-created", number=ticket.number, response_due="2026-11-24 15:30"
    )
    assert (await _rows(desk, UnansweredQuestion))[0].ticket_id == ticket.id


async def test_unknown_department_is_chosen_from_buttons(desk: Desk) -> None:
    chat = desk.chat(lang="zh")
    prompt = last_message(await chat.send("/new"))
    assert prompt.text == t("zh", "flow-describe")
    choose = last_message(await chat.send("我想反映一个情况"))
    assert choose.text == t("zh", "flow-choose_dept")
    assert [d for _, d in choose.buttons][:3] == [
        "tf:setdept:housing",
        "tf:setdept:roads",
        "tf:setdept:parks",
    ]
    draft = last_message(await chat.press("tf:setdept:parks"))
    assert "部门：园林绿化局" in draft.text and "类型：咨询" in draft.text
    await chat.press(draft.data_for("提交"))
    [ticket] = await _rows(desk, Ticket)
    assert ticket.text == "我想反映一个情况" and ticket.lang == "zh"
    stale = await chat.press("tf:submit:")
    assert stale[0].method == "answerCallbackQuery"
    assert stale[0].payload["text"] == t("zh", "flow-expired")
    assert len(await _rows(desk, Ticket)) == 1


async def test_cancel_works_at_every_step(desk: Desk) -> None:
    chat = desk.chat()
    await chat.send("/new")
    assert last_message(await chat.send("/cancel")).text == t("en", "flow-cancelled")
    await chat.send("/new")
    await chat.send("a pothole on my street")
    consent = last_message(await chat.press("tf:phone:"))
    assert consent.payload["reply_markup"]["keyboard"]
    cancelled = last_message(await chat.send("/cancel"))
    assert cancelled.text == t("en", "flow-cancelled")
    assert cancelled.payload["reply_markup"] == {"remove_keyboard": True}
    draft_prompt = last_message(await chat.send("/new"))
    assert last_message(await chat.press(draft_prompt.data_for("Cancel"))).text == t(
        "en", "flow-cancelled"
    )
    assert last_message(await chat.send("/cancel")).text == t("en", "flow-nothing_to_cancel")
    # After cancelling, text is a question again.
    assert last_message(await chat.send("public housing")).text == t("en", "faq-suggest")
    assert await _rows(desk, Ticket) == []


async def test_deep_links(desk: Desk) -> None:
    chat = desk.chat(lang="zh")
    answer = last_message(await chat.send("/start faq-public-housing-rent"))
    assert answer.text.startswith("公租房租金为同地段市场租金的60%")
    assert answer.data_for("有帮助").startswith("fq:y:")
    prompt = last_message(await chat.send("/start dept-parks"))
    assert prompt.text == t("zh", "flow-describe_dept", department="园林绿化局")
    draft = last_message(await chat.send("公园里有棵树倒了"))
    assert "部门：园林绿化局" in draft.text
    done = await chat.press("tf:submit:")
    assert messages(done, PARKS_CHAT)
    unknown = last_message(await chat.send("/start dept-nowhere"))
    assert unknown.text.startswith("您好")


async def test_same_update_twice_creates_one_ticket(desk: Desk) -> None:
    chat = desk.chat()
    await chat.send("/new")
    await chat.send("a pothole on the road")
    submit = {
        "update_id": 99_999,
        "callback_query": {
            "id": "cq-dup",
            "from": {
                "id": chat.user_id,
                "is_bot": False,
                "first_name": "Ada",
                "language_code": "en",
            },
            "chat_instance": "ci",
            "data": "tf:submit:",
            "message": {
                "message_id": 3,
                "date": 0,
                "chat": {"id": chat.user_id, "type": "private"},
                "text": "…",
            },
        },
    }
    first, calls = await desk.feed(submit)
    second, again = await desk.feed(submit)
    assert (first.outcome, second.outcome) == ("ok", "duplicate")
    assert again == []
    assert len(await _rows(desk, Ticket)) == 1
    assert len(messages(calls, chat.user_id)) == 1


async def test_a_failed_commit_is_redelivered_and_creates_the_ticket_once(
    desk: Desk, engine
) -> None:
    """The database fails at COMMIT, after the handler has finished the form (a crash
    mid-update): nothing is kept, the conversation stays at the summary, and Telegram's
    redelivery creates the ticket exactly once."""
    chat = desk.chat()
    await chat.send("/new")
    await chat.send("a pothole on the road")
    failures = {"left": 1}

    def fail_commit(conn: Any) -> None:
        if failures["left"] and conn.in_transaction():
            failures["left"] -= 1
            raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    event.listen(engine.sync_engine, "commit", fail_commit)
    submit = {
        "update_id": 99_998,
        "callback_query": {
            "id": "cq-crash",
            "from": {"id": chat.user_id, "is_bot": False, "first_name": "Ada"},
            "chat_instance": "ci",
            "data": "tf:submit:",
            "message": {
                "message_id": 3,
                "date": 0,
                "chat": {"id": chat.user_id, "type": "private"},
                "text": "…",
            },
        },
    }
    with pytest.raises(TransientError):
        await desk.feed(submit)
    assert failures["left"] == 0
    assert await _rows(desk, Ticket) == [] and await desk.new_calls() == []
    redelivered, calls = await desk.feed(submit)
    assert redelivered.outcome == "ok"
    [ticket] = await _rows(desk, Ticket)
    assert ticket.text == "a pothole on the road"
    assert any(ticket.number in c.text for c in messages(calls, chat.user_id))
    again, _ = await desk.feed(submit)
    assert again.outcome == "duplicate" and len(await _rows(desk, Ticket)) == 1


async def test_group_chats_are_ignored(desk: Desk) -> None:
    chat = desk.chat()
    update = chat.message_update(text="How do I apply for public rental housing?")
    update["message"]["chat"] = {"id": -100555, "type": "supergroup", "title": "Neighbours"}
    result, calls = await desk.feed(update)
    assert calls == [] and result.outcome == "ignored"


async def test_language_follows_telegram_then_message_then_choice(desk: Desk) -> None:
    unknown = desk.chat(user_id=7101, lang=None)
    assert last_message(await unknown.send("公租房在哪里申请？")).text.startswith("请携带身份证")
    french = desk.chat(user_id=7102, lang="fr")
    assert last_message(await french.send("where can I apply for public housing?")).text.startswith(
        "Apply online"
    )
    chinese = desk.chat(user_id=7103, lang="zh")
    prompt = last_message(await chinese.send("/language"))
    assert [d for _, d in prompt.buttons] == ["lang:zh", "lang:en"]
    assert last_message(await chinese.press("lang:en")).text == t("en", "language-set")
    citizen = await _citizen_of(desk, 7103)
    assert citizen.language == "en"
    assert last_message(await chinese.send("公租房在哪里申请？")).text.startswith("Apply online")


async def test_non_text_outside_a_flow_is_answered_helpfully(desk: Desk) -> None:
    chat = desk.chat()
    assert last_message(await chat.sticker()).text == t("en", "hint-other")
    hint = last_message(await chat.photo("loose-photo"))
    assert hint.text == t("en", "hint-photo")
    prompt = last_message(await chat.press(hint.data_for("Submit a request")))
    assert prompt.text == t("en", "flow-describe")
    draft = last_message(await chat.send("a broken bench in the park"))
    assert "Photos: 1" in draft.text and "Parks Department" in draft.text
    assert last_message(await chat.contact()).text == t("en", "hint-other") or True


async def test_long_input_is_matched_on_its_start_and_kept_in_the_ticket(desk: Desk) -> None:
    chat = desk.chat()
    text = "the streetlight is broken. " + "x" * 6000
    offer = last_message(await chat.send(text))
    assert offer.text == t("en", "faq-none")
    draft = last_message(await chat.press(offer.data_for("Send")))
    assert len(draft.text) < 4096
    await chat.press("tf:submit:")
    [ticket] = await _rows(desk, Ticket)
    assert len(ticket.text) == 4000 and ticket.text.endswith("[…]")
    assert ticket.text.startswith("the streetlight is broken. xxx")


async def test_flood_gets_one_warning_then_silence_until_the_window_passes(desk: Desk) -> None:
    chat = desk.chat()
    chat.step = 0.5
    answered = 0
    for _ in range(FLOOD_LIMIT):
        answered += len(messages(await chat.send("hello")))
    assert answered == FLOOD_LIMIT
    warning = await chat.send("hello")
    seconds = int(FLOOD_WINDOW.total_seconds())
    assert [c.text for c in messages(warning)] == [t("en", "flood", seconds=seconds)]
    # It says honestly that what follows is dropped, and for how long.
    assert f"next {seconds} seconds will not be processed" in messages(warning)[0].text
    for _ in range(5):
        assert await chat.send("hello") == []
        assert chat.last_result is not None and chat.last_result.outcome == "ok"
    desk.clock.advance(FLOOD_WINDOW)
    assert last_message(await chat.send("hello")).text == t("en", "chitchat")
    other = desk.chat(user_id=7999)
    assert messages(await other.send("hello"))


async def test_the_chinese_flood_warning_does_not_promise_what_is_dropped(desk: Desk) -> None:
    chat = desk.chat(lang="zh")
    chat.step = 0.5
    for _ in range(FLOOD_LIMIT):
        await chat.send("你好")
    [warning] = messages(await chat.send("你好"))
    seconds = int(FLOOD_WINDOW.total_seconds())
    assert warning.text == t("zh", "flood", seconds=seconds)
    assert f"{seconds} 秒内发送的消息不会被处理" in warning.text
    assert "每一条" not in warning.text  # the old promise to handle every message
    assert await chat.send("公租房在哪里申请？") == []  # and indeed it is not processed


async def _ticket_with_reply(desk: Desk, chat_lang: str = "en") -> tuple[int, str]:
    chat = desk.chat(lang=chat_lang)
    await chat.send("/new")
    await chat.send("a pothole on the road")
    await chat.press("tf:submit:")
    [ticket] = await _rows(desk, Ticket)
    async with desk.factory() as session:
        await desk.deps.tickets(session).reply(ticket.id, Actor(1, is_admin=True), "Fixed today.")
        await session.commit()
    return ticket.id, ticket.number  # type: ignore[return-value]


async def test_staff_reply_resolved_rating_and_comment(desk: Desk) -> None:
    ticket_id, number = await _ticket_with_reply(desk)
    reply = last_message(await desk.new_calls())
    assert "Fixed today." in reply.text
    assert [d for _, d in reply.buttons] == [
        f"tk:resolved:{ticket_id}",
        f"tk:followup:{ticket_id}",
        f"tk:reopen:{ticket_id}",
    ]
    chat = desk.chat()
    closed = last_message(await chat.press(f"tk:resolved:{ticket_id}"), chat.user_id)
    assert closed.text.startswith(f"✅ Your ticket {number} is closed.")
    prompt = last_message(await chat.press(f"tk:rate4:{ticket_id}"))
    assert prompt.text == t("en", "tk-comment_prompt", stars="⭐⭐⭐⭐")
    thanks = await chat.send("quick and friendly")
    assert last_message(thanks, chat.user_id).text == t("en", "tk-comment_thanks")
    [ticket] = await _rows(desk, Ticket)
    assert (ticket.status, ticket.rating, ticket.rating_comment) == (
        "closed",
        4,
        "quick and friendly",
    )
    # The next text is a question again, not a comment.
    assert last_message(await chat.send("public housing")).text == t("en", "faq-suggest")


async def test_follow_up_and_reopen(desk: Desk) -> None:
    ticket_id, number = await _ticket_with_reply(desk)
    chat = desk.chat()
    prompt = last_message(await chat.press(f"tk:followup:{ticket_id}"))
    assert prompt.text == t("en", "tk-followup_prompt", number=number)
    calls = await chat.send("It is still there on the left side")
    assert last_message(calls, chat.user_id).text == t(
        "en", "citizen-followup_received", number=number
    )
    assert "It is still there" in last_message(calls, ROADS_CHAT).text
    async with desk.factory() as session:
        await desk.deps.tickets(session).close(ticket_id, Actor(1, is_admin=True), "Repaired")
        await session.commit()
    await desk.new_calls()
    reopened = last_message(await chat.press(f"tk:reopen:{ticket_id}"), chat.user_id)
    assert reopened.text == t("en", "tk-reopened", number=number)
    [ticket] = await _rows(desk, Ticket)
    assert ticket.status in ("new", "in_progress")
    async with desk.factory() as session:
        await desk.deps.tickets(session).close(ticket_id, Actor(1, is_admin=True), "Repaired")
        await session.commit()
    await desk.new_calls()
    desk.clock.advance(timedelta(days=8))
    late = await chat.press(f"tk:reopen:{ticket_id}")
    assert late[0].method == "answerCallbackQuery"
    assert late[0].payload["text"] == t("en", "error-reopen_expired", days=7)
    stranger = desk.chat(user_id=8888)
    denied = await stranger.press(f"tk:reopen:{ticket_id}")
    assert denied[0].payload["text"] == t("en", "error-unavailable")


async def test_mytickets_pages_and_ticket_page(desk: Desk) -> None:
    chat = desk.chat()
    for i in range(7):
        await chat.send("/new")
        await chat.send(f"pothole number {i}")
        await chat.press("tf:submit:")
    page1 = last_message(await chat.send("/mytickets"))
    assert page1.text.splitlines()[0] == t("en", "my-header", total=7, page=1, pages=2)
    assert len(page1.text.splitlines()) == 6
    assert "Roads Office | new | answer by 2026-11-24" in page1.text.splitlines()[1]
    page2 = last_message(await chat.press(page1.data_for("Next")))
    assert page2.text.splitlines()[0] == t("en", "my-header", total=7, page=2, pages=2)
    assert page2.data_for("Previous") == "mt:p:1"
    view = last_message(await chat.press(page2.buttons[1][1]))
    assert "🎫 Ticket 2026-000001" in view.text and "You: pothole number 0" in view.text
    assert view.buttons[0][1].startswith("tk:followup:")
    other = desk.chat(user_id=7555)
    assert last_message(await other.send("/mytickets")).text == t("en", "my-empty")
    denied = await other.press(page2.buttons[0][1])
    assert denied[0].payload["text"] == t("en", "error-unavailable")


async def test_mydata_and_deleteme(desk: Desk) -> None:
    ticket_id, number = await _ticket_with_reply(desk)
    chat = desk.chat()
    await chat.send("/new")
    await chat.send("my phone is 13912345678, the park bench is broken")
    await chat.press("tf:phone:")
    await chat.contact("13812345678")
    await chat.press("tf:submit:")
    data = last_message(await chat.send("/mydata"))
    assert "Telegram ID: 7001" in data.text and "Name: Ada" in data.text
    assert "Phone: 13812345678" in data.text and number in data.text
    confirm = last_message(await chat.send("/deleteme"))
    kept = last_message(await chat.press(confirm.data_for("No")))
    assert kept.text == t("en", "delete-kept")
    await chat.send("a question the conversation remembers")
    assert [c.user_id for c in await _conversations(desk)] == [chat.user_id]
    done = last_message(await chat.press(confirm.data_for("Yes")))
    assert done.text == t("en", "delete-done", tickets=2)
    assert await _conversations(desk) == []  # cleared with the erasure
    [citizen] = await _rows(desk, Citizen)
    assert citizen.erased_at is not None
    assert (citizen.display_name, citizen.phone, citizen.email) == (None, None, None)
    assert await _rows(desk, CitizenIdentity) == []  # no channel's id or address is kept
    tickets = await _rows(desk, Ticket)
    assert len(tickets) == 2 and all(t.citizen_id is None for t in tickets)
    assert "13912345678" not in tickets[1].text and "139****5678" not in tickets[1].text
    assert "my phone is ***, the park bench is broken" in tickets[1].text
    assert last_message(await chat.send("/mydata")).text == t("en", "data-none")
    # A staff reply on the anonymised ticket reaches nobody.
    async with desk.factory() as session:
        await desk.deps.tickets(session).reply(ticket_id, Actor(1, is_admin=True), "More news")
        await session.commit()
    assert messages(await desk.new_calls(), chat.user_id) == []


async def test_really_solved_question_after_closure(desk: Desk) -> None:
    """The scheduler asks after closure; "not solved" reopens the ticket for the department."""
    ticket_id, number = await _ticket_with_reply(desk)
    chat = desk.chat()
    async with desk.factory() as session:
        await desk.deps.tickets(session).close(ticket_id, Actor(1, is_admin=True), "Repaired")
        await session.commit()
    await desk.new_calls()
    calls = await chat.press(f"tk:unsolved:{ticket_id}")
    assert [c.method for c in calls].count("answerCallbackQuery") == 1
    answer = last_message(calls, chat.user_id)
    assert number in answer.text
    [ticket] = await _rows(desk, Ticket)
    assert ticket.status in ("new", "in_progress")
    async with desk.factory() as session:
        kinds = [
            e.kind
            for e in (
                await session.exec(select(TicketEvent).where(TicketEvent.ticket_id == ticket_id))
            ).all()
        ]
    assert "callback_unsolved" in kinds and "reopened" in kinds
    stranger = desk.chat(user_id=8888)
    denied = await stranger.press(f"tk:solved:{ticket_id}")
    assert [c.method for c in denied] == ["answerCallbackQuery"]
    assert denied[0].payload["show_alert"] is True


async def _citizen_of(desk: Desk, user_id: int) -> Citizen:
    async with desk.factory() as session:
        citizen = await find_citizen(session, "telegram", user_id)
    assert citizen is not None
    return citizen
