"""The citizen conversation end to end: the real app, real HTTP, the Bot API emulator.

Set ``CITIZEN_TRANSCRIPT=path`` to write the full English conversation's chat log there.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

import handlers.dialogue.flood
from bot.db import SessionFactory
from bot.outbox import Rate, RateLimiter, RateLimits
from handlers.deps import Deps
from locales import t
from tests.e2e.conftest import RunningApp, StartApp
from tests.emulator import BotAPIEmulator
from tests.emulator.models import EmuUser
from tickets.authz import Actor
from tickets.models import Citizen, CitizenIdentity, Ticket, UnansweredQuestion

pytestmark = pytest.mark.e2e


async def _start(
    start_app: StartApp, monkeypatch: pytest.MonkeyPatch, flood: int = 200
) -> RunningApp:
    monkeypatch.setattr(handlers.dialogue.flood, "FLOOD_LIMIT", flood)
    app = await start_app()
    # The outbox keeps Telegram's 1 message/s per chat; tests need not wait for it.
    assert app.runtime.sender is not None
    app.runtime.sender.limiter = RateLimiter(
        RateLimits(
            overall=Rate(1000, timedelta(seconds=1)), per_chat=Rate(1000, timedelta(seconds=1))
        )
    )
    return app


def _deps(app: RunningApp) -> Deps:
    assert app.runtime.processor is not None
    deps = app.runtime.processor.data["deps"]
    assert isinstance(deps, Deps)
    return deps


async def expect(emu: BotAPIEmulator, user: EmuUser, start: str) -> dict[str, Any]:
    """The next bot message to ``user`` starting with ``start`` (earlier ones are skipped)."""
    seen = []
    for _ in range(8):
        message = await emu.next_message(user)
        if message.get("text", "").startswith(start):
            return message
        seen.append(message.get("text", "")[:60])
    raise AssertionError(f"no message starting {start!r}; got {seen}")


async def say(emu: BotAPIEmulator, user: EmuUser, text: str) -> None:
    await (await emu.send_message(user, text)).delivered()


async def press(emu: BotAPIEmulator, user: EmuUser, message: dict[str, Any], text: str) -> None:
    await (await emu.press_button(user, message, text=text)).delivered()


def transcript(emu: BotAPIEmulator, user: EmuUser) -> str:
    """The chat as the citizen saw it: their messages, the bot's replies with their buttons,
    and each button press shown right after the message it was on."""
    pressed: dict[int, list[str]] = {}
    for delivery in emu.deliveries:
        query = delivery.update.get("callback_query")
        if query and query["from"]["id"] == user.id and delivery.update_id != 777_001:
            message = emu.chat(user).find(query["message"]["message_id"]) or {}
            keyboard = message.get("reply_markup", {}).get("inline_keyboard", [])
            label = next(
                (
                    b["text"]
                    for row in keyboard
                    for b in row
                    if b.get("callback_data") == query["data"]
                ),
                query["data"],
            )
            pressed.setdefault(query["message"]["message_id"], []).append(label)
    lines = []
    for message in emu.chat(user).messages:
        who = "BOT " if message.get("from", {}).get("is_bot") else "USER"
        if "text" in message:
            body = message["text"]
        elif "photo" in message:
            body = "[photo]" + (f" {message['caption']}" if message.get("caption") else "")
        else:
            body = "[" + next(k for k in ("location", "contact", "sticker") if k in message) + "]"
        keyboard = message.get("reply_markup", {}).get("inline_keyboard")
        if keyboard:
            body += "\n" + "  ".join(f"[{b['text']}]" for row in keyboard for b in row)
        lines.append(f"{who}: " + body.replace("\n", "\n      "))
        for label in pressed.get(message["message_id"], []):
            lines.append(f"USER: (presses [{label}])")
    return "\n".join(lines)


async def test_full_conversation_in_english(
    emu: BotAPIEmulator,
    start_app: StartApp,
    session_factory: SessionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = await _start(start_app, monkeypatch)
    citizen = emu.user(first_name="Ada", language_code="en")
    await say(emu, citizen, "/start")
    welcome = await expect(emu, citizen, "Hello Ada!")
    assert "/mydata" in welcome["text"] and "Privacy" in welcome["text"]
    await emu.wait_until(lambda: len(emu.requests("setMyCommands")) == 3)
    menus = {c.params.get("language_code"): c.params for c in emu.requests("setMyCommands")}
    assert set(menus) == {"zh", "en", None}

    # answer -> helpful
    await say(emu, citizen, "How do I register a marriage?")
    answer = await expect(emu, citizen, "Bring both ID cards")
    await press(emu, citizen, answer, "👍 Yes, thanks")
    await expect(emu, citizen, t("en", "faq-glad"))

    # suggest -> pick
    await say(emu, citizen, "sofa")
    suggest = await expect(emu, citizen, t("en", "faq-suggest"))
    await press(emu, citizen, suggest, "How do I get rid of an old sofa?")
    await expect(emu, citizen, "Book a bulky waste pickup")

    # none -> ticket with a photo -> number and deadline
    await say(emu, citizen, "There is loud construction noise every night")
    offer = await expect(emu, citizen, t("en", "faq-none"))
    await press(emu, citizen, offer, t("en", "btn-submit_question"))
    draft = await expect(emu, citizen, "📋 Please check your request")
    assert "Department: Urban Management" in draft["text"] or "Department:" in draft["text"]
    await (await emu.send_photo(citizen, caption="taken at 23:40")).delivered()
    draft = await expect(emu, citizen, "📷 Photo added (1 in all)")
    await press(emu, citizen, draft, t("en", "btn-change_type"))
    types = await expect(emu, citizen, t("en", "flow-choose_type"))
    # the noise is guessed a complaint already: its button is ticked
    chosen = t("en", "btn-type_chosen", type=t("en", "type-complaint"))
    await press(emu, citizen, types, chosen)
    draft = await expect(emu, citizen, "📋 Please check your request")
    assert "Type: complaint" in draft["text"]
    await press(emu, citizen, draft, t("en", "btn-submit"))
    created = await expect(emu, citizen, "Your request is registered as ticket")
    async with session_factory() as session:
        ticket = (await session.exec(select(Ticket))).one()
        assert ticket.details["photos"] and ticket.demand_type == "complaint"
        gaps = (await session.exec(select(UnansweredQuestion))).all()
    assert ticket.number in created["text"] and "We will respond by 20" in created["text"]
    assert [g.decision for g in gaps] == ["none"] and gaps[0].ticket_id == ticket.id

    # staff reply -> resolved -> rating -> comment
    deps = _deps(app)
    async with session_factory() as session, session.begin():
        await deps.tickets(session).reply(
            ticket.id, Actor(1, is_admin=True), "Inspectors will visit tonight; fined if confirmed."
        )
    app.runtime.sender.wake()  # type: ignore[union-attr]
    reply = await expect(emu, citizen, "💬")
    assert "Inspectors will visit tonight" in reply["text"]
    await press(emu, citizen, reply, t("en", "btn-resolved"))
    closed = await expect(emu, citizen, f"✅ Your ticket {ticket.number} is closed.")
    await press(emu, citizen, closed, "⭐⭐⭐⭐⭐")
    await expect(emu, citizen, t("en", "tk-comment_prompt", stars="⭐⭐⭐⭐⭐"))
    await say(emu, citizen, "Thank you, very quick!")
    await expect(emu, citizen, t("en", "tk-comment_thanks"))

    # my tickets, my data, erase
    await say(emu, citizen, "/mytickets")
    listing = await expect(emu, citizen, "📂 Your tickets (1 in all")
    await press(emu, citizen, listing, f"🎫 {ticket.number}")
    page = await expect(emu, citizen, f"🎫 Ticket {ticket.number}")
    assert "Inspectors will visit tonight" in page["text"] and "⭐⭐⭐⭐⭐" in page["text"]
    await say(emu, citizen, "/mydata")
    data = await expect(emu, citizen, "🗂 What we store about you")
    assert f"Telegram ID: {citizen.id}" in data["text"]
    await say(emu, citizen, "/deleteme")
    confirm = await expect(emu, citizen, "Do you really want to erase")
    await press(emu, citizen, confirm, t("en", "btn-delete_yes"))
    await expect(emu, citizen, "✅ Your personal data has been erased (1 ticket(s)")
    async with session_factory() as session:
        person = (await session.exec(select(Citizen))).one()
        identities = (await session.exec(select(CitizenIdentity))).all()
    assert identities == [] and person.erased_at is not None

    log = transcript(emu, citizen)
    path = os.environ.get("CITIZEN_TRANSCRIPT")
    if path:
        Path(path).write_text(log + "\n", encoding="utf-8")  # noqa: ASYNC240
    assert log.count("USER:") >= 10 and "BOT : Hello Ada!" in log


async def test_chinese_follow_up_reopen_cancel_and_duplicate_delivery(
    emu: BotAPIEmulator,
    start_app: StartApp,
    session_factory: SessionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = await _start(start_app, monkeypatch)
    citizen = emu.user(first_name="王", language_code="zh-hans")

    # cancel mid-flow
    await say(emu, citizen, "/new")
    prompt = await expect(emu, citizen, t("zh", "flow-describe"))
    await say(emu, citizen, "小区门口的垃圾好几天没人清运")
    await expect(emu, citizen, "📋 请确认您的诉求")
    await say(emu, citizen, "/cancel")
    await expect(emu, citizen, t("zh", "flow-cancelled"))
    del prompt

    # suggest -> pick in Chinese
    await say(emu, citizen, "结婚")
    suggest = await expect(emu, citizen, t("zh", "faq-suggest"))
    await press(emu, citizen, suggest, "结婚登记需要什么材料？")
    await expect(emu, citizen, "请双方携带身份证")

    # a ticket; the submit button's update is delivered twice -> one ticket
    await say(emu, citizen, "/start dept-utilities")
    await expect(emu, citizen, "您将向")
    await say(emu, citizen, "我家停水两天了")
    draft = await expect(emu, citizen, "📋 请确认您的诉求")
    assert "类型：求助" in draft["text"]
    button = next(
        b["callback_data"]
        for row in draft["reply_markup"]["inline_keyboard"]
        for b in row
        if b["text"] == t("zh", "btn-submit")
    )
    update = {
        "update_id": 777_001,
        "callback_query": {
            "id": "dup-cq",
            "from": {
                "id": citizen.id,
                "is_bot": False,
                "first_name": "王",
                "language_code": "zh-hans",
            },
            "chat_instance": "ci",
            "data": button,
            "message": {
                "message_id": draft["message_id"],
                "date": draft["date"],
                "chat": {"id": citizen.id, "type": "private"},
                "text": "…",
            },
        },
    }
    first = await emu.post_raw(update, fresh_id=False)
    await first.delivered()
    second = await emu.post_raw(update, fresh_id=False)
    await second.delivered()
    created = await expect(emu, citizen, "您的诉求已登记，工单编号")
    async with session_factory() as session:
        tickets = (await session.exec(select(Ticket))).all()
    assert len(tickets) == 1 and tickets[0].number in created["text"]
    ticket = tickets[0]

    # staff reply -> follow up -> staff closes -> reopen
    deps = _deps(app)
    async with session_factory() as session, session.begin():
        await deps.tickets(session).reply(ticket.id, Actor(1, is_admin=True), "今晚恢复供水。")
    app.runtime.sender.wake()  # type: ignore[union-attr]
    reply = await expect(emu, citizen, "💬 关于您的工单")
    await press(emu, citizen, reply, t("zh", "btn-follow_up"))
    await expect(emu, citizen, t("zh", "tk-followup_prompt", number=ticket.number))
    await say(emu, citizen, "现在还是没有水")
    await expect(emu, citizen, t("zh", "citizen-followup_received", number=ticket.number))
    async with session_factory() as session, session.begin():
        await deps.tickets(session).close(ticket.id, Actor(1, is_admin=True), "已恢复供水")
    app.runtime.sender.wake()  # type: ignore[union-attr]
    closed = await expect(emu, citizen, f"✅ 您的工单 {ticket.number} 已办结")
    await press(emu, citizen, closed, t("zh", "btn-reopen"))
    await expect(emu, citizen, t("zh", "tk-reopened", number=ticket.number))
    async with session_factory() as session:
        assert (await session.get(Ticket, ticket.id)).status != "closed"  # type: ignore[union-attr]


async def test_flood_gets_one_polite_message(
    emu: BotAPIEmulator, start_app: StartApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _start(start_app, monkeypatch, flood=5)
    citizen = emu.user(language_code="en")
    deliveries = [await emu.send_message(citizen, f"hello {i}") for i in range(9)]
    for delivery in deliveries:
        await delivery.delivered()
        assert [a.status for a in delivery.attempts] == [200]
    await emu.wait_until(lambda: len(emu.sent(citizen, "sendMessage")) >= 6)
    texts = [c.params["text"] for c in emu.sent(citizen, "sendMessage")]
    window = int(handlers.dialogue.flood.FLOOD_WINDOW.total_seconds())
    assert texts.count(t("en", "flood", seconds=window)) == 1
    assert len(texts) == 6  # five answers, one "slow down", then silence


async def test_answering_a_request_for_information_by_reply_and_by_file(
    emu: BotAPIEmulator,
    start_app: StartApp,
    session_factory: SessionFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The question really sent (the outbox links the sent message to the ticket), the citizen
    replies to it in Telegram, then answers a second question with a file."""
    app = await _start(start_app, monkeypatch)
    citizen = emu.user(first_name="Ada", language_code="en")
    await say(emu, citizen, "/start dept-urban-management")
    await expect(emu, citizen, "Your request will go to")
    await say(emu, citizen, "Loud construction noise every night after 23:00")
    draft = await expect(emu, citizen, "📋 Please check your request")
    await press(emu, citizen, draft, t("en", "btn-submit"))
    await expect(emu, citizen, "Your request is registered as ticket")
    async with session_factory() as session:
        ticket = (await session.exec(select(Ticket))).one()
    deps = _deps(app)
    async with session_factory() as session, session.begin():
        await deps.tickets(session).ask_info(ticket.id, Actor(1, is_admin=True), "Which site?")
    app.runtime.sender.wake()  # type: ignore[union-attr]
    question = await expect(emu, citizen, "❓")
    await emu.wait_until(lambda: bool(emu.sent(citizen, "sendMessage")))
    await (await emu.send_message(citizen, "The one on Elm Street", reply_to=question)).delivered()
    confirmed = await expect(emu, citizen, "✅ Your answer was added")
    assert ticket.number in confirmed["text"]
    async with session_factory() as session, session.begin():
        await deps.tickets(session).ask_info(ticket.id, Actor(1, is_admin=True), "The permit?")
    app.runtime.sender.wake()  # type: ignore[union-attr]
    await expect(emu, citizen, "❓")
    await (await emu.send_document(citizen, b"%PDF-1.4 permit", caption="photo of it")).delivered()
    await expect(emu, citizen, "✅ Your answer was added")
    async with session_factory() as session:
        fresh = await session.get(Ticket, ticket.id)
        gaps = (await session.exec(select(UnansweredQuestion))).all()
    assert fresh is not None and fresh.paused_at is None and len(fresh.details["documents"]) == 1
    assert gaps == []
