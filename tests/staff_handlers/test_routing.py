"""Through the bot (SQLite and PostgreSQL): a clerk's transfer changes the request form's next
proposal for a similar text at once."""

from __future__ import annotations

from locales import t
from tests.staff_handlers.conftest import ROLES, Desk, texts

CITIZEN = ROLES["citizen"]


async def _form(desk: Desk, text: str) -> str:
    await desk.message(CITIZEN, "/new")
    rows = await desk.message(CITIZEN, text)
    [shown] = texts(rows, CITIZEN)
    await desk.message(CITIZEN, "/cancel")
    return shown


async def test_a_transfer_changes_the_next_proposal(any_desk: Desk) -> None:
    demand = "公园里的长椅坏了好几天了"
    # Nothing in the departments file speaks of benches: the citizen gets the full list.
    assert await _form(any_desk, demand) == t("zh", "flow-choose_dept")
    _tid, number = await any_desk.open_ticket("housing", "公园里的长椅坏了，没人修")
    await any_desk.message(ROLES["clerk"], f"/transfer {number} parks 公园设施归园林局")
    draft = await _form(any_desk, demand)
    assert "部门：园林局" in draft  # proposed from the lesson, at once
