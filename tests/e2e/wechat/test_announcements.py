"""Announcements to WeChat followers, end to end: a poster's QR code (scene ``sub-<topic>``)
subscribes after the numbered confirmation; the announcement arrives as a customer-service
message with the Unsubscribe option; a follower outside the 48-hour window, and one who
unfollowed the account, are not sent to (WeChat is not even asked) and count as out of reach,
their subscriptions kept for when they are back; the author's report on Telegram says so.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from handlers.notify import notifier_factory
from locales import t
from tests.e2e.wechat.conftest import Desk, StartDesk
from tests.e2e.wechat.test_desk import option
from tickets.announce import AnnounceSetup, SendingHours, create_announcement
from tickets.models import Subscription
from tickets.sweeps import SweepContext, SweepPolicy, run_round

pytestmark = pytest.mark.e2e

AUTHOR = 5301
DEPARTMENTS = """\
departments:
  - slug: traffic
    name: {zh: 交警支队, en: Traffic Police}
topics:
  - id: road-closures
    name: {zh: 道路封闭, en: Road closures}
    department: traffic
"""


async def _step(desk: Desk) -> int:
    app = desk.app
    config = app.runtime.desk.holder.config
    ctx = SweepContext(
        now=desk.clock.now(),
        policy=SweepPolicy(),
        calendar=app.runtime.desk.holder.calendar,
        notifiers=notifier_factory(config, "Asia/Shanghai", "en"),
        announce=AnnounceSetup(
            topics=dict(config.topics), hours=SendingHours.of("00:00-23:59", "Asia/Shanghai")
        ),
    )
    report = await run_round(
        app.runtime.session_factory, ctx, only=["announcements"], on_queued=app.runtime.wake_outbox
    )
    assert not report.errors, report.errors
    return sum(r.count for r in report.results)


async def _subscribe(desk: Desk, user) -> None:  # type: ignore[no-untyped-def]
    confirm = await desk.wx.answer(await desk.wx.subscribe(user, scene="sub-road-closures"))
    assert "道路封闭" in (confirm.content or "")
    done = await desk.ask(user, option(confirm, t("zh", "sub-btn-yes")))
    assert (done.content or "").startswith(t("zh", "sub-done", topic="道路封闭"))


async def test_followers_subscribe_by_qr_code_and_the_window_decides_who_is_reached(
    start_desk: StartDesk, tmp_path: Path
) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text(DEPARTMENTS, encoding="utf-8")
    desk = await start_desk(departments_file=path)
    author = desk.tg.user(id=AUTHOR, language_code="en")
    active, quiet, gone = desk.wx.user(), desk.wx.user(), desk.wx.user()
    for user in (active, quiet, gone):
        await _subscribe(desk, user)
    desk.clock.advance(timedelta(hours=49))  # everyone's window closed...
    again = await desk.ask(active, "你好")  # ...but this one writes again
    assert again.via == "passive"
    await desk.wx.unsubscribe(gone)

    topic = desk.app.runtime.desk.holder.config.topics["road-closures"]
    async with desk.session_factory() as session:
        await create_announcement(
            session,
            topic,
            text_zh="长安街明天封闭",
            text_en=None,
            now=desk.clock.now(),
            author=f"telegram:{AUTHOR}",
            author_chat_id=AUTHOR,
            author_lang="en",
        )
        await session.commit()
    mark = len(desk.wx.requests("message/custom/send"))
    assert await _step(desk) == 3
    got = await desk.next(active, "📣 道路封闭")
    assert got.via == "custom" and "长安街明天封闭" in (got.content or "")
    unsubscribe = option(got, t("zh", "btn-unsubscribe"))

    for _ in range(100):  # the outcomes are recorded after the sends; then the report
        await _step(desk)
        reports = [
            c for c in desk.tg.sent(author, "sendMessage", ok=True) if "is done" in c.params["text"]
        ]
        if reports:
            break
        await asyncio.sleep(0.05)
    assert reports, "no report"
    text = reports[0].params["text"]
    assert "3 subscribers; sent 1, failed 0, blocked the bot or unfollowed 0" in text
    assert "out of reach for now 2" in text
    sends = desk.wx.requests("message/custom/send")[mark:]
    assert len(sends) == 1  # only to the follower inside the window: WeChat was not even asked
    async with desk.session_factory() as session:
        subs = (await session.exec(select(Subscription))).all()
    assert [s.active for s in subs] == [True, True, True]

    left = await desk.ask(active, unsubscribe)
    assert (left.content or "").startswith(t("zh", "sub-undone", topic="道路封闭"))
