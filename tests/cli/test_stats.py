"""``citizen-desk stats``: department rates from a real database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.cli import main
from bot.db import create_engine, create_session_factory
from tickets.models import Department, Ticket


async def _seed(url: str) -> None:
    now = datetime.now(UTC)
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            fast = Department(slug="health", name_zh="卫健委", name_en="Health")
            slow = Department(slug="traffic-police", name_zh="交警", name_en="Traffic police")
            session.add_all([fast, slow])
            await session.flush()
            day = timedelta(days=1)
            hour = timedelta(hours=1)
            session.add_all(
                [
                    # health: answered in time, closed with 5 stars
                    Ticket(
                        number="2026-000001",
                        department_id=fast.id,
                        text="a",
                        created_at=now - 3 * day,
                        response_due_at=now - 3 * day + 4 * hour,
                        first_response_at=now - 3 * day + hour,
                        status="closed",
                        closed_at=now - 2 * day,
                        answered_at=now - 3 * day + hour,
                        resolution_due_at=now - day,
                        rating=5,
                    ),
                    # traffic: one answered late, one never answered and overdue
                    Ticket(
                        number="2026-000002",
                        department_id=slow.id,
                        text="b",
                        created_at=now - 3 * day,
                        response_due_at=now - 3 * day + hour,
                        first_response_at=now - 2 * day,
                        status="answered",
                        answered_at=now - 2 * day,
                        resolution_due_at=now + day,
                    ),
                    Ticket(
                        number="2026-000003",
                        department_id=slow.id,
                        text="c",
                        created_at=now - 3 * day,
                        response_due_at=now - 3 * day + hour,
                        status="new",
                        resolution_due_at=now + day,
                    ),
                ]
            )
            await session.commit()
    finally:
        await engine.dispose()


@pytest.fixture
def seeded(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    import asyncio

    asyncio.run(_seed(sqlite_url))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def test_stats_ranks_departments_with_their_rates(seeded: str, capsys) -> None:
    assert main(["stats", "--days", "7", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["slug"] for r in rows] == ["health", "traffic-police"]
    health, traffic = rows
    assert health["response_rate"] == 1.0 and health["satisfaction_rate"] == 1.0
    assert health["on_time_rate"] == 1.0 and health["created"] == 1
    assert traffic["response_rate"] == 0.0 and traffic["created"] == 2
    assert traffic["satisfaction_rate"] is None  # nobody rated: "—", not 0 %


def test_stats_table_for_people(seeded: str, capsys) -> None:
    assert main(["stats", "--days", "7"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("department performance, last 7 day(s)")
    assert out[2].split()[:4] == ["health", "1", "100%", "—"]
    assert out[3].split()[:3] == ["traffic-police", "2", "0%"]


def test_stats_rejects_a_bad_period(capsys) -> None:
    assert main(["stats", "--days", "0"]) == 2
    assert "--days must be at least 1" in capsys.readouterr().out


def test_stats_ranks_like_the_weekly_summary(seeded: str, capsys) -> None:
    """A department without tickets gets no rank (the weekly summary's rule)."""
    import asyncio

    async def add_idle() -> None:
        engine = create_engine(seeded)
        try:
            async with create_session_factory(engine)() as session:
                session.add(Department(slug="archive", name_zh="档案局", name_en="Archives"))
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(add_idle())
    assert main(["stats", "--days", "7", "--json"]) == 0
    rows = {r["slug"]: r for r in json.loads(capsys.readouterr().out)}
    assert [rows[s]["rank"] for s in ("health", "traffic-police", "archive")] == [1, 2, None]
    assert rows["archive"]["has_tickets"] is False
    assert rows["traffic-police"]["overdue"] == 0
    assert main(["stats", "--days", "7"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[2].split()[-1] == "1" and out[3].split()[-1] == "2"
    assert out[-1] == "no tickets (not ranked): archive"
    assert not any(line.startswith("archive ") for line in out)
