"""Two schedulers against one PostgreSQL at once: every nag is queued exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlalchemy import func, select, text

from bot.db import create_engine, create_session_factory
from tickets.models import ALL_TABLES, TicketAlert, TicketEvent
from tickets.sweeps import SweepPolicy, run_round

from .helpers import add_department, add_staff, add_ticket, ctx_at, local, outbox, ticket_ids_in

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg_engines(postgres_url):
    engines = [create_engine(postgres_url) for _ in range(3)]
    names = ", ".join(f'"{t.__tablename__}"' for t in ALL_TABLES)
    async with engines[0].begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    yield engines
    for engine in engines:
        await engine.dispose()


async def test_two_schedulers_nag_each_ticket_exactly_once(pg_engines):
    seed, one, two = (create_session_factory(e) for e in pg_engines)
    n = 150
    async with seed() as s:
        depts = [await add_department(s, f"d{i}", chat=-1000 - i, head=800 + i) for i in range(3)]
        clerks = [await add_staff(s, d, tg=700 + i) for i, d in enumerate(depts)]
        for i in range(n):
            d = i % 3
            await add_ticket(
                s,
                depts[d],
                created_at=local(2026, 3, 2, 9),
                response_due_at=local(2026, 3, 2, 13),
                assignee_id=clerks[d].id if i % 2 else None,
                status="in_progress" if i % 2 else "new",
            )
        await s.commit()
    # Small batches so the two rounds interleave over many transactions; Wednesday 10:00 is
    # past the urge threshold too (one working day overdue), not the reprimand one.
    ctx = ctx_at(local(2026, 3, 4, 10, 0), SweepPolicy(batch_size=7))
    reports = await asyncio.gather(
        run_round(one, ctx, only=("deadlines",)), run_round(two, ctx, only=("deadlines",))
    )
    assert all(r.errors == [] for r in reports)
    nags = [x.count for r in reports for x in r.results if x.name == "nags"]
    urges = [x.count for r in reports for x in r.results if x.name == "urges"]
    assert sum(nags) == n and sum(urges) == n
    async with seed() as s:
        alert_counts = Counter(a for (a,) in (await s.exec(select(TicketAlert.alert))).all())
        # 12 working hours late (Mon 13:30-17:30, Tue, Wed 9-10): only the 7th nag goes out.
        assert alert_counts == Counter({"nag-6": n, "urge": n})
        per_ticket = (
            await s.exec(
                select(TicketEvent.ticket_id, func.count())
                .where(TicketEvent.kind == "overdue_nag")
                .group_by(TicketEvent.ticket_id)
            )
        ).all()
        assert len(per_ticket) == n and all(c == 1 for _t, c in per_ticket)
        rows = await outbox(s)
    # Every ticket appears exactly once in the department chat's messages, and each assigned
    # one once in its assignee's messages; heads get each urge once.
    for d in range(3):
        dept_ids = [t for r in rows if r.chat_id == -1000 - d for t in ticket_ids_in(r)]
        # Nag and urge lines share one "open" button per ticket and message.
        assert Counter(Counter(dept_ids).values()) == Counter({1: n // 3})
        head_ids = [t for r in rows if r.chat_id == 800 + d for t in ticket_ids_in(r)]
        assert sorted(head_ids) == sorted(set(head_ids)) and len(head_ids) == n // 3
    assert len({r.dedupe_key for r in rows}) == len(rows)
    # A third round (both again) finds nothing new.
    again = await asyncio.gather(
        run_round(one, ctx, only=("deadlines",)), run_round(two, ctx, only=("deadlines",))
    )
    assert sum(x.count for r in again for x in r.results) == 0
