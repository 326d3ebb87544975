"""Time one deadline sweep over 10^4, 10^5 and 10^6 tickets (10 % overdue), SQLite and PostgreSQL.

    .venv/bin/python bench/sweep_bench.py            # 10^4, 10^5, 10^6
    .venv/bin/python bench/sweep_bench.py --quick    # 10^4, 10^5
    .venv/bin/python bench/sweep_bench.py --backends sqlite

Each size gets a fresh, migrated database (PostgreSQL: a temporary database on
TEST_POSTGRES_URL, default the local server; SQLite: a temporary file) with the indexes of
migration 0003. Tickets are bulk-inserted (COPY on PostgreSQL, Core executemany on SQLite) as
the planner leaves them: ``next_reminder_at`` set, 10 % of them overdue (next check in the
past) and 90 % due later. Printed per run:

* ``nag round``: the round that nags the overdue 10 % (alerts, events, batched messages);
* ``idle round``: the next round, with nothing due (the every-minute steady state);
* throughput of the nag round in tickets/s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import make_url

from bot.db import create_engine, create_session_factory
from bot.migrate import upgrade
from handlers.notify import notifier_factory
from tickets.models import Department, Outbox, Ticket, TicketAlert
from tickets.sweeps import SweepContext, SweepPolicy, run_round
from tickets.worktime.calendar import WorkCalendar

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
NOW = datetime(2026, 3, 4, 2, 0, tzinfo=UTC)  # Wednesday 10:00 in Shanghai
DEPARTMENTS = 20
COLUMNS = (
    "number",
    "department_id",
    "status",
    "demand_type",
    "urgent",
    "text",
    "details",
    "created_at",
    "updated_at",
    "response_due_at",
    "resolution_due_at",
    "next_reminder_at",
    "escalation_level",
    "version",
)


def rows(n: int):
    rnd = random.Random(n)
    for i in range(n):
        overdue = i % 10 == 0
        created = NOW - timedelta(hours=rnd.randint(30, 60) if overdue else rnd.randint(0, 2))
        due = NOW - timedelta(minutes=rnd.randint(1, 600)) if overdue else NOW + timedelta(days=2)
        yield (
            f"B-{i:09d}",
            1 + i % DEPARTMENTS,
            "new" if i % 3 else "in_progress",
            "help",
            False,
            "bench",
            "{}",
            created,
            created,
            due,
            due + timedelta(days=5),
            due if overdue else due - timedelta(hours=1),
            0,
            1,
        )


async def seed(url: str, n: int) -> float:
    engine = create_engine(url)
    t0 = time.perf_counter()
    try:
        await upgrade(engine)
        async with engine.begin() as conn:
            await conn.execute(
                insert(Department),
                [
                    {
                        "slug": f"d{i}",
                        "name_zh": f"部门{i}",
                        "name_en": f"Dept {i}",
                        "staff_chat_id": -1000 - i,
                        "active": True,
                        "settings": {},
                        "updated_at": NOW,
                    }
                    for i in range(1, DEPARTMENTS + 1)
                ],
            )
        if engine.dialect.name == "postgresql":
            async with engine.connect() as conn:
                raw = await conn.get_raw_connection()
                records = [(*r[:6], r[6], *r[7:]) for r in rows(n)]
                await raw.driver_connection.copy_records_to_table(  # type: ignore[union-attr]
                    "ticket", records=records, columns=list(COLUMNS)
                )
                await conn.execute(text("ANALYZE ticket"))
                await conn.commit()
        else:
            table = Ticket.__table__  # type: ignore[attr-defined]
            batch: list[dict] = []
            async with engine.begin() as conn:
                for r in rows(n):
                    d = dict(zip(COLUMNS, r, strict=True))
                    d["details"] = {}
                    batch.append(d)
                    if len(batch) == 20_000:
                        await conn.execute(insert(table), batch)
                        batch = []
                if batch:
                    await conn.execute(insert(table), batch)
                await conn.execute(text("ANALYZE"))
    finally:
        await engine.dispose()
    return time.perf_counter() - t0


async def measure(url: str, n: int) -> tuple[float, float, int, int]:
    engine = create_engine(url)
    try:
        factory = create_session_factory(engine)
        calendar = WorkCalendar(tz="Asia/Shanghai")
        notifiers = notifier_factory(None, calendar.tz)
        ctx = SweepContext(now=NOW, policy=SweepPolicy(), calendar=calendar, notifiers=notifiers)
        t0 = time.perf_counter()
        report = await run_round(factory, ctx, only=("deadlines",))
        nag = time.perf_counter() - t0
        assert not report.errors, report.errors
        t0 = time.perf_counter()
        idle_report = await run_round(factory, ctx, only=("deadlines",))
        idle = time.perf_counter() - t0
        assert sum(r.count for r in idle_report.results) == 0
        async with factory() as s:
            alerts = (await s.exec(select(func.count()).select_from(TicketAlert))).scalar_one()
            messages = (await s.exec(select(func.count()).select_from(Outbox))).scalar_one()
        assert alerts == n // 10, (alerts, n)
        return nag, idle, alerts, messages
    finally:
        await engine.dispose()


async def pg_admin(sql: str) -> None:
    engine = create_engine(PG_URL)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def run_one(backend: str, n: int) -> None:
    if backend == "postgres":
        name = f"sweep_bench_{uuid.uuid4().hex[:8]}"
        await pg_admin(f'CREATE DATABASE "{name}"')
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        cleanup = pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        tmp = tempfile.mkdtemp(prefix="sweep-bench-")
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        cleanup = None
    try:
        seeded = await seed(url, n)
        nag, idle, alerts, messages = await measure(url, n)
        print(
            f"{backend:8} {n:>9,} tickets  seed {seeded:6.1f}s  nag round {nag:7.2f}s "
            f"({alerts:,} overdue, {messages:,} messages, {alerts / nag:,.0f} tickets/s)  "
            f"idle round {idle * 1000:7.1f} ms",
            flush=True,
        )
    finally:
        if cleanup is not None:
            await cleanup


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10^4 and 10^5 only")
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args()
    sizes = [10**4, 10**5] if args.quick else [10**4, 10**5, 10**6]
    for n in sizes:
        for backend in args.backends.split(","):
            await run_one(backend.strip(), n)


if __name__ == "__main__":
    asyncio.run(main())
