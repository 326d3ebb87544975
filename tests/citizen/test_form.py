"""The request form: guessed type and urgency, files, cancel words, a type chosen before a
department, department buttons; and ratings given once. Through the dispatcher, on SQLite and
PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import col, select

from handlers.dialogue.form import department_rows
from handlers.dialogue.model import render
from locales import t
from tests.citizen.conftest import ROADS_CHAT, Desk, last_message, messages
from tickets.authz import Actor
from tickets.config.desk import load_desk_config
from tickets.models import Ticket

ADMIN = Actor(1, is_admin=True)
REPO = Path(__file__).resolve().parents[2]


async def _tickets(desk: Desk) -> list[Ticket]:
    async with desk.factory() as session:
        return list((await session.exec(select(Ticket).order_by(col(Ticket.id)))).all())


async def test_the_issues_examples_are_guessed_complaint_and_report(desk: Desk) -> None:
    chat = desk.chat(lang="zh")
    await chat.send("/new")
    draft = last_message(await chat.send("楼下烧烤摊每天晚上噪音很大，物业也不管"))
    assert "类型：投诉" in draft.text
    await chat.press("tf:cancel:")
    await chat.send("/new")
    draft = last_message(await chat.send("公租房小区门口有人占道经营，车都过不去"))
    assert "类型：举报" in draft.text


async def test_an_urgent_demand_is_proposed_urgent_and_the_citizen_decides(desk: Desk) -> None:
    chat = desk.chat(lang="zh")
    await chat.send("/new")
    draft = last_message(await chat.send("公租房楼道里燃气泄漏了，味道很大"))
    assert "紧急：是 🚨" in draft.text and t("zh", "flow-urgent_guessed") in draft.text
    assert draft.data_for("不紧急") == "tf:urgent:off"
    draft = last_message(await chat.press("tf:urgent:off"))
    assert "紧急：否" in draft.text and t("zh", "flow-urgent_guessed") not in draft.text
    # the citizen's choice sticks when more text comes
    draft = last_message(await chat.send("真的很危险，有煤气味"))
    assert "紧急：否" in draft.text
    draft = last_message(await chat.press(draft.data_for("标记紧急")))
    assert "紧急：是 🚨" in draft.text
    await chat.press("tf:submit:")
    [ticket] = await _tickets(desk)
    assert ticket.urgent is True
    # the urgent SLA (1h / the same day) applies, the staff post says so
    assert ticket.response_due_at is not None and ticket.created_at is not None
    assert (ticket.response_due_at - ticket.created_at).total_seconds() == 3600


async def test_a_plain_demand_is_not_urgent_and_can_be_marked(desk: Desk) -> None:
    chat = desk.chat()
    await chat.send("/new")
    draft = last_message(await chat.send("a pothole on the road"))
    assert "Urgent: no" in draft.text and draft.data_for("Mark urgent") == "tf:urgent:on"
    draft = last_message(await chat.press("tf:urgent:on"))
    assert "Urgent: yes" in draft.text
    calls = await chat.press("tf:submit:")
    [ticket] = await _tickets(desk)
    assert ticket.urgent is True
    assert t("zh", "label-urgent") in last_message(calls, ROADS_CHAT).text  # staff: zh
    assert messages(await chat.press("tf:urgent:maybe")) == []  # a forged value: refused


async def test_documents_attach_like_photos(desk: Desk) -> None:
    chat = desk.chat()
    hint = last_message(await chat.document("early-doc"))  # before the form: kept for it
    assert hint.text == t("en", "hint-document")
    await chat.press(hint.data_for("Submit a request"))
    draft = last_message(await chat.send("the streetlight is broken"))
    assert "Files: 1" in draft.text
    draft = last_message(await chat.document("lease-pdf", caption="the lease"))
    assert "Files: 2" in draft.text and "the lease" in draft.text
    calls = await chat.press("tf:submit:")
    [ticket] = await _tickets(desk)
    assert ticket.details["documents"] == ["early-doc", "lease-pdf"]
    staff = [c for c in calls if c.chat_id == ROADS_CHAT]
    assert [c.method for c in staff] == ["sendMessage", "sendDocument", "sendDocument"]
    assert [c.payload["document"] for c in staff[1:]] == ["early-doc", "lease-pdf"]
    assert all(ticket.number in c.payload["caption"] for c in staff[1:])


@pytest.mark.parametrize("word", ["取消", "cancel", "算了", "不用了", " Cancel. "])
async def test_typed_cancel_words_cancel_every_step(desk: Desk, word: str) -> None:
    chat = desk.chat()
    await chat.send("/new")
    assert last_message(await chat.send(word)).text == t("en", "flow-cancelled")  # describe
    await chat.send("/new")
    await chat.send("I want to report something")  # no department guessed
    assert last_message(await chat.send(word)).text == t("en", "flow-cancelled")  # department
    await chat.send("/new")
    await chat.send("a pothole on the road")
    assert last_message(await chat.send(word)).text == t("en", "flow-cancelled")  # summary
    await chat.send("/new")
    await chat.send("a pothole on the road")
    await chat.press("tf:phone:")
    cancelled = last_message(await chat.send(word))  # phone
    assert cancelled.text == t("en", "flow-cancelled")
    assert cancelled.payload["reply_markup"] == {"remove_keyboard": True}
    assert await _tickets(desk) == []


async def test_a_cancel_word_inside_a_sentence_is_text(desk: Desk) -> None:
    chat = desk.chat(lang="zh")
    await chat.send("/new")
    await chat.send("路灯坏了")
    draft = last_message(await chat.send("我想取消之前的预约，然后再说一下路灯的事"))
    assert draft.text.startswith(t("zh", "flow-added_text"))
    assert "我想取消之前的预约" in draft.text
    # The phone step's own button declines the phone and keeps the form.
    await chat.press("tf:phone:")
    back = await chat.send(t("zh", "btn-no_phone"))
    assert messages(back)[0].text == t("zh", "flow-phone_declined")
    assert last_message(back).text.startswith("📋")


async def test_a_type_chosen_before_a_department_then_submit_asks_for_it(desk: Desk) -> None:
    chat = desk.chat()
    await chat.send("/new")
    choose = last_message(await chat.send("I want to report something"))
    # nothing to go on: a question (the router's likeliest departments, or all of them)
    assert choose.text in (t("en", "flow-choose_dept"), t("en", "flow-choose_dept_suggested"))
    types = last_message(await chat.press("tf:type:"))
    draft = last_message(await chat.press(types.data_for("complaint")))
    assert "Department: " + t("en", "flow-dept_unset") in draft.text and "?" not in draft.text
    ask = await chat.press(draft.data_for("Submit"))
    toast = next(c for c in ask if c.method == "answerCallbackQuery")
    assert "show_alert" not in toast.payload
    prompt = last_message(ask)
    offered = [data for _label, data in prompt.buttons if data.startswith("tf:setdept:")]
    assert prompt.text == t("en", "flow-no_dept") and offered  # the same choice as before
    assert offered == [d for _l, d in choose.buttons if d.startswith("tf:setdept:")]
    draft = last_message(await chat.press(offered[0]))
    assert "Department: " + t("en", "flow-dept_unset") not in draft.text
    assert "Type: complaint" in draft.text
    await chat.press("tf:submit:")
    [ticket] = await _tickets(desk)
    assert ticket.demand_type == "complaint"


def test_department_buttons_keep_whole_names() -> None:
    loaded = load_desk_config(REPO / "config" / "departments.yaml")
    assert loaded.config is not None
    names = {slug: d.name for slug, d in loaded.config.departments.items()}
    for lang in ("zh", "en"):
        rows = department_rows(lang, loaded.config)[:-1]
        labels = [render(b.label, lang) for row in rows for b in row]
        assert labels == [names[slug][lang] for slug in names]  # nothing cut
        assert all("…" not in label for label in labels)
        if lang == "en":  # long names: one per row, so Telegram does not cut them either
            assert all(len(row) == 1 for row in rows)
        else:
            assert all(len(row) == 2 for row in rows[:-1])
    assert "Administration for Market Regulation" in [
        render(b.label, "en") for row in department_rows("en", loaded.config) for b in row
    ]


async def test_a_rating_is_given_once_even_from_an_old_keyboard(desk: Desk) -> None:
    chat = desk.chat()
    await chat.send("/new")
    await chat.send("a pothole on the road")
    await chat.press("tf:submit:")
    [ticket] = await _tickets(desk)
    async with desk.factory() as session:
        await desk.deps.tickets(session).close(ticket.id, ADMIN, "Repaired")  # type: ignore[arg-type]
        await session.commit()
    closing = last_message(await desk.new_calls(), chat.user_id)
    markup = closing.payload["reply_markup"]
    first = await chat.press(f"tk:rate4:{ticket.id}", message_id=55, markup=markup)
    assert len(messages(first, ROADS_CHAT)) == 1
    [edit] = [c for c in first if c.method == "editMessageReplyMarkup"]
    assert edit.payload["message_id"] == 55
    kept = [b["callback_data"] for row in edit.payload["reply_markup"]["inline_keyboard"]
            for b in row]  # fmt: skip
    assert kept == [f"tk:reopen:{ticket.id}"]  # the stars are gone, Reopen stays
    for data in (f"tk:rate1:{ticket.id}", f"tk:rate4:{ticket.id}"):  # the old keyboard
        again = await chat.press(data, message_id=55, markup=markup)
        toast = next(c for c in again if c.method == "answerCallbackQuery")
        assert toast.payload["text"] == t(
            "en", "error-already_rated", number=ticket.number, stars="⭐⭐⭐⭐"
        )
        assert "show_alert" not in toast.payload
        assert messages(again) == []  # staff are not told again, no new comment prompt
    [ticket] = await _tickets(desk)
    assert ticket.rating == 4
    # the comment prompt of the first press still works, once
    thanks = await chat.send("quick and friendly")
    assert last_message(thanks, chat.user_id).text == t("en", "tk-comment_thanks")
    assert "quick and friendly" in last_message(thanks, ROADS_CHAT).text
    [ticket] = await _tickets(desk)
    assert (ticket.rating, ticket.rating_comment) == (4, "quick and friendly")
