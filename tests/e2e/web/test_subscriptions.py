"""Announcements to web chat visitors, end to end over real HTTP: a poster's deep link
(``start:sub-<topic>``, what ``/chat?start=sub-<topic>`` sends) with its confirmation, the
menu's ``cmd:subscribe`` toggles; the announcement reaches each visitor's stream once, in
their language, with the Unsubscribe action; ``/mydata`` lists the subscription; erasure
removes it; the author's report (on Telegram) counts both visitors.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import col, func, select

from handlers.notify import notifier_factory
from locales import t
from tests.e2e.conftest import RunningApp
from tests.e2e.web.conftest import StartChat
from tests.emulator import BotAPIEmulator
from tickets.announce import AnnounceSetup, SendingHours, create_announcement
from tickets.models import Subscription
from tickets.sweeps import SweepContext, SweepPolicy, run_round

pytestmark = pytest.mark.e2e

NOON = datetime(2026, 10, 1, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
AUTHOR = 5401
DEPARTMENTS = """\
departments:
  - slug: traffic
    name: {zh: 交警支队, en: Traffic Police}
topics:
  - id: road-closures
    name: {zh: 道路封闭, en: Road closures}
    department: traffic
    description: {zh: 封路和绕行, en: Closures and detours}
"""


async def _step(app: RunningApp) -> int:
    config = app.runtime.desk.holder.config
    ctx = SweepContext(
        now=NOON,
        policy=SweepPolicy(),
        calendar=app.runtime.desk.holder.calendar,
        notifiers=notifier_factory(config, "Asia/Shanghai", "en"),
        announce=AnnounceSetup(
            topics=dict(config.topics), hours=SendingHours.of("08:00-21:00", "Asia/Shanghai")
        ),
    )
    report = await run_round(
        app.runtime.session_factory, ctx, only=["announcements"], on_queued=app.runtime.wake_outbox
    )
    assert not report.errors, report.errors
    return sum(r.count for r in report.results)


async def _active(session_factory) -> int:  # type: ignore[no-untyped-def]
    async with session_factory() as session:
        stmt = select(func.count()).select_from(Subscription).where(col(Subscription.active))
        return int((await session.exec(stmt)).one())


async def test_visitors_subscribe_receive_once_unsubscribe_and_erase(
    start_chat: StartChat,
    visitors,  # type: ignore[no-untyped-def]
    emu: BotAPIEmulator,
    session_factory,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text(DEPARTMENTS, encoding="utf-8")
    app = await start_chat(departments_file=path)
    zh, en = visitors(app.url), visitors(app.url, "en-GB,en;q=0.9")
    for v in (zh, en):
        await v.session()
        await v.open()

    # By the poster's deep link: a confirmation first (nothing echoed as the visitor's words).
    await zh.press("start:sub-road-closures")
    confirm = await zh.next("📣")
    assert "道路封闭" in confirm.text and "封路和绕行" in confirm.text
    assert not confirm.data.get("echo")
    assert await _active(session_factory) == 0
    await zh.press(confirm.action(t("zh", "sub-btn-yes")))
    await zh.next(t("zh", "sub-done", topic="道路封闭"))
    # By the menu: the topics with a toggle each.
    await en.press("cmd:subscribe")
    listing = await en.next("📣")
    assert listing.data["echo"] == t("en", "web-menu_subscribe")
    await en.press(listing.action("➕ Road closures"))
    await en.next(t("en", "sub-done", topic="Road closures"))
    assert await _active(session_factory) == 2

    topic = app.runtime.desk.holder.config.topics["road-closures"]
    async with session_factory() as session:
        await create_announcement(
            session,
            topic,
            text_zh="国庆期间长安街封闭",
            text_en="Chang'an Avenue is closed over National Day",
            now=NOON,
            author=f"telegram:{AUTHOR}",
            author_chat_id=AUTHOR,
            author_lang="en",
        )
        await session.commit()
    assert await _step(app) == 2
    got_zh = await zh.next("📣 道路封闭")
    got_en = await en.next("📣 Road closures")
    assert "国庆期间长安街封闭" in got_zh.text and "Chang'an Avenue" in got_en.text
    assert got_zh.data["from"] == "bot"
    unsubscribe = got_en.action(t("en", "btn-unsubscribe"))
    assert unsubscribe == "sub:off:road-closures"

    author = emu.user(id=AUTHOR, language_code="en")
    for _ in range(100):  # the outcomes are recorded after the sends; then the report
        await _step(app)
        reports = [
            c for c in emu.sent(author, "sendMessage", ok=True) if "is done" in c.params["text"]
        ]
        if reports:
            break
        await asyncio.sleep(0.05)
    assert reports and "2 subscribers; sent 2, failed 0" in reports[0].params["text"]
    for v, head in ((zh, "📣 道路封闭"), (en, "📣 Road closures")):
        assert len([e for e in v.seen if e.text.startswith(head)]) == 1  # once each

    await en.press(unsubscribe)
    await en.next(t("en", "sub-undone", topic="Road closures"))
    assert await _active(session_factory) == 1

    await zh.say("/mydata")
    data = await zh.next("🗂")
    assert "订阅的通知：道路封闭" in data.text
    await zh.press("cmd:deleteme")
    sure = await zh.next()
    await zh.press(sure.action(t("zh", "btn-delete_yes")))
    for _ in range(100):
        async with session_factory() as session:
            left = (await session.exec(select(func.count()).select_from(Subscription))).one()
        if left == 1:  # only the English visitor's (inactive) row is left
            break
        await asyncio.sleep(0.05)
    assert left == 1


async def test_a_bad_deep_link_is_refused_and_an_unknown_topic_is_said(
    start_chat: StartChat,
    visitors,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    path = tmp_path / "topics.yaml"
    path.write_text(DEPARTMENTS, encoding="utf-8")
    app = await start_chat(departments_file=path)
    v = visitors(app.url, "en")
    await v.session()
    await v.open()
    for bad in ("start:", "start:sub road", "start:<script>", "start:" + "x" * 65):
        assert (await v.post({"action": bad})).status == 400, bad
    await v.press("start:sub-no-such-topic")
    await v.next(t("en", "sub-unknown"))
    async with v.http.get(f"{app.url}/chat?start=sub-road-closures") as page:
        html = await page.text()
    assert 'data-start="sub-road-closures"' in html
    async with v.http.get(f"{app.url}/chat?start=%22%3E%3Cscript%3E") as page:
        html = await page.text()
    assert 'data-start=""' in html and "<script>" not in html.split("<body")[1]
