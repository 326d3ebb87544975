"""Waking the open streams when a visitor's events are written, on every instance.

:class:`StreamHub` keeps, per visitor, the streams open on this process (an
:class:`asyncio.Event` each); :meth:`StreamHub.wake` sets them. A stream woken (or timed out at
its heartbeat) reads the database for what it has not sent: a wake-up is only a hint, so a
lost one delays an event by one heartbeat at most and never loses it.

Across instances (``DATABASE_URL`` on PostgreSQL), :class:`PgListener` holds one asyncpg
connection per process doing ``LISTEN webchat``: every event written anywhere is followed, at
commit, by ``pg_notify('webchat', visitor)`` (:func:`handlers.web.chat.events.append`), and the
listener wakes that visitor's local streams. A lost connection is reopened with backoff, and
every stream then reads the database once (what was written meanwhile is not missed). On
SQLite (one process) the writers wake the hub directly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from handlers.web.chat.events import NOTIFY_CHANNEL

__all__ = ["PgListener", "StreamHub", "asyncpg_dsn"]

log = logging.getLogger(__name__)


class StreamHub:
    def __init__(self) -> None:
        self._streams: dict[str, set[asyncio.Event]] = {}

    @property
    def open_streams(self) -> int:
        return sum(len(s) for s in self._streams.values())

    def subscribe(self, visitor: str) -> asyncio.Event:
        event = asyncio.Event()
        self._streams.setdefault(visitor, set()).add(event)
        return event

    def unsubscribe(self, visitor: str, event: asyncio.Event) -> None:
        found = self._streams.get(visitor)
        if found is not None:
            found.discard(event)
            if not found:
                del self._streams[visitor]

    def wake(self, visitor: str) -> None:
        for event in self._streams.get(visitor, ()):
            event.set()

    def wake_all(self) -> None:
        for found in self._streams.values():
            for event in found:
                event.set()


def asyncpg_dsn(database_url: str) -> str | None:
    """asyncpg's DSN for a SQLAlchemy PostgreSQL URL, None for SQLite."""
    if not database_url.startswith("postgresql+asyncpg://"):
        return None
    return "postgresql://" + database_url.removeprefix("postgresql+asyncpg://")


class PgListener:
    """``LISTEN webchat`` on a dedicated connection, waking ``hub`` (see the module doc)."""

    def __init__(self, dsn: str, hub: StreamHub, *, retry: float = 1.0) -> None:
        self.dsn = dsn
        self.hub = hub
        self.retry = retry
        self.ready = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def _on_notify(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self.hub.wake(payload)

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="webchat-listen")

    async def _run(self) -> None:
        import asyncpg

        delay = self.retry
        while True:
            conn = None
            try:
                conn = await asyncpg.connect(self.dsn)
                await conn.add_listener(NOTIFY_CHANNEL, self._on_notify)
                self.ready.set()
                self.hub.wake_all()  # anything written while not listening
                delay = self.retry
                lost = asyncio.Event()
                conn.add_termination_listener(lambda _c, lost=lost: lost.set())
                while not lost.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), 30)
                    if not lost.is_set():
                        await conn.execute("SELECT 1")  # notices a dead connection
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("web chat: LISTEN lost (%s: %s); again", type(exc).__name__, exc)
            finally:
                self.ready.clear()
                if conn is not None:
                    with contextlib.suppress(Exception):
                        await conn.close(timeout=2)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
