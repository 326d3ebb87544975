"""Engine and session factory: the only place that creates database engines.

SQLite (the embedded default) gets WAL, a busy timeout and foreign keys on every
connection, and by default a single pooled connection: one writer at a time is what
SQLite can do anyway, and queueing in the pool beats fighting over the file lock
(DESIGN.md, performance anchors). Never hold a session across network I/O.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import StaticPool
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.sqlite_driver import dbapi_module

SessionFactory = async_sessionmaker[AsyncSession]


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL (None for in-memory)."""
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    return Path(database)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Take transactions away from the driver (it would BEGIN lazily, which breaks SAVEPOINTs:
    # work in a savepoint opened before the first write commits early); see _sqlite_begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: a second process (a CLI sweep beside the
    # service) waits on busy_timeout instead of failing on a lock upgrade.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str, *, pool_size: int | None = None, echo: bool = False) -> AsyncEngine:
    """Create the async engine for ``url`` (sqlite+aiosqlite or postgresql+asyncpg)."""
    kwargs: dict[str, Any] = {"echo": echo}
    if is_sqlite(url):
        path = sqlite_path(url)
        if path is None:
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            kwargs.update(pool_size=pool_size or 1, max_overflow=0, pool_timeout=60)
        module = dbapi_module() if make_url(url).drivername == "sqlite+aiosqlite" else None
        if module is not None:
            kwargs["module"] = module  # one thread hop per statement (bot/sqlite_driver.py)
        engine = create_async_engine(url, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    # No pre-ping: it costs a round trip on every checkout (about a sixth of an update's
    # time). A connection found dead instead invalidates the pool, and the update is run once
    # more on a fresh connection (bot/processing.py); the sender and the sweeps retry on their
    # next round.
    kwargs.update(pool_size=pool_size or 10, max_overflow=10)
    return create_async_engine(url, **kwargs)


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
