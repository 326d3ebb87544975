"""The one-hop SQLite cursor (bot/sqlite_driver.py) behaves as the stock adapter does."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from bot.db import create_engine


@pytest.fixture
async def engine(tmp_path: Path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield engine
    await engine.dispose()


async def test_the_engine_uses_the_one_hop_cursor(engine) -> None:
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        assert type(raw.driver_connection).__module__.startswith("aiosqlite")
        assert type(raw.dbapi_connection).__name__ == "OneHopConnection"
        assert type(raw.dbapi_connection.cursor()).__name__ == "OneHopCursor"


async def test_rows_rowcount_lastrowid_and_executemany(engine) -> None:
    async with engine.begin() as conn:
        result = await conn.execute(text("INSERT INTO t (name) VALUES ('a')"))
        assert result.rowcount == 1
        assert result.lastrowid == 1
        await conn.execute(
            text("INSERT INTO t (name) VALUES (:n)"), [{"n": f"m{i}"} for i in range(50)]
        )
        skipped = await conn.execute(
            text("INSERT INTO t (name) VALUES ('a') ON CONFLICT DO NOTHING")
        )
        assert skipped.rowcount == 0
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
        assert len(rows) == 51 and rows[0] == (1, "a") and rows[-1] == (51, "m49")
        result = await conn.execute(text("SELECT name FROM t ORDER BY id"))
        assert [r[0] for r in result.fetchmany(3)] == ["a", "m0", "m1"]
        assert result.keys() == ["name"]
        streamed = [r[0] async for r in await conn.stream(text("SELECT id FROM t"))]
        assert len(streamed) == 51


async def test_errors_are_the_dbapi_errors_and_roll_back(engine) -> None:
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO t (name) VALUES ('x')"))
            await conn.execute(text("INSERT INTO t (name) VALUES ('x')"))
    with pytest.raises(OperationalError, match="no such table"):
        async with engine.connect() as conn:
            await conn.execute(text("SELECT * FROM nowhere"))
    async with engine.connect() as conn:  # the connection is still good, nothing was kept
        assert (await conn.execute(text("SELECT count(*) FROM t"))).scalar() == 0
