"""Outbox throughput through real HTTP: OutboxSender -> AiogramTransport -> Bot API emulator.

Run: ``.venv/bin/python bench/outbox_bench.py [--db URL] [--n 300] [--chats 150] [--groups 3]``

Two runs on a fresh database (a temporary SQLite file unless ``--db`` is given; a PostgreSQL
database must be migrated and is emptied of outbox rows first):

1. ``limited``: Telegram's limits, emulator enforcing them too (it answers 429 when broken).
   Prints msgs/s and the worst counts seen in any 1-s window overall, per private chat per 1 s,
   and per group chat per 60 s, and how many 429s the emulator had to give.
2. ``unlimited``: limits lifted, to show the sender's own overhead (claim, HTTP, record).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete

from bot.config import Settings
from bot.db import create_engine, create_session_factory, is_sqlite
from bot.migrate import upgrade
from bot.outbox import OutboxSender, Rate, RateLimits
from bot.telegram import AiogramTransport, create_bot
from tests.emulator import BotAPIEmulator, make_token
from tickets.models import Outbox
from tickets.outbox import backlog, enqueue

UNLIMITED = RateLimits(
    Rate(1_000_000, timedelta(seconds=1)),
    Rate(1_000_000, timedelta(seconds=1)),
    Rate(1_000_000, timedelta(seconds=1)),
)


def _max_window(times: list[float], seconds: float) -> int:
    times = sorted(times)
    best = j = 0
    for i, t in enumerate(times):
        while times[j] <= t - seconds:
            j += 1
        best = max(best, i - j + 1)
    return best


async def _run(url: str, label: str, n: int, chats: int, groups: int, limited: bool) -> None:
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    async with sessions() as session:
        await session.exec(delete(Outbox))  # type: ignore[call-overload]
        await session.commit()
    token = make_token()
    async with BotAPIEmulator() as emu:
        emu.add_bot(token)
        emu.enforce_limits = limited
        bot = create_bot(Settings(bot_token=token, telegram_api_url=emu.base_url))
        group_ids = [-1001000000000 - g for g in range(groups)]
        targets = [700_000_000 + c for c in range(chats)] + group_ids
        t0 = time.perf_counter()
        async with sessions() as session:
            for i in range(n):
                chat = targets[i % len(targets)]
                await enqueue(session, chat, "sendMessage", {"text": f"message {i}"})
            await session.commit()
        queued = time.perf_counter() - t0

        sender = OutboxSender(
            sessions, AiogramTransport(bot), limits=None if limited else UNLIMITED, batch_size=50
        )
        t0 = time.perf_counter()
        await sender.start()
        while True:
            async with sessions() as session:
                left = await backlog(session)
            if left == 0:
                break
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - t0
        await sender.stop()
        await bot.session.close()

        ok = [c for c in emu.calls if c.method == "sendMessage" and c.ok]
        refused = [c for c in emu.calls if c.status == 429]
        by_chat: dict[int | str, list[float]] = defaultdict(list)
        for c in ok:
            assert c.chat_id is not None
            by_chat[c.chat_id].append(c.at)
        private = max((_max_window(t, 1.0) for k, t in by_chat.items() if int(k) > 0), default=0)
        group = max((_max_window(t, 60.0) for k, t in by_chat.items() if int(k) < 0), default=0)
        print(
            f"{label:<10} {len(ok):>5} sent in {elapsed:6.2f} s = {len(ok) / elapsed:7.1f} msgs/s"
            f" | queue {n} rows {queued * 1e3:6.0f} ms"
            f" | max/1s overall {_max_window([c.at for c in ok], 1.0):>3}"
            f" | max/1s per chat {private} | max/60s per group {group}"
            f" | emulator 429s {len(refused)}"
        )
    await engine.dispose()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--chats", type=int, default=150, help="private chats")
    parser.add_argument("--groups", type=int, default=3, help="group chats (keep n/targets < 20)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite+aiosqlite:///{tmp}/bench.db"
        engine = create_engine(url)
        await upgrade(engine)
        await engine.dispose()
        print(f"database: {'SQLite' if is_sqlite(url) else 'PostgreSQL'}")
        await _run(url, "limited", args.n, args.chats, args.groups, limited=True)
        await _run(url, "unlimited", args.n * 4, args.chats, 0, limited=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
