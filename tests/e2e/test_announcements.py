"""Announcements end to end: the real app over HTTP, the Bot API emulator as Telegram.

Citizens subscribe by deep link (with the confirmation), a department head announces from
Telegram (topic, text, the preview, send), every subscriber gets it once, one unsubscribes with
its button, one who blocked the bot is unsubscribed and counted; the head gets the report. A
head of another department and a clerk are refused. A question asked during a broadcast is
answered before the broadcast ends. The announcement steps run as the scheduler runs them
(``run_round(only=announcements)``) with an injected time, so the sending hours are tested
without waiting for a morning.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

from bot.db import SessionFactory
from bot.outbox import Rate, RateLimiter, RateLimits
from handlers.notify import notifier_factory
from locales import t
from tests.e2e.conftest import RunningApp, StartApp
from tests.e2e.test_citizen_flow import expect, press, say
from tests.emulator import BotAPIEmulator
from tests.support.people import add_citizen
from tickets.announce import AnnounceSetup, SendingHours, create_announcement, set_subscription
from tickets.models import Department, StaffMember, Subscription
from tickets.sweeps import SweepContext, SweepPolicy, run_round

pytestmark = pytest.mark.e2e

TRAFFIC, PARKS = -100501, -100502
HEAD, OTHER_HEAD, CLERK = 5101, 5102, 5103
DEPARTMENTS = f"""\
departments:
  - slug: traffic
    name: {{zh: 交警支队, en: Traffic Police}}
    staff_chat_id: {TRAFFIC}
  - slug: parks
    name: {{zh: 园林局, en: Parks Bureau}}
    staff_chat_id: {PARKS}
topics:
  - id: road-closures
    name: {{zh: 道路封闭, en: Road closures}}
    department: traffic
    description: {{zh: 封路和绕行, en: Closures and detours}}
"""
NOON = datetime(2026, 10, 1, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
NIGHT = datetime(2026, 9, 30, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai


async def _app(start_app: StartApp, tmp_path: Path, session_factory: SessionFactory) -> RunningApp:
    path = tmp_path / "departments.yaml"
    path.write_text(DEPARTMENTS, encoding="utf-8")
    app = await start_app(departments_file=path, scheduler_enabled=False)
    async with session_factory() as session:
        depts = {d.slug: d.id for d in (await session.exec(select(Department))).all()}
        for user, slug, role in (
            (HEAD, "traffic", "head"),
            (OTHER_HEAD, "parks", "head"),
            (CLERK, "traffic", "clerk"),
        ):
            session.add(
                StaffMember(
                    telegram_user_id=user,
                    department_id=depts[slug],
                    role=role,
                    display_name=f"staff {user}",
                    language="en",
                )
            )
        await session.commit()
    return app


def _fast(app: RunningApp) -> None:
    sender = app.runtime.sender
    assert sender is not None
    fast = Rate(1000, timedelta(seconds=1))
    sender.limiter = RateLimiter(RateLimits(overall=fast, per_chat=fast, per_group=fast, bulk=fast))


async def _step(app: RunningApp, now: datetime) -> int:
    """One announcements round as the scheduler runs it, as of ``now``."""
    config = app.runtime.desk.holder.config
    ctx = SweepContext(
        now=now,
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


def _buttons(message: dict[str, Any]) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b["callback_data"] for row in rows for b in row]


async def test_subscribe_by_deep_link_announce_from_telegram_receive_once_unsubscribe(
    emu: BotAPIEmulator, start_app: StartApp, session_factory: SessionFactory, tmp_path: Path
) -> None:
    app = await _app(start_app, tmp_path, session_factory)
    _fast(app)
    alice = emu.user(id=7201, first_name="Alice", language_code="en")
    bo = emu.user(id=7202, first_name="波", language_code="zh")
    carol = emu.user(id=7203, first_name="Carol", language_code="en")
    for person in (alice, bo, carol):
        await say(emu, person, "/start sub-road-closures")
        lang = person.language_code or "en"
        confirm = await expect(emu, person, t(lang, "sub-confirm", topic="x", description="")[:4])
        assert _buttons(confirm) == ["sub:yes:road-closures", "sub:no:road-closures"]
        await press(emu, person, confirm, t(lang, "sub-btn-yes"))
        name = "Road closures" if lang == "en" else "道路封闭"
        await expect(emu, person, t(lang, "sub-done", topic=name))

    # Refused: a clerk, and the head of another department (no topic of theirs).
    clerk, other = emu.user(id=CLERK, language_code="en"), emu.user(id=OTHER_HEAD)
    await say(emu, clerk, "/announce")
    await expect(emu, clerk, t("en", "an-refused"))
    await say(emu, other, "/announce")
    await expect(emu, other, t("en", "an-no_topics"))

    # The head: topic, text in both languages, the preview, send.
    head = emu.user(id=HEAD, language_code="en")
    await say(emu, head, "/announce")
    menu = await expect(emu, head, t("en", "an-choose_topic"))
    await press(emu, head, menu, "Road closures")
    await expect(emu, head, t("en", "an-ask_text", topic="Road closures", subscribers=3))
    await say(emu, head, "长安街明天封闭\n---\nChang'an Avenue is closed tomorrow")
    preview_zh = await emu.next_message(head)
    preview_en = await emu.next_message(head)
    assert "长安街明天封闭" in preview_zh["text"] and "Chang'an" in preview_en["text"]
    assert _buttons(preview_en) == ["sub:off:road-closures"]
    controls = await expect(emu, head, t("en", "an-preview"))
    await press(emu, head, controls, t("en", "an-btn-send"))
    queued = await expect(emu, head, "✅ Announcement")
    assert "for 3 subscribers" in queued["text"]

    emu.block(carol)
    assert await _step(app, NOON) == 3
    got_alice = await expect(emu, alice, "📣")
    got_bo = await expect(emu, bo, "📣")
    assert got_alice["text"] == preview_en["text"]  # exactly as the preview showed
    assert got_bo["text"] == preview_zh["text"]
    await emu.wait_until(lambda: len(emu.sent(carol, "sendMessage")) >= 3, what="carol's 403")

    async def report() -> dict[str, Any]:
        for _ in range(100):
            await _step(app, NOON)
            found = [
                c
                for c in emu.sent(head, "sendMessage", ok=True)
                if "subscribers; sent" in c.params["text"]
            ]
            if found:
                return found[0].params
            await asyncio.sleep(0.05)  # the sender records the outcomes after commit
        raise AssertionError("no report")

    done = await report()
    assert "3 subscribers; sent 2, failed 0, blocked the bot or unfollowed 1" in done["text"]
    async with session_factory() as session:
        active = (
            await session.exec(select(Subscription.active).where(col(Subscription.active)))
        ).all()
    assert len(active) == 2  # carol, who blocked the bot, is unsubscribed

    # Unsubscribe with the announcement's button; once each.
    await press(emu, alice, got_alice, t("en", "btn-unsubscribe"))
    await expect(emu, alice, t("en", "sub-undone", topic="Road closures"))
    assert (
        len([c for c in emu.sent(alice, "sendMessage", ok=True) if "📣 Road" in c.params["text"]])
        == 1
    )
    await say(emu, alice, "/mydata")
    data = await expect(emu, alice, "🗂")
    assert "Announcement subscriptions: none" in data["text"]
    await say(emu, bo, "/mydata")
    data = await expect(emu, bo, "🗂")
    assert "订阅的通知：道路封闭" in data["text"]


async def test_quiet_hours_hold_it_until_morning_and_urgent_goes_at_night(
    emu: BotAPIEmulator, start_app: StartApp, session_factory: SessionFactory, tmp_path: Path
) -> None:
    app = await _app(start_app, tmp_path, session_factory)
    _fast(app)
    person = emu.user(id=7301, language_code="en")
    await say(emu, person, "/subscribe")
    listing = await expect(emu, person, "📣")
    assert _buttons(listing) == ["sub:on:road-closures"]
    await press(emu, person, listing, "➕ Road closures")
    await expect(emu, person, "✅ Subscribed")
    topic = app.runtime.desk.holder.config.topics["road-closures"]
    async with session_factory() as session:
        await create_announcement(
            session, topic, text_zh=None, text_en="Night works", now=NIGHT, author="cli"
        )
        await session.commit()
    assert await _step(app, NIGHT) == 0
    assert await _step(app, NIGHT + timedelta(hours=9, minutes=59)) == 0  # 07:59
    async with session_factory() as session:
        await create_announcement(
            session, topic, text_zh=None, text_en="Flood", now=NIGHT, author="cli", urgent=True
        )
        await session.commit()
    assert await _step(app, NIGHT) == 1  # the urgent one, at night
    assert "🚨 URGENT" in (await expect(emu, person, "📣"))["text"]
    assert await _step(app, NIGHT + timedelta(hours=10)) == 1  # 08:00: the other one
    assert "Night works" in (await expect(emu, person, "📣"))["text"]


async def test_a_question_during_a_broadcast_is_answered_before_it_ends(
    emu: BotAPIEmulator, start_app: StartApp, session_factory: SessionFactory, tmp_path: Path
) -> None:
    """60 subscribers at the real 25 messages/s: the broadcast takes over two seconds; a
    citizen who asks once it has begun gets the answer before its last message."""
    app = await _app(start_app, tmp_path, session_factory)
    async with session_factory() as session:
        for i in range(60):
            citizen = await add_citizen(session, 7400 + i, language="en")
            assert citizen.id is not None
            await set_subscription(session, citizen.id, "road-closures", True, now=NOON)
        await session.commit()
    topic = app.runtime.desk.holder.config.topics["road-closures"]
    async with session_factory() as session:
        await create_announcement(
            session, topic, text_zh=None, text_en="Marathon", now=NOON, author="cli"
        )
        await session.commit()
    mark = emu.mark()
    assert await _step(app, NOON) == 60
    await emu.wait_for(lambda c: "Marathon" in str(c.params.get("text")), since=mark)
    asker = emu.user(id=7499, language_code="en")
    await say(emu, asker, "Hello there")
    answer = await emu.wait_for(lambda c: c.chat_id == asker.id and c.ok, since=mark)
    await emu.wait_until(
        lambda: len([c for c in emu.calls if "Marathon" in str(c.params.get("text"))]) >= 60,
        timeout=10,
        what="the whole broadcast",
    )
    last = max(c.at for c in emu.calls if "Marathon" in str(c.params.get("text")))
    first = min(c.at for c in emu.calls if "Marathon" in str(c.params.get("text")))
    assert answer.at < last, (answer.at, first, last)
    assert last - first >= 1.9  # at most 25 per second: 60 take over two seconds


async def test_the_announce_draft_survives_a_restart(
    emu: BotAPIEmulator, start_app: StartApp, session_factory: SessionFactory, tmp_path: Path
) -> None:
    """Topic chosen and text sent, then the service restarts: the preview's buttons still
    work (the draft is in the database's conversation state, not in memory)."""
    app = await _app(start_app, tmp_path, session_factory)
    _fast(app)
    head = emu.user(id=HEAD, language_code="en")
    await say(emu, head, "/announce")
    menu = await expect(emu, head, t("en", "an-choose_topic"))
    await press(emu, head, menu, "Road closures")
    await expect(emu, head, "Topic “Road closures”")
    await say(emu, head, "Detour via Second Ring Road")
    controls = await expect(emu, head, t("en", "an-preview"))
    await app.stop()

    path = tmp_path / "departments.yaml"
    again = await start_app(departments_file=path, scheduler_enabled=False)
    _fast(again)
    await press(emu, head, controls, t("en", "an-btn-schedule"))
    await expect(emu, head, "When should it go out?")
    await say(emu, head, "yesterday")
    await expect(emu, head, "I could not read that time")
    await say(emu, head, "2099-10-01 08:30")
    queued = await expect(emu, head, "✅ Announcement 1 queued for 0 subscribers")
    assert "it goes out at 2099-10-01 08:30" in queued["text"]
    await press(emu, head, controls, t("en", "an-btn-send"))  # the draft is gone now
    stale = await emu.wait_for(
        lambda c: c.method == "answerCallbackQuery" and "no longer open" in str(c.params)
    )
    assert stale.ok


async def test_a_photo_announcement_then_status_and_cancel_from_telegram(
    emu: BotAPIEmulator, start_app: StartApp, session_factory: SessionFactory, tmp_path: Path
) -> None:
    """A head announces a photo with its caption in both languages; subscribers get the same
    photo (the file id reused) with their language's caption and the unsubscribe button. Then
    ``/announce status N``, and ``/announce cancel N`` of a scheduled one; a clerk and another
    department's head cannot look at or cancel it."""
    app = await _app(start_app, tmp_path, session_factory)
    _fast(app)
    async with session_factory() as session:
        for user_id, lang in ((7601, "en"), (7602, "zh")):
            citizen = await add_citizen(session, user_id, language=lang)
            assert citizen.id is not None
            await set_subscription(session, citizen.id, "road-closures", True, now=NOON)
        await session.commit()
    en_reader, zh_reader = emu.user(id=7601, language_code="en"), emu.user(id=7602)
    head = emu.user(id=HEAD, language_code="en")
    await say(emu, head, "/announce")
    menu = await expect(emu, head, t("en", "an-choose_topic"))
    await press(emu, head, menu, "Road closures")
    await expect(emu, head, "Topic “Road closures” (2 subscribers)")
    await (
        await emu.send_photo(head, caption="长安街封闭\n---\nChang'an Avenue closed")
    ).delivered()
    preview_zh = await emu.next_message(head)
    preview_en = await emu.next_message(head)
    assert "长安街封闭" in preview_zh["caption"] and "Chang'an" in preview_en["caption"]
    photo_id = preview_en["photo"][-1]["file_id"]
    controls = await expect(emu, head, t("en", "an-preview"))
    await press(emu, head, controls, t("en", "an-btn-send"))
    await expect(emu, head, "✅ Announcement 1 queued for 2 subscribers")

    assert await _step(app, NOON) == 2
    got_en = await emu.next_message(en_reader)
    got_zh = await emu.next_message(zh_reader)
    assert got_en["caption"] == preview_en["caption"] and got_zh["caption"] == preview_zh["caption"]
    assert got_en["photo"][-1]["file_id"] == photo_id
    assert _buttons(got_en) == ["sub:off:road-closures"]
    (call,) = emu.sent(en_reader, "sendPhoto", ok=True)
    assert call.params["photo"] == emu.sent(head, "sendPhoto", ok=True)[0].params["photo"]

    for _ in range(100):  # the outcomes are recorded after the sends; then it is done
        await _step(app, NOON)
        await say(emu, head, "/announce status 1")
        status = await expect(emu, head, "📣 Announcement 1")
        if ": done." in status["text"]:
            break
        await asyncio.sleep(0.05)
    assert "(“Road closures”): done. 2 subscribers: waiting 0, sent 2, failed 0" in status["text"]

    # A scheduled one, cancelled before it goes out.
    await say(emu, head, "/announce")
    menu = await expect(emu, head, t("en", "an-choose_topic"))
    await press(emu, head, menu, "Road closures")
    await expect(emu, head, "Topic “Road closures”")
    await say(emu, head, "Marathon on Sunday")
    controls = await expect(emu, head, t("en", "an-preview"))
    await press(emu, head, controls, t("en", "an-btn-schedule"))
    await expect(emu, head, "When should it go out?")
    await say(emu, head, "2099-10-01 08:30")
    await expect(emu, head, "✅ Announcement 2 queued for 2 subscribers")

    clerk, other = emu.user(id=CLERK, language_code="en"), emu.user(id=OTHER_HEAD)
    await say(emu, clerk, "/announce cancel 2")
    await expect(emu, clerk, t("en", "an-refused"))
    await say(emu, other, "/announce cancel 2")
    await expect(emu, other, "There is no announcement 2 among the topics")
    await say(emu, head, "/announce stop 2")
    await expect(emu, head, "Usage: /announce")
    await say(emu, head, "/announce cancel 2")
    done = await expect(emu, head, "✖️ Announcement 2 (“Road closures”) is cancelled.")
    assert "0 subscribers had received it; the other 2 will not." in done["text"]
    await say(emu, head, "/announce cancel 2")
    await expect(emu, head, "Announcement 2 cannot be cancelled: it is cancelled.")
    assert await _step(app, datetime(2099, 10, 1, 1, 0, tzinfo=UTC)) == 0  # never goes out
    assert not [
        c
        for c in emu.calls
        if "Marathon on Sunday" in str(c.params.get("text")) and c.chat_id in (7601, 7602)
    ]
    # The latest ones at a glance, newest first; another department's head sees none of them.
    await say(emu, head, "/announce list")
    listing = await expect(emu, head, "📣 Latest announcements")
    lines = listing["text"].splitlines()[1:]
    assert lines[0].startswith("2 · “Road closures” · cancelled · sent 0 of 2 · ")
    assert lines[1].startswith("1 · “Road closures” · done · sent 2 of 2 · ")
    await say(emu, other, "/announce list")
    await expect(emu, other, t("en", "an-list-empty"))
