"""The request form proposes through the department router (SQLite and PostgreSQL): unsure,
it offers the router's candidates and "Other department…"; the citizen's choice teaches it."""

from __future__ import annotations

from sqlmodel import col, select

from locales import t
from tests.citizen.conftest import PARKS_CHAT, Desk, last_message, messages
from tickets.models import Citizen, RouteLesson, Ticket


async def _rows(desk: Desk, model: type) -> list:  # type: ignore[type-arg]
    async with desk.factory() as session:
        return list((await session.exec(select(model).order_by(col(model.id)))).all())  # type: ignore[attr-defined]


async def test_unsure_the_form_offers_the_candidates_and_learns_the_choice(desk: Desk) -> None:
    chat = desk.chat(lang="zh")
    await chat.send("/new")
    choose = last_message(await chat.send("公园门口的路灯坏了"))  # roads or parks?
    assert choose.text == t("zh", "flow-choose_dept_suggested")
    data = [d for _, d in choose.buttons]
    assert set(data[:2]) == {"tf:setdept:roads", "tf:setdept:parks"}
    assert data[-2:] == ["tf:dept:", "tf:cancel:"]  # "Other department…", Cancel
    assert choose.buttons[-2][0] == t("zh", "btn-other_dept")
    # Text added while choosing keeps the short list.
    again = last_message(await chat.send("已经三天了"))
    assert again.text.endswith(t("zh", "flow-choose_dept_suggested"))
    assert [d for _, d in again.buttons] == data
    # "Other department…" is the full list.
    full = last_message(await chat.press("tf:dept:"))
    assert full.text == t("zh", "flow-choose_dept")
    assert {"tf:setdept:housing", "tf:setdept:roads", "tf:setdept:parks"} <= {
        d for _, d in full.buttons
    }
    second = data[1].removeprefix("tf:setdept:")  # the router's runner-up
    draft = last_message(await chat.press(data[1]))
    names = {"roads": "市政道路管理处", "parks": "园林绿化局"}
    assert f"部门：{names[second]}" in draft.text
    await chat.press(draft.data_for("提交"))
    [ticket] = await _rows(desk, Ticket)
    [citizen] = await _rows(desk, Citizen)
    [lesson] = await _rows(desk, RouteLesson)
    first = data[0].removeprefix("tf:setdept:")
    assert (lesson.from_department, lesson.to_department) == (first, second)
    assert (lesson.source, lesson.actor, lesson.ticket_id) == (
        "citizen",
        f"citizen:{citizen.id}",
        ticket.id,
    )
    assert lesson.text == " ".join(ticket.text.split())  # whitespace folded


async def test_a_confident_proposal_kept_teaches_nothing_a_changed_one_teaches(
    desk: Desk,
) -> None:
    chat = desk.chat(lang="en")
    await chat.send("/new")
    draft = last_message(await chat.send("a tree fell over in the park"))
    assert "Department: Parks Department" in draft.text
    done = await chat.press(draft.data_for("Submit"))
    assert messages(done, PARKS_CHAT)
    assert await _rows(desk, RouteLesson) == []
    await chat.send("/new")
    draft = last_message(await chat.send("a huge pothole on my street"))
    assert "Department: Roads Office" in draft.text
    full = last_message(await chat.press(draft.data_for("Change department")))
    draft = last_message(await chat.press(full.data_for("Parks")))
    await chat.press(draft.data_for("Submit"))
    [lesson] = await _rows(desk, RouteLesson)
    assert (lesson.from_department, lesson.to_department) == ("roads", "parks")


async def test_a_department_chosen_by_link_teaches_nothing(desk: Desk) -> None:
    chat = desk.chat(lang="zh")
    await chat.send("/start dept-housing")
    draft = last_message(await chat.send("路灯坏了"))
    assert "部门：住房保障局" in draft.text
    await chat.press("tf:submit:")
    assert len(await _rows(desk, Ticket)) == 1
    assert await _rows(desk, RouteLesson) == []
