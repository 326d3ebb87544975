"""The callback end to end: the WeChat emulator pushes to the real app over HTTP.

URL verification, wrong signatures refused, a question answered passively (and a digit taken
as the numbered choice), a slow answer sent as a customer-service message, a retry arriving
while the first attempt is processed (run once, answered once), safe mode with hostile input.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import func, select

from locales import t
from tests.app.support import faq_answer
from tests.e2e.wechat.conftest import Gate, StartDesk
from tests.wechat_emulator import make_aes_key
from tickets.models import Outbox, ProcessedMessage, WeChatFollower

pytestmark = pytest.mark.e2e

QUESTION = "结婚登记需要什么材料？"


async def _processed(desk) -> int:  # type: ignore[no-untyped-def]
    async with desk.session_factory() as session:
        return int((await session.exec(select(func.count()).select_from(ProcessedMessage))).one())


async def test_url_verification_and_wrong_signatures(start_desk: StartDesk) -> None:
    desk = await start_desk()
    wx = desk.wx
    assert (await wx.verify_url()).ok
    forged = await wx.verify_url(signature="0" * 40)
    assert forged.status == 403 and not forged.ok
    for kind in ("bad_signature", "no_signature", "stale_timestamp"):
        answer = await wx.forged(kind)
        assert answer.status == 403, (kind, answer)
    for kind, status in (("not_xml", 400), ("doctype", 400), ("billion_laughs", 400)):
        answer = await wx.forged(kind)
        assert answer.status == status, (kind, answer)
    assert (await wx.forged("oversized")).status == 413
    assert await _processed(desk) == 0  # nothing acted on


async def test_a_question_is_answered_passively_and_a_digit_is_the_choice(
    start_desk: StartDesk, tmp_path
) -> None:
    desk = await start_desk()
    user = desk.wx.user()
    push = await desk.wx.send_text(user, QUESTION)
    reply = await push.answered()
    assert reply.kind == "text" and not reply.encrypted
    answer = faq_answer(tmp_path / "faq", "marriage-registration", "zh")
    assert reply.content is not None and reply.content.startswith(answer)
    assert f"1. {t('zh', 'btn-helpful_yes')}" in reply.content
    assert f"2. {t('zh', 'btn-helpful_no')}" in reply.content
    assert len(push.attempts) == 1 and desk.wx.sent(user) == []  # no customer-service message

    glad = await desk.wx.send_text(user, "1")
    assert (await glad.answered()).content == t("zh", "faq-glad")
    async with desk.session_factory() as session:
        follower = await session.get(WeChatFollower, user.openid)
    assert follower is not None and follower.subscribed and follower.last_interaction_at


async def test_a_slow_answer_is_sent_as_a_customer_service_message(
    start_desk: StartDesk, tmp_path
) -> None:
    desk = await start_desk(wechat_reply_deadline=0.3)
    gate = Gate()
    gate.wrap(desk.channel.processor.dialogue)
    user = desk.wx.user()
    push = await desk.wx.send_text(user, QUESTION)
    reply = await push.answered()
    assert reply.kind == "success"  # in time: "success", nothing shown yet
    gate.opened.set()
    answer = await desk.wx.answer(push, timeout=10)
    assert answer.via == "custom" and answer.msgtype == "msgmenu"
    assert answer.content == faq_answer(tmp_path / "faq", "marriage-registration", "zh")
    assert [i["content"] for i in answer.menu_items] == [
        f"1. {t('zh', 'btn-helpful_yes')}",
        f"2. {t('zh', 'btn-helpful_no')}",
    ]
    tapped = await desk.wx.choose(user, answer, "1")  # the msgmenu link sends "1"'s choice
    assert (await tapped.answered()).content == t("zh", "faq-glad")
    assert len(push.attempts) == 1 and gate.calls == 2


async def test_a_retry_arriving_during_processing_is_run_once(
    start_desk: StartDesk, tmp_path
) -> None:
    desk = await start_desk(wechat_reply_deadline=3.0)
    desk.wx.reply_timeout = 0.5  # WeChat gives up on the first attempt while it is processed
    gate = Gate()
    gate.wrap(desk.channel.processor.dialogue)
    user = desk.wx.user()
    push = await desk.wx.send_text(user, QUESTION)
    await desk.wx.wait_until(lambda: len(push.attempts) >= 1, what="the first attempt timing out")
    assert push.attempts[0].timed_out
    await asyncio.sleep(0.1)  # the second attempt is waiting too
    gate.opened.set()
    reply = await push.answered()
    assert reply.kind == "text" and len(push.attempts) == 2  # the second one got it
    assert reply.content is not None
    assert reply.content.startswith(faq_answer(tmp_path / "faq", "marriage-registration", "zh"))
    assert gate.calls == 1 and await _processed(desk) == 1
    assert len(desk.wx.inbox(user)) == 1 and desk.wx.sent(user) == []

    replay = await desk.wx.forged("replay", push=push)  # an old attempt, byte for byte
    assert replay.status == 200 and gate.calls == 1


async def test_a_retry_after_the_answer_gets_the_same_passive_reply(start_desk: StartDesk) -> None:
    """WeChat retries only when it did not get the answer: it gets it again, not twice run."""
    desk = await start_desk()
    user = desk.wx.user()
    first = await desk.wx.send_text(user, QUESTION)
    reply = await first.answered()
    again = await desk.wx.send_raw(first.attempts[0].body, wrap=False)  # freshly signed
    assert again.status == 200
    assert desk.wx.parse_reply(again.body, first).content == reply.content
    async with desk.session_factory() as session:
        rows = (await session.exec(select(Outbox).where(Outbox.method == "passive"))).all()
    assert len(rows) == 1 and await _processed(desk) == 1
    assert desk.wx.sent(user) == []


@pytest.mark.parametrize("aes_key", [make_aes_key()])
async def test_safe_mode_end_to_end(start_desk: StartDesk, tmp_path, aes_key: str) -> None:
    desk = await start_desk()
    wx = desk.wx
    assert wx.mode == "safe"
    assert (await wx.verify_url()).ok
    user = wx.user()
    push = await wx.send_text(user, QUESTION)
    reply = await push.answered()
    assert reply.kind == "text" and reply.encrypted
    assert reply.content is not None
    assert reply.content.startswith(faq_answer(tmp_path / "faq", "marriage-registration", "zh"))
    for kind in ("bad_msg_signature", "wrong_app_id", "wrong_key", "bad_padding"):
        assert (await wx.forged(kind)).status == 403, kind
    for kind in ("doctype", "billion_laughs", "malformed_xml", "deep_nesting", "missing_fields"):
        assert (await wx.forged(kind)).status == 400, kind
    assert (await wx.forged("oversized")).status == 413
    plain = await wx.send_raw("<xml><MsgType>text</MsgType></xml>", wrap=False)
    assert plain.status == 403  # safe mode: an unencrypted message is refused
    assert await _processed(desk) == 1
