"""Buttons, prompts (FSM), canned replies, replies to ticket posts, queue pages, contact,
extensions and onboarding."""

from __future__ import annotations

from datetime import timedelta

from locales import t
from tests.staff_handlers.conftest import (
    ADMIN,
    HEAD_ID,
    HOUSING_CHAT,
    ROLES,
    TRANSPORT_CHAT,
    Desk,
    buttons,
    document_of,
    photo_of,
    texts,
    toast,
)
from tickets.models import Citizen, Outbox, TicketMessage
from tickets.people.citizens import erase_citizen
from tickets.people.staff import create_invite, invite_payload

CLERK = ROLES["clerk"]


async def test_take_button(desk: Desk) -> None:
    tid, number = await desk.open_ticket()
    rows = await desk.press(CLERK, f"tk:take:{tid}", chat=HOUSING_CHAT)
    assert toast(rows)["text"] == t("en", "sh-taken", number=number)
    assert texts(rows, HOUSING_CHAT) == [t("zh", "staff-taken", staff="王小明", number=number)]
    again = await desk.press(ROLES["head"], f"tk:take:{tid}", chat=HOUSING_CHAT)
    assert toast(again) == {
        "callback_query_id": toast(again)["callback_query_id"],
        "text": t("en", "error-already_taken", number=number, name="王小明"),
        "show_alert": True,
        "chat_id": HEAD_ID,
    }


async def test_buttons_refuse_outsiders_stale_and_forged_data(desk: Desk) -> None:
    tid, _ = await desk.open_ticket()
    for uid, key in ((5001, "error-not_allowed"), (201, "sh-wrong_chat")):
        rows = await desk.press(uid, f"tk:take:{tid}", chat=HOUSING_CHAT)
        assert toast(rows)["text"] == t("en", key) and toast(rows)["show_alert"] is True
        assert [r.method for r in rows] == ["answerCallbackQuery"]
    stale = await desk.press(CLERK, "tk:take:987654", chat=HOUSING_CHAT)
    assert toast(stale)["text"] == t("en", "error-unavailable")
    for data in ("sf:cr:x:0", f"sf:cr:{tid}:7", "sf:send:1", "sf:q:x:", "sf:tr:1"):
        rows = await desk.press(CLERK, data, chat=HOUSING_CHAT)
        assert toast(rows)["text"] == t("en", "sh-stale_button"), data
    assert [e.kind for e in await desk.events(tid)] == ["created"]


async def test_reply_button_prompt_text_and_cancel(desk: Desk) -> None:
    tid, number = await desk.open_ticket()
    rows = await desk.press(CLERK, f"tk:reply:{tid}", chat=HOUSING_CHAT)
    prompt = next(r for r in rows if r.method == "sendMessage")
    assert buttons(prompt) == [f"sf:cr:{tid}:0", "sf:cancel"]
    assert await desk.state(CLERK, HOUSING_CHAT) == "StaffFlow:reply_text"
    cancel = await desk.press(CLERK, "sf:cancel", chat=HOUSING_CHAT)
    assert toast(cancel)["text"] == t("en", "sh-cancelled")
    assert await desk.state(CLERK, HOUSING_CHAT) is None
    await desk.press(CLERK, f"tk:reply:{tid}", chat=HOUSING_CHAT)
    rows = await desk.message(CLERK, "The lamp is fixed tomorrow", chat=HOUSING_CHAT)
    assert any("The lamp is fixed tomorrow" in x for x in texts(rows, 5001))
    assert texts(rows, HOUSING_CHAT) == [t("en", "sh-replied", number=number)]
    assert await desk.state(CLERK, HOUSING_CHAT) is None


async def test_canned_reply_preview_masked_send_real_name(desk: Desk) -> None:
    tid, number = await desk.open_ticket()
    await desk.press(CLERK, f"tk:reply:{tid}", chat=HOUSING_CHAT)
    rows = await desk.press(CLERK, f"sf:cr:{tid}:0", chat=HOUSING_CHAT)
    preview = texts(rows, HOUSING_CHAT)[0]
    assert f"张*您好，您的诉求（工单 {number}）已受理。" in preview and "张三" not in preview
    rows = await desk.press(CLERK, f"sf:send:{tid}", chat=HOUSING_CHAT)
    assert any(f"张三您好，您的诉求（工单 {number}）已受理。" in x for x in texts(rows, 5001))
    assert toast(rows)["text"] == t("en", "sh-replied", number=number)
    # Edited instead of sent as is: the staff's text goes out.
    await desk.press(CLERK, f"tk:reply:{tid}", chat=HOUSING_CHAT)
    await desk.press(CLERK, f"sf:cr:{tid}:0", chat=HOUSING_CHAT)
    rows = await desk.message(CLERK, "张先生您好，已派人维修。", chat=HOUSING_CHAT)
    assert any("张先生您好，已派人维修。" in x for x in texts(rows, 5001))


async def test_transfer_button_flow(desk: Desk) -> None:
    tid, number = await desk.open_ticket()
    rows = await desk.press(CLERK, f"tk:transfer:{tid}", chat=HOUSING_CHAT)
    pick = next(r for r in rows if r.method == "sendMessage")
    assert buttons(pick) == [f"sf:tr:{tid}:transport", f"sf:tr:{tid}:parks", "sf:cancel"]
    rows = await desk.press(CLERK, f"sf:tr:{tid}:transport", chat=HOUSING_CHAT)
    assert texts(rows, HOUSING_CHAT)[0].startswith(f"↪️ Why transfer ticket {number}")
    rows = await desk.message(CLERK, "it is about a bus stop", chat=HOUSING_CHAT)
    assert texts(rows, TRANSPORT_CHAT)[0].startswith("↪️ 由「住建局」转来：it is about a bus stop")
    assert texts(rows, HOUSING_CHAT) == [
        t("en", "sh-transferred", number=number, department="Transport Bureau")
    ]
    new_post = next(r for r in rows if r.chat_id == TRANSPORT_CHAT)
    assert buttons(new_post) == [f"tk:take:{tid}", f"tk:reply:{tid}", f"tk:transfer:{tid}"]


async def test_reply_to_a_ticket_post_in_the_staff_chat(desk: Desk) -> None:
    tid, _number = await desk.open_ticket()
    async with desk.factory() as session:
        session.add(TicketMessage(chat_id=HOUSING_CHAT, message_id=777, ticket_id=tid))
        await session.commit()
    post = desk.bot_post(HOUSING_CHAT, 777)
    outsider = await desk.message(5001, "let me in", chat=HOUSING_CHAT, reply_to=post)
    assert texts(outsider) == [t("en", "error-not_allowed")]
    rows = await desk.message(CLERK, "Someone comes at 3pm", chat=HOUSING_CHAT, reply_to=post)
    assert any("Someone comes at 3pm" in x for x in texts(rows, 5001))
    other = desk.bot_post(HOUSING_CHAT, 778)
    assert await desk.message(CLERK, "hello", chat=HOUSING_CHAT, reply_to=other) == []


async def test_queue_pages(desk: Desk) -> None:
    numbers = [(await desk.open_ticket())[1] for _ in range(12)]
    rows = await desk.message(CLERK, "/queue")
    first = rows[0]
    assert "(12 in all, page 1/2)" in first.payload["text"]
    assert buttons(first) == ["sf:q:2:"]
    assert numbers[0] in first.payload["text"] and numbers[11] not in first.payload["text"]
    rows = await desk.press(CLERK, "sf:q:2:", message_id=first.id or 1)
    edit = next(r for r in rows if r.method == "editMessageText")
    assert "page 2/2" in edit.payload["text"] and numbers[11] in edit.payload["text"]
    assert buttons(edit) == ["sf:q:1:"]
    all_depts = texts(await desk.message(ADMIN, "/queue"))[0]
    assert "All departments open tickets (12 in all" in all_depts
    transport = texts(await desk.message(ADMIN, "/queue transport"))[0]
    assert transport.startswith("Transport Bureau open tickets (0 in all")


async def test_contact_goes_privately_and_is_audited(desk: Desk) -> None:
    tid, number = await desk.open_ticket()
    rows = await desk.message(CLERK, f"/contact {number}", chat=HOUSING_CHAT)
    assert texts(rows, HOUSING_CHAT) == [t("en", "sh-contact_sent_privately")]
    assert "13812345678" in texts(rows, CLERK)[0] and "张三" in texts(rows, CLERK)[0]
    assert all("13812345678" not in x for x in texts(rows, HOUSING_CHAT))
    assert [e.kind for e in await desk.events(tid)][-1] == "contact_revealed"


async def test_extension_request_and_head_decision(desk: Desk) -> None:
    tid, number = await desk.open_ticket()
    rows = await desk.message(CLERK, f"/extend {number} 3 waiting for parts")
    assert texts(rows, CLERK) == [t("en", "sh-extension_requested", number=number, days=3)]
    request = next(r for r in rows if r.chat_id == HEAD_ID)
    assert buttons(request) == [f"tk:extok:{tid}", f"tk:extno:{tid}"]
    refused = await desk.press(CLERK, f"tk:extok:{tid}")
    assert toast(refused)["text"] == t("en", "error-not_allowed")
    ok = await desk.press(HEAD_ID, f"tk:extok:{tid}")
    assert toast(ok)["text"].startswith(f"✅ Extension of ticket {number} approved")
    assert any(r.method == "editMessageReplyMarkup" for r in ok)
    again = await desk.press(HEAD_ID, f"tk:extno:{tid}")
    assert toast(again)["text"] == t("en", "error-no_pending_extension")
    kinds = [e.kind for e in await desk.events(tid)]
    assert kinds == ["created", "extension_requested", "extension_approved"]


async def test_staff_onboarding(desk: Desk) -> None:
    async with desk.factory() as session:
        fresh = await create_invite(session, "parks", "head", now=desk.clock.now())
        old = await create_invite(
            session, "parks", now=desk.clock.now() - timedelta(days=5), ttl=timedelta(days=1)
        )
        await session.commit()
    rows = await desk.message(7777, f"/start {invite_payload(fresh)}", lang="zh")
    welcome = texts(rows)[0]
    assert welcome.startswith("👋 User7777，欢迎加入「园林局」（部门负责人）！")
    assert "/staffhelp" in welcome
    assert "园林局" in texts(await desk.message(7777, "/queue", lang="zh"))[0]
    used = await desk.message(7778, f"/start {invite_payload(fresh)}")
    assert texts(used) == [t("en", "sh-invite-used")]
    expired = await desk.message(7778, f"/start {invite_payload(old)}")
    assert texts(expired) == [t("en", "sh-invite-expired")]
    unknown = await desk.message(7778, "/start staff-doesnotexist")
    assert texts(unknown) == [t("en", "sh-invite-unknown")]
    assert texts(await desk.message(7778, "/queue")) == [t("en", "error-not_allowed")]


async def test_full_flow_on_both_databases(any_desk: Desk) -> None:
    desk = any_desk
    tid, number = await desk.open_ticket()
    await desk.press(CLERK, f"tk:take:{tid}", chat=HOUSING_CHAT)
    await desk.message(CLERK, f"/reply {number} on our way")
    await desk.message(CLERK, f"/transfer {number} transport bus stop")
    rows = await desk.message(201, f"/close {number} done")
    assert texts(rows, 201) == [t("en", "sh-closed", number=number)]
    assert texts(await desk.message(301, f"/ticket {number}")) == [t("en", "error-unavailable")]
    kinds = [e.kind for e in await desk.events(tid)]
    assert kinds == ["created", "taken", "replied", "transferred", "closed"]


async def test_open_button_on_nags_shows_the_ticket_to_its_department_only(desk: Desk) -> None:
    tid, number = await desk.open_ticket()
    rows = await desk.press(CLERK, f"tk:view:{tid}", chat=HOUSING_CHAT)
    shown = texts(rows, HOUSING_CHAT)
    assert len(shown) == 1 and number in shown[0]
    outsider = await desk.press(5001, f"tk:view:{tid}", chat=HOUSING_CHAT)
    assert toast(outsider)["text"] == t("en", "error-not_allowed")
    assert not texts(outsider, HOUSING_CHAT)


async def _erase_owner(desk: Desk) -> None:
    async with desk.factory() as session:
        owner = await session.get(Citizen, desk.owner.id)
        assert owner is not None
        await erase_citizen(session, owner, now=desk.clock.now())
        await session.commit()


async def test_after_the_citizens_erasure_nobody_claims_they_were_told(any_desk: Desk) -> None:
    desk = any_desk
    tid, number = await desk.open_ticket()
    await _erase_owner(desk)
    rows = await desk.message(CLERK, f"/reply {number} We fixed the lamp")
    assert texts(rows) == [t("en", "sh-replied_unreachable", number=number)]
    assert [r.chat_id for r in rows] == [CLERK]  # nothing queued for anyone else
    replied = [e for e in await desk.events(tid) if e.kind == "replied"]
    assert replied and replied[0].data["text"] == "We fixed the lamp"  # the staff record
    # asking would pause the clock for an answer that can never come: refused, nothing done
    rows = await desk.message(CLERK, f"/askinfo {number} Which floor?")
    assert texts(rows) == [t("en", "error-citizen_unreachable", number=number)]
    assert "info_requested" not in [e.kind for e in await desk.events(tid)]
    # the canned reply's toast and the chat's confirmation
    await desk.press(CLERK, f"tk:reply:{tid}", chat=HOUSING_CHAT)
    await desk.press(CLERK, f"sf:cr:{tid}:0", chat=HOUSING_CHAT)
    rows = await desk.press(CLERK, f"sf:send:{tid}", chat=HOUSING_CHAT)
    assert toast(rows)["text"] == t("en", "sh-replied_unreachable", number=number)
    note = t("en", "sh-citizen_unreachable")
    rows = await desk.message(CLERK, f"/extend {number} 2 parts")
    rows = await desk.press(HEAD_ID, f"tk:extok:{tid}")
    assert toast(rows)["text"].endswith(note)
    rows = await desk.message(CLERK, f"/type {number} complaint")
    assert texts(rows, CLERK)[0].endswith(note)
    rows = await desk.message(CLERK, f"/close {number} done")
    assert texts(rows, CLERK) == [t("en", "sh-closed", number=number) + "\n" + note]
    rows = await desk.message(CLERK, f"/reopen {number} again")
    assert texts(rows, CLERK)[0].endswith(note)
    rows = await desk.message(CLERK, f"/transfer {number} transport not ours")
    assert texts(rows, CLERK)[0].endswith(note)
    assert not [r for r in desk.sent if r.chat_id == 5001]  # the erased citizen: nothing


async def test_a_reachable_citizen_gets_no_such_note(desk: Desk) -> None:
    _tid, number = await desk.open_ticket()
    rows = await desk.message(CLERK, f"/close {number} done")
    assert texts(rows, CLERK) == [t("en", "sh-closed", number=number)]


def _files(rows: list[Outbox], chat: int) -> list[tuple[str, str, str]]:
    return [
        (r.method, str(r.payload.get("photo") or r.payload.get("document")), r.payload["caption"])
        for r in rows
        if r.chat_id == chat and r.method in ("sendPhoto", "sendDocument")
    ]


async def test_a_photo_replied_to_the_post_reaches_the_citizen(any_desk: Desk) -> None:
    desk = any_desk
    tid, number = await desk.open_ticket()
    async with desk.factory() as session:
        session.add(TicketMessage(chat_id=HOUSING_CHAT, message_id=777, ticket_id=tid))
        await session.commit()
    post = desk.bot_post(HOUSING_CHAT, 777)
    rows = await desk.message(
        CLERK, "Repaired, see the photo", chat=HOUSING_CHAT, reply_to=post, media=photo_of("ph-1")
    )
    to_citizen = [r for r in rows if r.chat_id == 5001]
    assert [r.method for r in to_citizen] == ["sendMessage", "sendPhoto"]  # text, then the file
    assert "Repaired, see the photo" in to_citizen[0].payload["text"]
    caption = t("zh", "sh-citizen_attachment", number=number)  # the citizen's language
    assert _files(rows, 5001) == [("sendPhoto", "ph-1", caption)]  # the largest size
    assert texts(rows, HOUSING_CHAT) == [
        t("en", "sh-replied_with_attachments", number=number, count=1)
    ]
    (event,) = [e for e in await desk.events(tid) if e.kind == "replied"]
    assert event.data["attachments"] == [{"kind": "photo", "file_id": "ph-1"}]
    assert event.data["text"] == "Repaired, see the photo"


async def test_reply_command_and_prompt_with_documents_and_photos(desk: Desk) -> None:
    tid, number = await desk.open_ticket()
    rows = await desk.message(
        CLERK, f"/reply {number} The official answer", media=document_of("doc-1")
    )
    assert _files(rows, 5001) == [
        ("sendDocument", "doc-1", t("zh", "sh-citizen_attachment", number=number))
    ]
    assert any("The official answer" in x for x in texts(rows, 5001))
    # a photo without a caption: the file alone, announced in the department's name
    rows = await desk.message(CLERK, f"/reply {number}", media=photo_of("ph-2"))
    assert [r.method for r in rows if r.chat_id == 5001] == ["sendMessage", "sendPhoto"]
    assert texts(rows, 5001)[0] == t(
        "zh", "citizen-reply_attachments", number=number, department="住建局"
    )
    # the reply prompt takes a photo too
    await desk.press(CLERK, f"tk:reply:{tid}")
    rows = await desk.message(CLERK, "After the repair", media=photo_of("ph-3"))
    assert _files(rows, 5001)[0][:2] == ("sendPhoto", "ph-3")
    assert await desk.state(CLERK) is None
    kinds = [(e.kind, len(e.data.get("attachments", []))) for e in await desk.events(tid)]
    assert kinds == [("created", 0), ("replied", 1), ("replied", 1), ("replied", 1)]


async def test_files_that_cannot_reach_the_citizen_are_refused_not_dropped(desk: Desk) -> None:
    tid, number = await desk.open_ticket()
    video = {
        "video": {"file_id": "v", "file_unique_id": "uv", "width": 1, "height": 1, "duration": 1}
    }
    rows = await desk.message(CLERK, f"/reply {number} look", media=video)
    assert texts(rows) == [t("en", "sh-attachment_unsupported")]
    rows = await desk.message(CLERK, f"/askinfo {number} Is it this one?", media=photo_of("p"))
    assert texts(rows) == [t("en", "sh-attachments_reply_only")]
    rows = await desk.message(CLERK, f"/note {number} the photo", media=photo_of("p"))
    assert texts(rows) == [t("en", "sh-attachments_reply_only")]
    assert [e.kind for e in await desk.events(tid)] == ["created"]
    # after the citizen's erasure: recorded, not sent, and said so
    await _erase_owner(desk)
    rows = await desk.message(CLERK, f"/reply {number} photo", media=photo_of("p2"))
    assert texts(rows) == [t("en", "sh-replied_unreachable", number=number)]
    assert [r.chat_id for r in rows] == [CLERK]


async def test_ticket_details_show_the_reply_had_files(desk: Desk) -> None:
    _tid, number = await desk.open_ticket()
    await desk.message(CLERK, f"/reply {number} here", media=photo_of("ph"))
    details = texts(await desk.message(CLERK, f"/ticket {number}"))[0]
    assert "📎×1 here" in details


async def test_type_keeps_the_extension_and_tells_the_citizen(desk: Desk) -> None:
    tid, number = await desk.open_ticket()  # help: 4h / 5d from Tuesday 10:00 -> Dec 1
    await desk.message(CLERK, f"/extend {number} 3 parts")
    await desk.press(HEAD_ID, f"tk:extok:{tid}")  # -> Dec 4
    rows = await desk.message(CLERK, f"/type {number} 投诉")  # 13d -> Dec 11, + 3 -> Dec 16
    mine = texts(rows, CLERK)[0]
    assert "resolve by 2026-12-16 17:30" in mine
    assert mine.endswith(t("en", "sh-retyped_told"))
    (told,) = texts(rows, 5001)
    assert "投诉" in told and "2026-12-16 17:30" in told
