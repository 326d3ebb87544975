"""Announcements in the domain: subscriptions, chunked resumable delivery through the real
outbox and sender (a recording transport on a fixed clock), priorities, quiet hours, 403s,
the report, status counts, erasure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import col, func, select

from bot.outbox import OutboxSender, PermanentFailure, RateLimits
from handlers.notify import NotifySetup, OutboxNotifier
from tests.support.people import add_citizen
from tickets.announce import (
    AnnounceSetup,
    Refused,
    SendingHours,
    counts,
    create_announcement,
    deliver_step,
    failure_state,
    set_subscription,
    split_texts,
    subscriptions_of,
)
from tickets.clock import FixedClock
from tickets.config.desk import TopicConfig
from tickets.erasure import erase_citizen
from tickets.models import Announcement, AnnouncementDelivery, Citizen, Outbox, Subscription
from tickets.outbox import PRIORITY_BULK, enqueue

SHANGHAI = "Asia/Shanghai"
NOON = datetime(2026, 10, 1, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai
NIGHT = datetime(2026, 10, 1, 14, 0, tzinfo=UTC)  # 22:00 in Shanghai
ROADS = TopicConfig(
    id="road-closures",
    name={"zh": "道路封闭", "en": "Road closures"},
    department="traffic-police",
)
BASE = 800_000


class Recorder:
    """A transport that records every call; ``blocked`` chats answer 403."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.blocked: set[int] = set()
        self.errors: dict[int, str] = {}  # chat -> a permanent failure's message

    async def call(self, method: str, payload: dict[str, Any]) -> Any:
        if payload.get("chat_id") in self.blocked:
            raise PermanentFailure("403: Forbidden: bot was blocked by the user")
        if payload.get("chat_id") in self.errors:
            raise PermanentFailure(self.errors[payload["chat_id"]])
        self.calls.append((method, payload))
        return {"message_id": len(self.calls), "chat": {"id": payload["chat_id"]}}

    def to(self, chat_id: int) -> list[dict[str, Any]]:
        return [p for _, p in self.calls if p.get("chat_id") == chat_id]


def _setup(chunk: int = 3, window: int | None = None) -> AnnounceSetup:
    return AnnounceSetup(
        topics={ROADS.id: ROADS},
        hours=SendingHours.of("08:00-21:00", SHANGHAI),
        chunk=chunk,
        window=window,
    )


def _notifier(session: Any) -> OutboxNotifier:
    return OutboxNotifier(session, NotifySetup.of(None, SHANGHAI))


async def _subscribers(session_factory: Any, n: int, **fields: Any) -> list[int]:
    ids = []
    async with session_factory() as session:
        for i in range(n):
            citizen = await add_citizen(session, BASE + i, **fields)
            assert citizen.id is not None
            await set_subscription(session, citizen.id, ROADS.id, True, now=NOON)
            ids.append(citizen.id)
        await session.commit()
    return ids


async def _announce(session_factory: Any, **kw: Any) -> int:
    async with session_factory() as session:
        row = await create_announcement(
            session,
            ROADS,
            text_zh=kw.pop("zh", "明天长安街封闭"),
            text_en=kw.pop("en", "Chang'an Avenue closed tomorrow"),
            now=kw.pop("now", NOON),
            author="telegram:42",
            author_chat_id=42,
            author_lang="en",
            **kw,
        )
        await session.commit()
        assert row.id is not None
        return row.id


async def _drain(session_factory: Any, setup: AnnounceSetup, now: datetime) -> int:
    total = 0
    for _ in range(1000):
        async with session_factory() as session:
            queued, done = await deliver_step(session, setup, _notifier(session), now=now)
            await session.commit()
        total += queued
        if not queued and not done:
            return total
    raise AssertionError("deliver_step never settled")


async def _send_all(sender: OutboxSender, clock: FixedClock) -> None:
    for _ in range(500):
        handled = await sender.run_once()
        if not handled and sender.last_round.deferred == 0 and not sender.last_round.claimed:
            return
        clock.advance(timedelta(seconds=1))


def _sender(session_factory: Any, transport: Recorder, clock: FixedClock) -> OutboxSender:
    return OutboxSender(session_factory, transport, clock=clock, limits=RateLimits())


async def test_everyone_once_in_their_language_with_an_unsubscribe_button_and_a_report(
    session_factory: Any,
) -> None:
    ids = await _subscribers(session_factory, 7)
    async with session_factory() as session:
        english = await session.get(Citizen, ids[0])
        assert english is not None
        english.language = "en"
        session.add(english)
        await session.commit()
    aid = await _announce(session_factory)
    assert await _drain(session_factory, _setup(chunk=3), NOON) == 7
    clock, transport = FixedClock(NOON), Recorder()
    await _send_all(_sender(session_factory, transport, clock), clock)
    for i in range(7):
        got = transport.to(BASE + i)
        assert len(got) == 1, (i, got)
        assert got[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == (
            "sub:off:road-closures"
        )
    assert "Chang'an Avenue closed" in transport.to(BASE)[0]["text"]
    assert "长安街封闭" in transport.to(BASE + 1)[0]["text"]
    # Every delivery has an outcome: the next step finishes it and reports to the author.
    await _drain(session_factory, _setup(), NOON)
    await _send_all(_sender(session_factory, transport, clock), clock)
    report = transport.to(42)
    assert len(report) == 1 and "7 subscribers; sent 7, failed 0" in report[0]["text"]
    async with session_factory() as session:
        from tickets.models import Announcement

        row = await session.get(Announcement, aid)
        assert row is not None and row.status == "done"
        assert (await counts(session, row)).line() == "queued 0 sent 7 failed 0 blocked 0"


async def test_a_crash_mid_chunk_resumes_without_duplicates(session_factory: Any) -> None:
    await _subscribers(session_factory, 5)
    await _announce(session_factory)
    setup = _setup(chunk=2)

    class Boom(Exception):
        pass

    class Crashing(OutboxNotifier):
        calls = 0

        async def publish(self, event: Any) -> Any:
            Crashing.calls += 1
            if Crashing.calls == 2:  # inside the second chunk, after one of its rows
                raise Boom
            return await super().publish(event)

    async with session_factory() as session:
        await deliver_step(session, setup, _notifier(session), now=NOON)
        await session.commit()
    with pytest.raises(Boom):
        async with session_factory() as session:
            n = Crashing(session, NotifySetup.of(None, SHANGHAI))
            await deliver_step(session, setup, n, now=NOON)
            await deliver_step(session, setup, n, now=NOON)
            await session.commit()
    await _drain(session_factory, setup, NOON)
    async with session_factory() as session:
        rows = (
            await session.exec(select(Outbox.chat_id).where(Outbox.priority == PRIORITY_BULK))
        ).all()
        deliveries = (
            await session.exec(select(func.count()).select_from(AnnouncementDelivery))
        ).one()
    assert sorted(rows) == [BASE + i for i in range(5)]
    assert deliveries == 5


async def test_replies_go_before_a_broadcast_and_bulk_keeps_to_its_share(
    session_factory: Any,
) -> None:
    await _subscribers(session_factory, 60)
    await _announce(session_factory)
    await _drain(session_factory, _setup(chunk=100), NOON)
    async with session_factory() as session:  # a reply queued after the whole broadcast
        await enqueue(session, BASE + 59, "sendMessage", {"text": "your answer"}, now=NOON)
        await session.commit()
    clock, transport = FixedClock(NOON), Recorder()
    sender = _sender(session_factory, transport, clock)
    await sender.run_once()
    first = transport.calls[0][1]
    assert first["text"] == "your answer"  # first of the round, although its chat had a bulk row
    assert len(transport.calls) == 1 + 25  # 25/s for the broadcast, room left for replies


async def test_quiet_hours_hold_a_non_urgent_one_until_morning(session_factory: Any) -> None:
    await _subscribers(session_factory, 2)
    await _announce(session_factory, now=NIGHT)
    setup = _setup()
    assert await _drain(session_factory, setup, NIGHT) == 0
    assert await _drain(session_factory, setup, NIGHT + timedelta(hours=9)) == 0  # 07:00
    morning = NIGHT + timedelta(hours=10)  # 08:00 local
    assert setup.hours.next_open(NIGHT) == morning
    assert await _drain(session_factory, setup, morning) == 2


async def test_urgent_goes_out_at_night(session_factory: Any) -> None:
    await _subscribers(session_factory, 2)
    await _announce(session_factory, now=NIGHT, urgent=True)
    assert await _drain(session_factory, _setup(), NIGHT) == 2


async def test_a_scheduled_one_waits_for_its_time(session_factory: Any) -> None:
    await _subscribers(session_factory, 1)
    await _announce(session_factory, not_before=NOON + timedelta(hours=1))
    assert await _drain(session_factory, _setup(), NOON) == 0
    assert await _drain(session_factory, _setup(), NOON + timedelta(hours=1)) == 1


async def test_blocked_bot_deactivates_the_subscription_and_counts_blocked(
    session_factory: Any,
) -> None:
    ids = await _subscribers(session_factory, 3)
    aid = await _announce(session_factory)
    await _drain(session_factory, _setup(), NOON)
    clock, transport = FixedClock(NOON), Recorder()
    transport.blocked.add(BASE + 1)
    await _send_all(_sender(session_factory, transport, clock), clock)
    await _drain(session_factory, _setup(), NOON)
    async with session_factory() as session:
        from tickets.models import Announcement

        row = await session.get(Announcement, aid)
        assert row is not None
        assert (await counts(session, row)).line() == "queued 0 sent 2 failed 0 blocked 1"
        assert await subscriptions_of(session, ids[1]) == []
        assert await subscriptions_of(session, ids[0]) == ["road-closures"]


async def test_window_bounds_what_is_queued_unsent(session_factory: Any) -> None:
    await _subscribers(session_factory, 10)
    await _announce(session_factory)
    assert await _drain(session_factory, _setup(chunk=3, window=4), NOON) == 4


async def test_erasure_removes_subscriptions_and_deliveries(session_factory: Any) -> None:
    ids = await _subscribers(session_factory, 2)
    await _announce(session_factory)
    await _drain(session_factory, _setup(), NOON)
    async with session_factory() as session:
        citizen = await session.get(Citizen, ids[0])
        assert citizen is not None
        await erase_citizen(session, citizen, now=NOON)
        await session.commit()
    async with session_factory() as session:
        for table in (Subscription, AnnouncementDelivery):
            left = (
                await session.exec(
                    select(func.count()).select_from(table).where(col(table.citizen_id) == ids[0])
                )
            ).one()
            assert left == 0, table
        assert (await session.exec(select(func.count()).select_from(Subscription))).one() == 1


async def test_texts_and_refusals() -> None:
    assert split_texts("明天封路") == ("明天封路", None)
    assert split_texts("Road closed") == (None, "Road closed")
    assert split_texts("封路\n---\nRoad closed") == ("封路", "Road closed")
    hours = SendingHours.of("08:00-21:00", SHANGHAI)
    assert hours.is_open(NOON) and not hours.is_open(NIGHT)


async def test_empty_or_too_long_is_refused(session_factory: Any) -> None:
    async with session_factory() as session:
        with pytest.raises(Refused) as empty:
            await create_announcement(
                session, ROADS, text_zh=" ", text_en=None, now=NOON, author="cli"
            )
        assert empty.value.reason == "announce-err-empty"
        with pytest.raises(Refused) as long:
            await create_announcement(
                session, ROADS, text_zh="字" * 1100, text_en=None, now=NOON, author="cli", photo="P"
            )
        assert long.value.params == {"limit": 1024, "length": 1100}


async def test_rows_queued_before_the_hours_end_wait_for_the_morning(
    session_factory: Any,
) -> None:
    """Queued at 20:59 and not sent by 21:00 (a long broadcast): the rest waits until 08:00."""
    await _subscribers(session_factory, 6)
    aid = await _announce(session_factory, now=NOON)
    late = NIGHT - timedelta(minutes=61)  # 20:59 local
    assert await _drain(session_factory, _setup(chunk=10), late) == 6
    closing = NIGHT - timedelta(minutes=59)  # 21:01: the step holds what is still unsent
    assert await _drain(session_factory, _setup(chunk=10), closing) == 0
    clock, transport = FixedClock(closing), Recorder()
    sender = _sender(session_factory, transport, clock)
    await sender.run_once()
    assert transport.calls == []  # nothing at night
    morning = NIGHT + timedelta(hours=10)  # 08:00
    async with session_factory() as session:
        due = (await session.exec(select(Outbox.next_attempt_at))).all()
    assert set(due) == {morning}
    clock.set(morning)
    await _send_all(sender, clock)
    assert sorted(p["chat_id"] for _, p in transport.calls) == [BASE + i for i in range(6)]
    await _drain(session_factory, _setup(), morning)
    async with session_factory() as session:
        row = await session.get(Announcement, aid)
        assert row is not None and row.status == "done"


async def test_urgent_rows_are_not_held_at_night(session_factory: Any) -> None:
    await _subscribers(session_factory, 2)
    await _announce(session_factory, now=NIGHT, urgent=True)
    assert await _drain(session_factory, _setup(), NIGHT) == 2
    await _drain(session_factory, _setup(), NIGHT + timedelta(minutes=5))
    async with session_factory() as session:
        due = (await session.exec(select(Outbox.next_attempt_at))).all()
    assert set(due) == {NIGHT}


async def test_a_removed_topic_cancels_what_is_unsent_and_tells_the_author(
    session_factory: Any,
) -> None:
    await _subscribers(session_factory, 5)
    aid = await _announce(session_factory)
    async with session_factory() as session:  # one chunk of 2 queued
        await deliver_step(session, _setup(chunk=2), _notifier(session), now=NOON)
        await session.commit()
    gone = AnnounceSetup(topics={}, hours=_setup().hours)
    async with session_factory() as session:
        assert await deliver_step(session, gone, _notifier(session), now=NOON) == (0, 1)
        await session.commit()
    assert await _drain(session_factory, gone, NOON) == 0
    async with session_factory() as session:
        row = await session.get(Announcement, aid)
        assert row is not None and row.status == "cancelled"
        rows = (await session.exec(select(Outbox))).all()
        states = (await session.exec(select(AnnouncementDelivery.state))).all()
        c = await counts(session, row)
    assert [r.chat_id for r in rows] == [42]  # the two unsent deliveries' rows are gone
    assert "is cancelled: its topic was removed" in rows[0].payload["text"]
    assert "0 subscribers had received it; the other 5 will not" in rows[0].payload["text"]
    assert sorted(states) == ["dropped", "dropped"]
    assert c.line() == "queued 0 sent 0 failed 0 blocked 0" and c.dropped == 2


async def test_out_of_reach_and_unfollowed_are_told_apart_from_failures(
    session_factory: Any,
) -> None:
    """WeChat's refusals as the sender records them: outside the 48-hour window the follower
    is out of reach (subscription kept), an unfollow is like a block (subscription off)."""
    assert failure_state("403: Forbidden: bot was blocked by the user") == "blocked"
    assert failure_state("unsubscribed: the follower unfollowed the account") == "blocked"
    assert failure_state("window: more than 48 hours since the follower's last message") == (
        "unreachable"
    )
    assert failure_state("failed: WeChat 40003 invalid openid") == "failed"
    ids = await _subscribers(session_factory, 4)
    aid = await _announce(session_factory)
    await _drain(session_factory, _setup(), NOON)
    clock, transport = FixedClock(NOON), Recorder()
    transport.errors[BASE + 1] = "window: more than 48 hours since the follower's last message"
    transport.errors[BASE + 2] = "unsubscribed: the follower unfollowed the account"
    transport.errors[BASE + 3] = "failed: 400 Bad Request: chat not found"
    await _send_all(_sender(session_factory, transport, clock), clock)
    await _drain(session_factory, _setup(), NOON)
    await _send_all(_sender(session_factory, transport, clock), clock)
    async with session_factory() as session:
        row = await session.get(Announcement, aid)
        assert row is not None and row.status == "done"
        c = await counts(session, row)
        assert (c.sent, c.failed, c.blocked, c.unreachable) == (1, 1, 1, 1)
        assert c.line() == "queued 0 sent 1 failed 2 blocked 1"  # the stable line
        assert await subscriptions_of(session, ids[1]) == ["road-closures"]
        assert await subscriptions_of(session, ids[2]) == []
    report = transport.to(42)[0]["text"]
    assert "sent 1, failed 1, blocked the bot or unfollowed 1" in report
    assert "out of reach for now 1" in report


async def test_at_night_the_report_of_a_finished_one_goes_but_the_rest_waits(
    session_factory: Any,
) -> None:
    """Two chunks: the first is queued and sent before 21:00; at night its report does not go
    (the second chunk is still to come), in the morning the rest goes, then the report."""
    await _subscribers(session_factory, 4)
    aid = await _announce(session_factory)
    late = NIGHT - timedelta(minutes=61)  # 20:59
    async with session_factory() as session:
        await deliver_step(session, _setup(chunk=2), _notifier(session), now=late)
        await session.commit()
    clock, transport = FixedClock(late), Recorder()
    await _send_all(_sender(session_factory, transport, clock), clock)
    assert len(transport.calls) == 2
    assert await _drain(session_factory, _setup(chunk=2), NIGHT) == 0
    async with session_factory() as session:
        row = await session.get(Announcement, aid)
        assert row is not None and row.status == "sending"  # not done: two still to come
    morning = NIGHT + timedelta(hours=10)
    assert await _drain(session_factory, _setup(chunk=2), morning) == 2
    clock.set(morning)
    await _send_all(_sender(session_factory, transport, clock), clock)
    await _drain(session_factory, _setup(chunk=2), morning)
    await _send_all(_sender(session_factory, transport, clock), clock)
    assert "4 subscribers; sent 4" in transport.to(42)[0]["text"]


async def test_at_night_an_announcement_whose_deliveries_all_settled_reports_at_once(
    session_factory: Any,
) -> None:
    await _subscribers(session_factory, 2)
    aid = await _announce(session_factory)
    late = NIGHT - timedelta(minutes=61)
    assert await _drain(session_factory, _setup(chunk=10), late) == 2
    clock, transport = FixedClock(late), Recorder()
    await _send_all(_sender(session_factory, transport, clock), clock)
    await _drain(session_factory, _setup(chunk=10), NIGHT)  # 22:00: done, the report queued
    async with session_factory() as session:
        row = await session.get(Announcement, aid)
        assert row is not None and row.status == "done"
