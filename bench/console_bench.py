"""The web console's pages over 100,000 tickets in PostgreSQL: p50/p99 per page, and the
EXPLAIN ANALYZE of the queries each page runs.

    .venv/bin/python bench/console_bench.py                 # 100,000 tickets, 30 requests a page
    .venv/bin/python bench/console_bench.py --tickets 20000 --requests 10

A temporary database on TEST_POSTGRES_URL (default the local server) is migrated (the
indexes of migration 0011 included) and bulk-loaded with COPY: the sample departments
(config/departments.yaml), 60 staff, 40,000 citizens, the tickets spread over the last year
(85 % closed, the rest open; 60 % of the closed rated) with their created/replied/closed
events and some urging notices and reprimands. The real application (``create_app``, no
Telegram) serves the console on a local port; an administrator and a clerk sign in with
one-time links, and each page is requested sequentially. Printed: p50 and p99 per page, the
rows of the full CSV export per second, and for each page its slowest statements with their
plan (``--explain 0`` leaves the plans out).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url

from bot.app import create_app
from bot.config import load_settings
from bot.db import create_engine, create_session_factory
from bot.migrate import upgrade
from tickets.config.desk import load_desk_config
from tickets.console_access import create_login
from tickets.models import Department
from tickets.people.departments import sync_departments

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
NOW = datetime.now(UTC).replace(microsecond=0)
ADMIN = 1
CLERK = 1001
PHRASES = (
    "楼道灯坏了", "小区噪音扰民", "公交站牌损坏", "路面有坑", "垃圾没有清运", "社保卡补办",
    "公积金提取", "营业执照办理", "停车位被占", "树枝挡住路灯", "water leak in the basement",
    "noise from the construction site", "street light broken", "my pension payment is late",
)  # fmt: skip
TYPES = ("consultation", "help", "complaint", "report", "suggestion")


def _ticket_rows(n: int, depts: list[int], citizens: int, staff: dict[int, list[int]]):  # type: ignore[no-untyped-def]
    rnd = random.Random(14)
    for i in range(n):
        created = NOW - timedelta(seconds=rnd.randint(60, 365 * 86400))
        dept = depts[i % len(depts)]
        roll = rnd.random()
        status = (
            "closed" if roll < 0.85 else "answered" if roll < 0.9 else "in_progress"
            if roll < 0.95 else "new" if roll < 0.98 else "waiting_citizen"
        )  # fmt: skip
        response_due = created + timedelta(hours=4)
        resolution_due = created + timedelta(days=5)
        responded = None if status == "new" else created + timedelta(minutes=rnd.randint(10, 480))
        answered = responded if status in ("closed", "answered") else None
        closed = created + timedelta(hours=rnd.randint(2, 240)) if status == "closed" else None
        if closed is not None and closed > NOW:
            closed = NOW - timedelta(minutes=1)
        assignee = rnd.choice(staff[dept]) if status != "new" else None
        rating = rnd.choice((1, 2, 3, 4, 4, 5, 5, 5)) if closed and rnd.random() < 0.6 else None
        phone = f" 电话138{rnd.randint(0, 99_999_999):08d}" if rnd.random() < 0.2 else ""
        body = f"{rnd.choice(PHRASES)}，{rnd.choice(PHRASES)} #{i}{phone}"
        number = f"{created.year}-{i + 1:06d}"
        yield (
            number, 1 + rnd.randrange(citizens), dept, status, rnd.choice(TYPES),
            rnd.random() < 0.05, body, "zh", "{}", created, closed or answered or created,
            response_due, resolution_due, responded, answered, closed, None, assignee, rating,
            0, 1,
        )  # fmt: skip


TICKET_COLUMNS = [
    "number", "citizen_id", "department_id", "status", "demand_type", "urgent", "text", "lang",
    "details", "created_at", "updated_at", "response_due_at", "resolution_due_at",
    "first_response_at", "answered_at", "closed_at", "paused_at", "assignee_id", "rating",
    "escalation_level", "version",
]  # fmt: skip


async def seed(url: str, n: int) -> float:
    t0 = time.perf_counter()
    engine = create_engine(url)
    try:
        await upgrade(engine)
        config = load_desk_config(Path("config/departments.yaml")).config
        assert config is not None
        async with create_session_factory(engine)() as session:
            await sync_departments(session, config, now=NOW)
            await session.commit()
            depts = [int(d.id) for d in (await session.exec(select(Department))).scalars()]  # type: ignore[call-overload, arg-type]
        async with engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            assert raw is not None
            staff_rows, staff = [], {d: [] for d in depts}
            for k in range(60):
                dept = depts[k % len(depts)]
                uid = CLERK + k
                staff_rows.append((uid, dept, "clerk", f"办事员{k}", True, NOW, NOW))
                staff[dept].append(k + 1)
            await raw.copy_records_to_table(
                "staff_member",
                records=staff_rows,
                columns=["telegram_user_id", "department_id", "role", "display_name", "active",
                         "created_at", "updated_at"],
            )  # fmt: skip
            citizens = 40_000
            await raw.copy_records_to_table(
                "citizen",
                records=[
                    (c + 1, "zh", f"市民{c}", f"139{c:08d}", NOW, NOW) for c in range(citizens)
                ],
                columns=["id", "language", "display_name", "phone", "created_at", "last_seen_at"],
            )  # fmt: skip
            await raw.execute("SELECT setval('citizen_id_seq', $1)", citizens)
            await raw.copy_records_to_table(
                "citizen_identity",
                records=[
                    (c + 1, "telegram", str(10_000_000 + c), str(10_000_000 + c), NOW, NOW)
                    for c in range(citizens)
                ],
                columns=["citizen_id", "channel", "external_id", "address", "created_at",
                         "last_seen_at"],
            )  # fmt: skip
            tickets = list(_ticket_rows(n, depts, citizens, staff))
            await raw.copy_records_to_table("ticket", records=tickets, columns=TICKET_COLUMNS)
            events, alerts = [], []
            for tid, row in enumerate(tickets, start=1):
                created, responded, closed = row[9], row[13], row[15]
                events.append((tid, created, "citizen", None, "created", '{"text": "x"}'))
                if responded is not None:
                    events.append((tid, responded, "staff", CLERK, "replied", '{"text": "ok"}'))
                if closed is not None:
                    events.append((tid, closed, "staff", CLERK, "closed", "{}"))
                    if tid % 7 == 0:
                        kind = "callback_solved" if tid % 3 else "callback_unsolved"
                        events.append(
                            (tid, closed + timedelta(hours=20), "citizen", None, kind, "{}")
                        )
                if tid % 50 == 0:
                    alerts.append((tid, "resolution", "urge", created + timedelta(days=6)))
                if tid % 200 == 0:
                    alerts.append((tid, "resolution", "reprimand", created + timedelta(days=8)))
            await raw.copy_records_to_table(
                "ticket_event", records=events,
                columns=["ticket_id", "at", "actor_kind", "actor_id", "kind", "data"],
            )  # fmt: skip
            await raw.copy_records_to_table(
                "ticket_alert", records=alerts,
                columns=["ticket_id", "deadline", "alert", "created_at"],
            )  # fmt: skip
            await conn.execute(text("ANALYZE"))
            await conn.commit()
    finally:
        await engine.dispose()
    return time.perf_counter() - t0


class Recorder:
    """The statements the app runs, with their time, per page."""

    def __init__(self) -> None:
        self.current: list[tuple[float, str, Any]] | None = None

    def attach(self, engine: Any) -> None:
        @event.listens_for(engine.sync_engine, "before_cursor_execute")
        def before(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
            conn.info["t0"] = time.perf_counter()

        @event.listens_for(engine.sync_engine, "after_cursor_execute")
        def after(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
            if self.current is not None:
                self.current.append((time.perf_counter() - conn.info["t0"], statement, params))


async def sign_in(http: aiohttp.ClientSession, base: str, factory: Any, uid: int) -> None:
    async with factory() as session:
        token = await create_login(session, uid, now=datetime.now(UTC))
        await session.commit()
    async with http.get(f"{base}/console/login?token={token}", allow_redirects=False) as r:
        assert r.status == 302, r.status


async def timed(http: aiohttp.ClientSession, url: str, count: int) -> list[float]:
    times = []
    for _ in range(count):
        t0 = time.perf_counter()
        async with http.get(url) as response:
            await response.read()
            assert response.status == 200, (url, response.status)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def explain(engine: Any, statements: list[tuple[float, str, Any]], top: int) -> None:
    total = sum(s[0] for s in statements) * 1000
    print(f"    {len(statements)} statements, {total:.1f} ms in the database")
    for took, statement, params in sorted(statements, key=lambda s: -s[0])[:top]:
        print(f"    -- {took * 1000:.1f} ms: {' '.join(statement.split())[:220]}")
        async with engine.connect() as conn:
            raw = (await conn.get_raw_connection()).driver_connection
            plan = await raw.fetch("EXPLAIN (ANALYZE, COSTS OFF) " + statement, *(params or ()))
        for row in plan:
            print(f"       {row[0]}")


async def run(args: argparse.Namespace) -> None:
    name = f"citizen_desk_console_bench_{uuid.uuid4().hex[:8]}"
    admin_engine = create_engine(PG_URL)
    async with admin_engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        took = await seed(url, args.tickets)
        print(f"seeded {args.tickets:,} tickets in {took:.1f} s (PostgreSQL, {name})")
        engine = create_engine(url)
        recorder = Recorder()
        recorder.attach(engine)
        factory = create_session_factory(engine)
        port = 18_000 + os.getpid() % 1000
        settings = load_settings(
            database_url=url, admin_ids=str(ADMIN), port=port, faq_watch=False,
            scheduler_enabled=False, outbox_enabled=False, bot_token=None,
        )  # fmt: skip
        app = create_app(settings, session_factory=factory)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        base = f"http://127.0.0.1:{port}"
        async with factory() as session:
            number = (
                await session.exec(
                    text(
                        "SELECT number FROM ticket WHERE status = 'closed' ORDER BY id DESC LIMIT 1"
                    )
                )  # type: ignore[call-overload]
            ).scalar_one()
        day = (NOW - timedelta(days=30)).astimezone(settings.tz).date()
        pages = [
            ("admin", "queue, all departments", "/console"),
            ("admin", "queue, overdue", "/console?due=overdue"),
            ("clerk", "queue, own department", "/console"),
            (
                "clerk",
                "search 楼道灯 (3 chars)",
                "/console?q=%E6%A5%BC%E9%81%93%E7%81%AF&status=all",
            ),
            ("admin", "search 路灯 (2 chars), all", "/console?q=%E8%B7%AF%E7%81%AF&status=all"),
            ("admin", "search number 000123", "/console?q=000123&status=all"),
            ("admin", "search phone 5678", "/console?q=5678&status=all"),
            ("admin", "ticket page", f"/console/tickets/{number}"),
            ("admin", "dashboard, 30 days, all", "/console/dashboard?days=30"),
            ("clerk", "dashboard, 30 days, own", "/console/dashboard?days=30"),
            ("admin", "dashboard, 365 days, all", "/console/dashboard?days=365"),
            ("admin", "knowledge, 30 days", "/console/knowledge?days=30"),
            ("clerk", "CSV, own, last 30 days", f"/console/tickets.csv?from={day}"),
        ]
        plans: dict[str, list[tuple[float, str, Any]]] = {}
        jar_a, jar_c = aiohttp.CookieJar(unsafe=True), aiohttp.CookieJar(unsafe=True)
        async with (
            aiohttp.ClientSession(cookie_jar=jar_a) as as_admin,
            aiohttp.ClientSession(cookie_jar=jar_c) as as_clerk,
        ):
            await sign_in(as_admin, base, factory, ADMIN)
            await sign_in(as_clerk, base, factory, CLERK)
            print(f"\n{'page':<32} {'p50 ms':>8} {'p99 ms':>8}  (n={args.requests})")
            for who, label, path in pages:
                if args.only and args.only not in label:
                    continue
                http = as_admin if who == "admin" else as_clerk
                await timed(http, base + path, 2)  # warm up
                recorder.current = []
                await timed(http, base + path, 1)
                plans[label] = recorder.current
                recorder.current = None
                times = await timed(http, base + path, args.requests)
                print(f"{label:<32} {p(times, 0.5):>8.1f} {p(times, 0.99):>8.1f}")
            t0 = time.perf_counter()
            async with as_admin.get(base + "/console/tickets.csv") as response:
                data = await response.read()
            seconds = time.perf_counter() - t0
            lines = data.count(b"\r\n") - 1
            print(f"{'CSV, everything (admin)':<32} {seconds * 1000:>8.0f} ms for {lines:,} rows "
                  f"({lines / seconds:,.0f} rows/s, {len(data) / 1e6:.1f} MB)")  # fmt: skip
        if args.explain:
            print("\nslowest statements per page, with their plans:")
            for label, statements in plans.items():
                print(f"\n  {label}:")
                await explain(engine, statements, args.explain)
        await runner.cleanup()
        await engine.dispose()
    finally:
        async with admin_engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin_engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--explain", type=int, default=2, help="plans per page (0: none)")
    parser.add_argument("--only", default="", help="only the pages whose name contains this")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
