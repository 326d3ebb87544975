"""Every staff command against every role: citizen, clerk of the department, clerk of another
department, head, admin, inactive staff."""

from __future__ import annotations

import pytest

from locales import t
from tests.staff_handlers.conftest import (
    ADMIN,
    HOUSING_CHAT,
    ROLES,
    TRANSPORT_CHAT,
    Desk,
    texts,
    toast,
)
from tickets.models import TicketMessage

TICKET_COMMANDS = [
    "/ticket {n}",
    "/take {n}",
    "/reply {n} We are on it",
    "/note {n} internal remark",
    "/askinfo {n} Which floor?",
    "/transfer {n} transport wrong department",
    "/close {n} fixed",
    "/reopen {n}",
    "/extend {n} 2 waiting for parts",
    "/type {n} complaint",
    "/urgent {n}",
    "/contact {n}",
]
OTHER_COMMANDS = ["/queue", "/staffhelp", "/staff", "/staffmove 101 parks", "/staffoff 101"]


@pytest.mark.parametrize("role", ["citizen", "inactive"])
async def test_non_staff_get_not_allowed_and_nothing_happens(desk: Desk, role: str) -> None:
    tid, number = await desk.open_ticket()
    before = len(await desk.events(tid))
    for template in [*TICKET_COMMANDS, *OTHER_COMMANDS]:
        rows = await desk.message(ROLES[role], template.format(n=number), lang="zh")
        assert texts(rows) == [t("zh", "error-not_allowed")], template
        assert all(r.chat_id == ROLES[role] for r in rows), template
    assert len(await desk.events(tid)) == before


async def test_clerk_of_another_department_learns_nothing(desk: Desk) -> None:
    tid, number = await desk.open_ticket()
    before = len(await desk.events(tid))
    for template in TICKET_COMMANDS:
        rows = await desk.message(ROLES["other_clerk"], template.format(n=number))
        # The same text whether the ticket exists or not.
        assert texts(rows) == [t("en", "error-unavailable")], template
    missing = await desk.message(ROLES["other_clerk"], "/ticket 2026-009999")
    assert texts(missing) == [t("en", "error-unavailable")]
    assert len(await desk.events(tid)) == before
    queue = texts(await desk.message(ROLES["other_clerk"], "/queue"))
    assert "Transport Bureau" in queue[0] and number not in queue[0]


@pytest.mark.parametrize("role", ["clerk", "head", "admin"])
async def test_department_staff_and_admin_work_the_ticket(desk: Desk, role: str) -> None:
    uid = ROLES[role]
    tid, number = await desk.open_ticket()
    details = texts(await desk.message(uid, f"/ticket {number}"))[0]
    assert number in details and "138****5678" in details and "13812345678" not in details
    rows = await desk.message(uid, f"/take {number}")
    assert texts(rows, uid) == [t("en", "sh-taken", number=number)]
    assert texts(rows, HOUSING_CHAT)[0].startswith("✋")  # the domain's notice to the team
    rows = await desk.message(uid, f"/reply {number} We are on it")
    assert any("We are on it" in x for x in texts(rows, 5001))
    rows = await desk.message(uid, f"/note {number} internal remark")
    assert not texts(rows, 5001) and texts(rows) == [t("en", "sh-noted", number=number)]
    rows = await desk.message(uid, f"/type {number} complaint")
    assert texts(rows, uid)[0].startswith(f"🏷️ Ticket {number} is now a complaint")
    rows = await desk.message(uid, f"/close {number} fixed")
    assert texts(rows, uid) == [t("en", "sh-closed", number=number)]
    rows = await desk.message(uid, f"/reopen {number} not really")
    assert texts(rows, uid)[0].startswith(f"🔄 Ticket {number} was reopened")
    kinds = [e.kind for e in await desk.events(tid)]
    assert kinds == ["created", "taken", "replied", "note", "retyped", "closed", "reopened"]
    assert all(e.actor_id == uid for e in (await desk.events(tid))[1:])


async def test_admin_commands_by_role(desk: Desk) -> None:
    for role in ("clerk", "head", "other_clerk"):
        for command in ("/staff", "/staffmove 201 parks", "/staffoff 201", "/reload"):
            rows = await desk.message(ROLES[role], command)
            assert texts(rows) == [t("en", "sh-admin_only")], (role, command)
    listing = texts(await desk.message(ADMIN, "/staff"))[0]
    assert "101 | 王小明 | housing | clerk" in listing
    assert "104 | 钱五 | housing | clerk (inactive)" in listing


async def test_staffhelp_in_the_users_language(desk: Desk) -> None:
    zh = texts(await desk.message(ROLES["clerk"], "/staffhelp", lang="zh"))[0]
    en = texts(await desk.message(ROLES["clerk"], "/staffhelp", lang="en"))[0]
    assert "/reply N 内容" in zh and "/reply N TEXT" in en
    assert "/staffmove" not in en
    assert "/staffmove" in texts(await desk.message(ADMIN, "/staffhelp"))[0]


async def test_commands_work_in_the_staff_chat(desk: Desk) -> None:
    _tid, number = await desk.open_ticket()
    rows = await desk.message(ROLES["clerk"], f"/take@desk_bot {number}", chat=HOUSING_CHAT)
    mine = [r for r in rows if r.payload.get("reply_parameters")]
    assert texts(mine) == [t("en", "sh-taken", number=number)]
    assert mine[0].chat_id == HOUSING_CHAT


# -- where: private chat, the department's staff chat, another department's, an unrelated group
FOREIGN = -1009  # a group the bot is in that is nobody's staff chat
CHATS = {"private": None, "housing": HOUSING_CHAT, "transport": TRANSPORT_CHAT, "foreign": FOREIGN}
SHOWN = "shown"
# (role, chat) -> what /ticket N of a housing ticket (and every other ticket command) gets
WHERE = {
    "citizen": ("error-not_allowed", "error-not_allowed", "error-not_allowed", "sh-wrong_chat"),
    "inactive": ("error-not_allowed", "error-not_allowed", "error-not_allowed", "sh-wrong_chat"),
    "clerk": (SHOWN, SHOWN, "sh-wrong_chat", "sh-wrong_chat"),
    "head": (SHOWN, SHOWN, "sh-wrong_chat", "sh-wrong_chat"),
    "other_clerk": ("error-unavailable", "sh-wrong_chat", "error-unavailable", "sh-wrong_chat"),
    "parks_clerk": ("error-unavailable", "sh-wrong_chat", "sh-wrong_chat", "sh-wrong_chat"),
    "admin": (SHOWN, SHOWN, "error-unavailable", "sh-wrong_chat"),
}


@pytest.mark.parametrize("chat", list(CHATS))
@pytest.mark.parametrize("role", list(WHERE))
async def test_ticket_commands_by_role_and_chat(desk: Desk, role: str, chat: str) -> None:
    """A ticket is shown only privately or in its department's chat, and only to those who may
    see it; every refusal leaves the ticket untouched and says nothing about it."""
    tid, number = await desk.open_ticket()
    expected = WHERE[role][list(CHATS).index(chat)]
    uid, chat_id = ROLES[role], CHATS[chat]
    where = uid if chat_id is None else chat_id
    before = len(await desk.events(tid))
    if expected == SHOWN:
        rows = await desk.message(uid, f"/ticket {number}", chat=chat_id)
        assert [r.chat_id for r in rows] == [where] and number in texts(rows)[0]
        return
    for template in [*TICKET_COMMANDS, "/queue", "/queue housing"]:
        rows = await desk.message(uid, template.format(n=number), chat=chat_id)
        if template.startswith("/queue") and expected == "error-unavailable":
            continue  # usage or their own queue: never this ticket (checked below)
        assert texts(rows) == [t("en", expected)], (template, rows)
        assert [r.chat_id for r in rows] == [where], template
    assert len(await desk.events(tid)) == before
    assert all(number not in str(r.payload) for r in desk.sent if r.chat_id == where)


@pytest.mark.parametrize("chat", [FOREIGN, TRANSPORT_CHAT])
async def test_buttons_and_post_replies_outside_the_tickets_chat_do_nothing(
    desk: Desk, chat: int
) -> None:
    tid, number = await desk.open_ticket()
    async with desk.factory() as session:  # an old post of the ticket in that chat
        session.add(TicketMessage(chat_id=chat, message_id=4242, ticket_id=tid))
        await session.commit()
    expected = "sh-wrong_chat" if chat == FOREIGN else "error-unavailable"
    for data in (f"tk:take:{tid}", f"tk:view:{tid}", f"tk:reply:{tid}", f"tk:transfer:{tid}"):
        rows = await desk.press(ADMIN, data, chat=chat)
        assert [r.method for r in rows] == ["answerCallbackQuery"], data
        assert toast(rows)["text"] == t("en", expected)
    for uid in (ROLES["clerk"], ADMIN, ROLES["citizen"]):
        post = desk.bot_post(chat, 4242)
        rows = await desk.message(uid, "Fixed, see you", chat=chat, reply_to=post)
        assert all(r.chat_id == chat for r in rows) and len(texts(rows)) == 1
        assert number not in texts(rows)[0]
    assert [e.kind for e in await desk.events(tid)] == ["created"]
    assert not [r for r in desk.sent if r.chat_id == 5001 and "Fixed" in str(r.payload)]


async def test_admins_in_a_department_chat_see_that_department_only(desk: Desk) -> None:
    _tid, number = await desk.open_ticket()
    everything = texts(await desk.message(ADMIN, "/queue"))[0]  # privately: all departments
    assert everything.startswith("All departments") and number in everything
    transport = texts(await desk.message(ADMIN, "/queue", chat=TRANSPORT_CHAT))[0]
    assert transport.startswith("Transport Bureau open tickets (0 in all")
    housing = await desk.message(ADMIN, "/queue housing", chat=TRANSPORT_CHAT)
    assert texts(housing) == [t("en", "error-not_allowed")]
    rows = await desk.message(ADMIN, "/queue", chat=HOUSING_CHAT)
    assert (
        texts(rows)[0].startswith("Housing Bureau open tickets (1 in all")
        and number in texts(rows)[0]
    )
    # a foreign group: nothing, for administrators as for everyone
    assert texts(await desk.message(ADMIN, "/staff", chat=FOREIGN)) == [t("en", "sh-wrong_chat")]


async def test_urgent_command_sets_and_clears_the_flag(any_desk: Desk) -> None:
    desk = any_desk
    tid, number = await desk.open_ticket()  # help: resolve in 5 working days
    rows = await desk.message(ROLES["clerk"], f"/urgent {number}", lang="zh")
    assert texts(rows, ROLES["clerk"]) == [
        t("zh", "sh-urgent_on", number=number, deadline="2026-11-24 17:30")
    ]
    assert texts(rows, 5001) == [
        t("zh", "citizen-urgent_on", number=number, deadline="2026-11-24 17:30")
    ]
    rows = await desk.message(ROLES["head"], f"/urgent {number} OFF")
    assert texts(rows, ROLES["head"]) == [
        t("en", "sh-urgent_off", number=number, deadline="2026-12-01 17:30")
    ]
    assert len(texts(rows, 5001)) == 1
    rows = await desk.message(ROLES["parks_clerk"], f"/urgent {number}")
    assert texts(rows) == [t("en", "error-unavailable")]
    events = [e for e in await desk.events(tid) if e.kind == "urgency_changed"]
    assert [(e.actor_id, e.data["urgent"]) for e in events] == [
        (ROLES["clerk"], True),
        (ROLES["head"], False),
    ]
    details = texts(await desk.message(ROLES["clerk"], f"/ticket {number}"))[0]
    assert f"{t('en', 'sh-event-urgency_changed')}: {t('en', 'label-urgent_yes')}" in details
    assert f"{t('en', 'sh-event-urgency_changed')}: {t('en', 'label-urgent_no')}" in details
