"""SQLite through aiosqlite with one thread hop per statement.

aiosqlite runs each sqlite3 call on its own thread, and SQLAlchemy's adapter makes four
calls per statement (open a cursor, execute, fetch, close): four round trips between the
event loop and that thread, each a wake-up, a GIL hand-over and a future. An update that
runs four statements paid some twenty of them, a good share of its time on the answer
path (``bench/webhook_bench.py``). The cursor here sends one function that does all four
on the aiosqlite thread and brings back the rows, the description, the row count and the
last row id together.

It plugs in through ``create_async_engine(..., module=...)``, SQLAlchemy's documented way
to hand a dialect another DBAPI module; the dialect is the stock ``sqlite+aiosqlite``. It
leans on two internals, aiosqlite's ``Connection._execute(fn, *args)`` and the shape of
SQLAlchemy's cursor adapter, so :func:`dbapi_module` returns None (and the stock adapter
is used) when either is missing. Server-side cursors (``stream()``) keep the stock adapter.
"""

from __future__ import annotations

import collections
import logging
import sqlite3
from typing import Any

log = logging.getLogger(__name__)


def _statement(
    conn: sqlite3.Connection, operation: str, parameters: Any, many: bool
) -> tuple[Any, list[Any], int, int | None]:
    """On the aiosqlite thread: the whole statement, cursor to close."""
    cursor = conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def dbapi_module() -> Any | None:
    """The DBAPI module for ``create_async_engine(module=...)``, None if unsupported."""
    try:
        import aiosqlite
        from sqlalchemy.dialects.sqlite.aiosqlite import (
            AsyncAdapt_aiosqlite_connection,
            AsyncAdapt_aiosqlite_cursor,
            AsyncAdapt_aiosqlite_dbapi,
        )
        from sqlalchemy.util import EMPTY_DICT
        from sqlalchemy.util.concurrency import await_
    except ImportError:  # pragma: no cover - other SQLAlchemy or aiosqlite versions
        log.info("one-hop SQLite cursor unavailable; using the stock aiosqlite adapter")
        return None
    if not callable(getattr(aiosqlite.Connection, "_execute", None)):  # pragma: no cover
        log.info("aiosqlite has no Connection._execute; using the stock adapter")
        return None
    # The adapter's attributes this cursor sets (slots show up as class attributes).
    expected = ("_adapt_connection", "_connection", "_cursor", "_rows", "_soft_closed_memoized")
    missing = [a for a in expected if not hasattr(AsyncAdapt_aiosqlite_cursor, a)]
    if missing or not hasattr(
        AsyncAdapt_aiosqlite_connection, "_execute_mutex"
    ):  # pragma: no cover
        log.info("SQLAlchemy's aiosqlite adapter changed (%s); using it as it is", missing)
        return None

    class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
        __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

        def __init__(self, adapt_connection: Any) -> None:
            # No cursor is opened here: _run opens and closes one per statement.
            self._adapt_connection = adapt_connection
            self._connection = adapt_connection._connection
            self._cursor = None  # type: ignore[assignment]
            self._soft_closed_memoized = EMPTY_DICT
            self._rows: collections.deque[Any] = collections.deque()
            self._description = None
            self._rowcount = -1
            self._lastrowid: int | None = None
            self._arraysize = 1

        @property
        def description(self) -> Any:
            return self._description

        @property
        def rowcount(self) -> int:
            return self._rowcount

        @property
        def lastrowid(self) -> int | None:  # type: ignore[override]
            return self._lastrowid

        @property
        def arraysize(self) -> int:
            return self._arraysize

        @arraysize.setter
        def arraysize(self, value: int) -> None:
            self._arraysize = value

        async def _async_soft_close(self) -> None:
            return None  # nothing open: the rows are here already

        def close(self) -> None:
            self._rows.clear()

        def execute(self, operation: Any, parameters: Any = None) -> None:
            try:
                await_(self._run(operation, parameters, False))
            except Exception as error:
                self._adapt_connection._handle_exception(error)

        def executemany(self, operation: Any, seq_of_parameters: Any) -> None:
            try:
                await_(self._run(operation, seq_of_parameters, True))
            except Exception as error:
                self._adapt_connection._handle_exception(error)

        async def _run(self, operation: Any, parameters: Any, many: bool) -> None:
            connection = self._connection
            async with self._adapt_connection._execute_mutex:
                result = await connection._execute(
                    _statement, connection._conn, operation, parameters, many
                )
            self._description, rows, self._rowcount, self._lastrowid = result
            self._rows = collections.deque(rows)

    class OneHopConnection(AsyncAdapt_aiosqlite_connection):
        __slots__ = ()
        _cursor_cls = OneHopCursor

    class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
        def connect(self, *arg: Any, **kw: Any) -> Any:
            stock = super().connect(*arg, **kw)
            return OneHopConnection(self, stock._connection)

    return OneHopDBAPI(aiosqlite, sqlite3)


__all__ = ["dbapi_module"]
