"""The same desk for WeChat followers: the welcome, a ticket, a staff reply from Telegram, the
rating; the 48-hour window; events and media; the shared access token.

The real app serves both platforms' emulators over HTTP (see conftest.py); staff use Telegram.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import col, select

from locales import t
from tests.app.support import faq_answer
from tests.e2e.wechat.conftest import Desk, StartDesk, add_clerk
from tests.wechat_emulator import Received
from tickets.models import CitizenIdentity, Outbox, Ticket, TicketEvent, WeChatFollower

pytestmark = pytest.mark.e2e


def option(received: Received | str | None, label: str) -> str:
    """The number offered for ``label`` (a numbered line ``N. label``, or a msgmenu item)."""
    if isinstance(received, Received) and received.menu_items:
        for item in received.menu_items:
            if item["content"].endswith(f". {label}"):
                return str(item["id"])
    text = received.content if isinstance(received, Received) else received
    for line in (text or "").splitlines():
        match = re.match(r"^(\d+)\. (.*)$", line)
        if match and match.group(2) == label:
            return match.group(1)
    raise AssertionError(f"no option {label!r} in {text!r}")


async def _ticket(desk: Desk) -> Ticket:
    async with desk.session_factory() as session:
        return (await session.exec(select(Ticket))).one()


async def _make_ticket(desk: Desk, user) -> Ticket:  # type: ignore[no-untyped-def]
    offer = await desk.ask(user, "楼道灯坏了，一直不亮，晚上很危险")
    assert (offer.content or "").startswith(t("zh", "faq-none"))
    draft = await desk.ask(user, option(offer, t("zh", "btn-submit_question")))
    assert "住建局" in (draft.content or "")
    push = await desk.wx.send_text(user, option(draft, t("zh", "btn-submit")))
    assert (await push.answered()).kind == "success"  # the form's answer is the service's
    created = await desk.next(user, "您的诉求已登记")
    assert created.via == "custom"
    return await _ticket(desk)


async def test_a_follower_makes_a_ticket_and_a_clerk_replies_from_telegram(
    start_desk: StartDesk,
) -> None:
    desk = await start_desk()
    clerk, housing = await add_clerk(desk)
    user = desk.wx.user()
    welcome = await desk.wx.answer(await desk.wx.subscribe(user))
    assert welcome.via == "passive" and t("zh", "wx-privacy") in (welcome.content or "")

    ticket = await _make_ticket(desk, user)
    assert ticket.number in (desk.wx.inbox(user)[-1].content or "")
    post = await desk.tg.next_message(housing)
    assert ticket.number in post["text"]

    await (
        await desk.tg.send_message(clerk, f"/reply {ticket.number} 明天上午派人维修", chat=housing)
    ).delivered()
    reply = await desk.next(user, "💬")
    assert reply.via == "custom" and reply.msgtype == "msgmenu"
    assert "明天上午派人维修" in (reply.content or "")
    assert (await desk.tg.next_message(housing))["text"] == t(
        "en", "sh-replied", number=ticket.number
    )

    thanks = await desk.wx.answer(
        await desk.wx.choose(user, reply, option(reply, t("zh", "btn-resolved")))
    )
    assert (thanks.content or "").startswith(t("zh", "tk-resolved"))
    closed = await desk.next(user, f"✅ 您的工单 {ticket.number} 已办结")
    stars = await desk.wx.answer(await desk.wx.choose(user, closed, option(closed, "⭐⭐⭐⭐⭐")))
    assert t("zh", "citizen-thanks_rating", number=ticket.number) in (stars.content or "")
    skipped = await desk.ask(user, option(stars, t("zh", "btn-skip")))
    assert skipped.content == t("zh", "tk-skipped")
    closed_ticket = await _ticket(desk)
    assert closed_ticket.rating == 5 and closed_ticket.status == "closed"
    mine = await desk.ask(user, "/mytickets")
    assert ticket.number in (mine.content or "")


async def test_nothing_is_sent_outside_the_48_hour_window(start_desk: StartDesk) -> None:
    desk = await start_desk()
    clerk, housing = await add_clerk(desk)
    user = desk.wx.user()
    ticket = await _make_ticket(desk, user)
    await desk.tg.next_message(housing)  # the ticket's post

    desk.clock.advance(timedelta(hours=49))
    mark = desk.wx.mark()
    await (
        await desk.tg.send_message(clerk, f"/reply {ticket.number} 已安排维修", chat=housing)
    ).delivered()
    notice = await desk.tg.next_message(housing)
    if notice["text"] == t("en", "sh-replied", number=ticket.number):
        notice = await desk.tg.next_message(housing)
    reason = t("zh", "unreachable-window")
    assert notice["text"] == t(
        "zh", "staff-citizen_unreachable", number=ticket.number, reason=reason
    )
    assert desk.wx.sent(user)[mark:] == [] and not desk.wx.requests("message/custom/send")[mark:]
    async with desk.session_factory() as session:
        row = (
            await session.exec(
                select(Outbox)
                .where(col(Outbox.channel) == "wechat")
                .order_by(col(Outbox.id).desc())
            )
        ).first()
        events = (await session.exec(select(TicketEvent.kind, TicketEvent.data))).all()
    assert (
        row is not None and row.status == "failed" and (row.last_error or "").startswith("window")
    )
    assert ("citizen_unreachable", {"channel": "wechat", "why": "window"}) in events

    await (await desk.tg.send_message(clerk, f"/ticket {ticket.number}", chat=housing)).delivered()
    view = await desk.tg.next_message(housing)
    assert t("en", "sh-event-citizen_unreachable") in view["text"]
    assert t("en", "unreachable-window") in view["text"]

    # Once the follower writes again, the window opens again.
    again = await desk.ask(user, "你好")
    assert again.via == "passive"


async def test_events_media_and_unfollowing(start_desk: StartDesk, tmp_path) -> None:
    desk = await start_desk()
    wx = desk.wx
    user = wx.user()
    answer = await wx.answer(await wx.subscribe(user, scene="faq-marriage-registration"))
    assert (answer.content or "").startswith(
        faq_answer(tmp_path / "faq", "marriage-registration", "zh")
    )
    scanned = await wx.answer(await wx.scan(user, "faq-garbage-pickup"))
    assert (scanned.content or "").startswith(faq_answer(tmp_path / "faq", "garbage-pickup", "zh"))
    mine = await wx.answer(await wx.click(user, "mytickets"))
    assert mine.content == t("zh", "my-empty")

    voice = await wx.answer(await wx.send_voice(user))
    assert voice.content == t("zh", "wx-voice")
    heard = await wx.answer(await wx.send_voice(user, recognition="结婚登记需要什么材料？"))
    assert (heard.content or "").startswith(
        faq_answer(tmp_path / "faq", "marriage-registration", "zh")
    )
    photo = await wx.answer(await wx.send_image(user))
    assert (photo.content or "").startswith(t("zh", "hint-photo"))
    where = await wx.answer(await wx.send_location(user, 39.9, 116.4, label="天安门"))
    assert (where.content or "").startswith(t("zh", "hint-location"))
    draft = await desk.ask(user, option(where, t("zh", "btn-new_with_attachment")))
    assert (draft.content or "").startswith(t("zh", "flow-describe"))

    view = await wx.view(user, "https://example.gov/")
    assert (await view.answered()).kind == "success"
    left = await wx.unsubscribe(user)
    assert (await left.answered()).kind == "success"
    async with desk.session_factory() as session:
        follower = await session.get(WeChatFollower, user.openid)
        identity = (await session.exec(select(CitizenIdentity))).one()
    assert follower is not None and not follower.subscribed
    assert identity.address is None  # no longer a way to reach them


async def test_the_access_token_is_fetched_once_and_refreshed_when_refused(
    start_desk: StartDesk,
) -> None:
    desk = await start_desk(wechat_reply_deadline=0.2)
    wx = desk.wx
    user = wx.user()
    gate_open = await _slow(desk)
    for text in ("结婚登记需要什么材料？", "大件垃圾什么时候收？"):
        push = await wx.send_text(user, text)
        assert (await push.answered()).kind == "success"
        gate_open()
        assert (await wx.answer(push)).via == "custom"
    assert len(wx.requests("token")) == 1  # cached (and kept in the database)
    wx.invalidate_tokens()  # 40001: refreshed, sent again at once
    push = await wx.send_text(user, "怎么办理结婚登记？")
    assert (await push.answered()).kind == "success"
    gate_open()
    assert (await wx.answer(push)).via == "custom"
    assert len(wx.requests("token")) == 2
    assert [c.errcode for c in wx.sent(user)][-2:] == [40001, 0]


async def _slow(desk: Desk):  # type: ignore[no-untyped-def]
    """Every message answered after the deadline (customer service), once opened."""
    import asyncio

    handle = desk.channel.processor.dialogue.handle
    opened = asyncio.Event()

    async def later(*args, **kwargs):  # type: ignore[no-untyped-def]
        await opened.wait()
        opened.clear()
        return await handle(*args, **kwargs)

    desk.channel.processor.dialogue.handle = later
    return opened.set
