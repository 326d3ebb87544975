"""An announcement to 100,000 subscribers: time to queue, memory, total send time at the rate
limit, and how long citizens' answers wait meanwhile.

    .venv/bin/python bench/announce_bench.py                  # 100,000 subscribers, SQLite
    .venv/bin/python bench/announce_bench.py --subscribers 10000 --backend postgres

A fresh migrated database (a temporary SQLite file, or a temporary PostgreSQL database on
TEST_POSTGRES_URL) gets the subscribers (citizens with a Telegram identity and a subscription,
bulk-inserted). Then, printed:

* **queue**: the announcements step as the scheduler runs it (``deliver_step`` in chunks of
  ``--chunk``, one transaction each, committed), with no window, so the whole broadcast ends up
  in the outbox: wall time, rows/s, and the process's peak RSS growth (``ru_maxrss``) while
  queueing; chunked, the memory does not grow with the subscriber count.
* **send**: the real :class:`bot.outbox.OutboxSender` (claims, rate limiter, outcome records,
  the ``ann:`` ref handler of every delivery) on a **simulated clock** with an instant
  transport: the simulated time is what the limiter allows (25 messages/s for bulk, Telegram's
  30/s overall), the wall time is what the database work costs (it must stay below the
  simulated time, or the database, not Telegram, would be the limit).
* **answers**: meanwhile a citizen's answer (a priority-0 reply) is queued every
  ``--reply-every`` simulated seconds, some to chats that still have the announcement pending;
  their wait from queueing to sent, in simulated seconds (p50, p99, max). The FAQ/handler time
  of an answer is not part of it (bench/webhook_bench.py measures that): this is the time the
  outbox keeps an answer waiting behind the broadcast.

On PostgreSQL the bench runs ``ANALYZE outbox`` at each announcement step, as autovacuum does
on a live server (``--no-analyze`` leaves the statistics stale). Before migration 0020 the
sender's claim was planned badly on stale statistics (measured at 4,000 subscribers: a round
took 372 ms instead of 67 ms); the partial indexes over the undelivered rows
(``ix_outbox_undelivered_*``) keep it at 65 ms either way.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from bot.db import create_engine, create_session_factory
from bot.migrate import upgrade
from bot.outbox import OutboxSender
from handlers.notify import NotifySetup, OutboxNotifier
from tickets.announce import AnnounceSetup, SendingHours, create_announcement, deliver_step
from tickets.clock import FixedClock
from tickets.config.desk import TopicConfig
from tickets.models import Citizen, CitizenIdentity, Outbox, Subscription
from tickets.outbox import enqueue

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 10, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai: inside the hours
TOPIC = TopicConfig(
    id="road-closures", name={"zh": "道路封闭", "en": "Road closures"}, department="x"
)
BASE = 10_000_000


class Instant:
    async def call(self, method: str, payload: dict[str, Any]) -> Any:
        return {"message_id": 1, "chat": {"id": payload["chat_id"]}}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _seed(factory: Any, n: int) -> None:
    batch = 10_000
    async with factory() as session:
        for start in range(0, n, batch):
            ids = range(start, min(n, start + batch))
            await session.exec(  # type: ignore[call-overload]
                insert(Citizen),
                params=[
                    {
                        "id": i + 1,
                        "language": "en" if i % 3 == 0 else None,
                        "created_at": NOW,
                        "last_seen_at": NOW,
                    }
                    for i in ids
                ],
            )
            await session.exec(  # type: ignore[call-overload]
                insert(CitizenIdentity),
                params=[
                    {
                        "citizen_id": i + 1,
                        "channel": "telegram",
                        "external_id": str(BASE + i),
                        "address": str(BASE + i),
                        "created_at": NOW,
                        "last_seen_at": NOW,
                    }
                    for i in ids
                ],
            )
            await session.exec(  # type: ignore[call-overload]
                insert(Subscription),
                params=[
                    {
                        "citizen_id": i + 1,
                        "topic": TOPIC.id,
                        "active": True,
                        "lang": "zh",
                        "created_at": NOW,
                        "updated_at": NOW,
                    }
                    for i in ids
                ],
            )
        if session.get_bind().dialect.name == "postgresql":
            await session.exec(text("SELECT setval('citizen_id_seq', :n)"), params={"n": n})  # type: ignore[call-overload]
        await session.commit()


async def run(
    url: str,
    n: int,
    chunk: int,
    reply_every: float,
    window: int,
    interval: float,
    analyze: bool = True,
) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    factory = create_session_factory(engine)
    t0 = time.perf_counter()
    await _seed(factory, n)
    print(f"seeded {n:,} subscribers in {time.perf_counter() - t0:.1f} s")

    async with factory() as session:
        await create_announcement(
            session, TOPIC, text_zh="国庆长安街封闭", text_en="Chang'an closed", now=NOW, author="b"
        )
        await session.commit()
    setup = AnnounceSetup(
        topics={TOPIC.id: TOPIC},
        hours=SendingHours.of("08:00-21:00", "Asia/Shanghai"),
        chunk=chunk,
        window=None,
    )
    rss0 = _rss_mb()
    t0 = time.perf_counter()
    queued = 0
    while True:
        async with factory() as session:
            notifier = OutboxNotifier(session, NotifySetup.of(None, "Asia/Shanghai"))
            q, _ = await deliver_step(session, setup, notifier, now=NOW)
            await session.commit()
        queued += q
        if not q:
            break
    took = time.perf_counter() - t0
    print(
        f"queue:   {queued:,} deliveries in {took:.1f} s ({queued / took:,.0f}/s, chunks of "
        f"{chunk}); peak RSS +{_rss_mb() - rss0:.0f} MB (now {_rss_mb():.0f} MB)"
    )

    # The send: a second announcement as the service runs it, its step every ``interval``
    # simulated seconds with the production window (at most ``window`` queued unsent), the
    # first one's rows out of the way (only its queueing was measured).
    async with factory() as session:
        await session.exec(text("DELETE FROM outbox"))  # type: ignore[call-overload]
        await session.exec(text("UPDATE announcement SET status = 'done'"))  # type: ignore[call-overload]
        await create_announcement(
            session, TOPIC, text_zh="国庆长安街封闭", text_en="Chang'an closed", now=NOW, author="b"
        )
        await session.commit()
    setup = AnnounceSetup(
        topics={TOPIC.id: TOPIC},
        hours=SendingHours.of("08:00-21:00", "Asia/Shanghai"),
        chunk=chunk,
        window=window,
    )
    clock = FixedClock(NOW)
    next_step = NOW
    analyze = analyze and factory.kw["bind"].dialect.name == "postgresql"
    waits: list[float] = []
    waiting: dict[int, datetime] = {}
    bulk_sent = 0

    def on_result(row: Outbox, kind: str) -> None:
        nonlocal bulk_sent
        if kind != "sent":
            return
        if row.priority > 0:
            bulk_sent += 1
        elif row.chat_id in waiting:
            waits.append((clock.now() - waiting.pop(row.chat_id)).total_seconds())

    sender = OutboxSender(factory, Instant(), clock=clock, on_result=on_result, batch_size=50)
    next_reply = NOW
    reply_chat = 0
    t0 = time.perf_counter()
    rounds = 0
    round_walls: list[float] = []
    while bulk_sent < queued:
        if clock.now() >= next_step:
            while True:
                async with factory() as session:
                    notifier = OutboxNotifier(session, NotifySetup.of(None, "Asia/Shanghai"))
                    q, _ = await deliver_step(session, setup, notifier, now=clock.now())
                    await session.commit()
                if not q:
                    break
            next_step += timedelta(seconds=interval)
            if analyze:  # what autovacuum does on a live server: the claim's plan needs it
                async with factory() as session:
                    await session.exec(text("ANALYZE outbox"))  # type: ignore[call-overload]
                    await session.commit()
        if clock.now() >= next_reply:
            chat = BASE + (reply_chat * 7919) % n  # spread over the subscribers' chats
            reply_chat += 1
            async with factory() as session:
                await enqueue(session, chat, "sendMessage", {"text": "answer"}, now=clock.now())
                await session.commit()
            waiting[chat] = clock.now()
            next_reply += timedelta(seconds=reply_every)
        r0 = time.perf_counter()
        await sender.run_once()
        round_walls.append(time.perf_counter() - r0)
        rounds += 1
        due = sender.last_round.next_due
        step = timedelta(seconds=1)  # a round sends what the limiter allows, then time passes
        if due is not None and due > clock.now():
            step = min(step, due - clock.now())
        if next_reply > clock.now():
            step = min(step, next_reply - clock.now())
        if next_step > clock.now():
            step = min(step, next_step - clock.now())
        clock.advance(max(step, timedelta(milliseconds=1)))
    wall = time.perf_counter() - t0
    simulated = (clock.now() - NOW).total_seconds()
    print(
        f"send:    {bulk_sent:,} (window {window:,}, a step every {interval:g} s) in "
        f"{simulated:,.0f} simulated s at the limiter's rate "
        f"({bulk_sent / simulated:.1f} msg/s; real Telegram time), wall {wall:,.0f} s "
        f"({bulk_sent / wall:,.0f} rows/s of database work, {rounds:,} rounds)"
    )
    if waits:
        waits.sort()
        p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))]
        print(
            f"answers: {len(waits):,} answers queued during it waited p50 "
            f"{statistics.median(waits):.2f} s, p99 {p99:.2f} s, max {waits[-1]:.2f} s "
            "(simulated time in the outbox, the broadcast notwithstanding)"
        )
    round_walls.sort()
    print(
        f"rounds:  wall time of one sender round p50 {statistics.median(round_walls) * 1000:.0f} "
        f"ms, p99 {round_walls[int(len(round_walls) * 0.99)] * 1000:.0f} ms: an answer queued "
        "mid-round waits at most one round (it is claimed before any announcement)"
    )
    async with factory() as session:
        left = (
            await session.exec(
                select(func.count()).select_from(Outbox).where(Outbox.status != "sent")
            )
        ).one()  # type: ignore[call-overload]
    print(f"left undelivered: {left[0] if isinstance(left, tuple) else left}")
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--reply-every", type=float, default=1.0, help="simulated seconds")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--window", type=int, default=3000, help="ANNOUNCE_WINDOW")
    parser.add_argument("--interval", type=float, default=5.0, help="ANNOUNCE_INTERVAL")
    parser.add_argument(
        "--no-analyze", action="store_true", help="PostgreSQL: leave the statistics stale"
    )
    args = parser.parse_args()
    if args.backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
            print(f"SQLite, {args.subscribers:,} subscribers")
            await run(
                url, args.subscribers, args.chunk, args.reply_every, args.window, args.interval
            )
        return
    from asyncpg import connect

    name = f"announce_bench_{uuid.uuid4().hex[:8]}"
    base = make_url(PG_URL)
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    try:
        print(f"PostgreSQL, {args.subscribers:,} subscribers")
        await run(
            base.set(database=name).render_as_string(hide_password=False),
            args.subscribers,
            args.chunk,
            args.reply_every,
            args.window,
            args.interval,
            analyze=not args.no_analyze,
        )
    finally:
        conn = await connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
