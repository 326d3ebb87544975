"""Shared fixtures: real databases (a SQLite file and PostgreSQL), migrated by Alembic.

PostgreSQL: ``TEST_POSTGRES_URL`` (default: the local server, database ``test``). Each
test session creates its own database from it and drops it at the end. When ``CI`` is
set an unreachable server fails the run; otherwise its tests are skipped with the reason.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import SessionFactory, create_engine, create_session_factory
from bot.migrate import upgrade
from tickets.models import ALL_TABLES

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
PG_URL = os.environ.get("TEST_POSTGRES_URL", DEFAULT_PG)
IN_CI = bool(os.environ.get("CI"))


async def _pg_admin(sql: str) -> None:
    engine = create_engine(PG_URL)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(sql))
    finally:
        await engine.dispose()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The admin URL of a reachable PostgreSQL, or skip (fail in CI) with the reason."""
    try:
        asyncio.run(asyncio.wait_for(_pg_admin("SELECT 1"), timeout=10))
    except Exception as exc:
        reason = (
            f"PostgreSQL not reachable at {make_url(PG_URL).render_as_string(hide_password=True)}"
            f" ({type(exc).__name__}: {exc}); set TEST_POSTGRES_URL to run these tests"
        )
        if IN_CI:
            pytest.fail(f"CI requires PostgreSQL: {reason}", pytrace=False)
        pytest.skip(reason)
    return PG_URL


@pytest.fixture(scope="session")
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session."""
    name = f"citizen_desk_test_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        asyncio.run(_migrate(url))
        yield url
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is faster)."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "citizen-desk.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite+aiosqlite:///{path}"


async def _truncate_all(engine: AsyncEngine) -> None:
    names = ", ".join(f'"{t.__tablename__}"' for t in ALL_TABLES)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    """A migrated, empty database: a real SQLite file, then the real PostgreSQL."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)

    async def clean() -> None:
        try:
            await _truncate_all(engine)
        finally:
            await engine.dispose()

    asyncio.run(clean())
    return url


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(db_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> SessionFactory:
    return create_session_factory(engine)
