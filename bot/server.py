"""Run the service until SIGTERM/SIGINT: ``citizen-desk serve``.

The database schema must be current. On SQLite (the embedded default, one process) a schema
that is behind is migrated automatically; on PostgreSQL, shared by several instances and
owned by an operator, start-up refuses with one line asking to run ``citizen-desk migrate``
(``make run`` always migrates first).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

from aiohttp import web
from sqlalchemy.engine import make_url

from bot.app import RUNTIME, create_app
from bot.config import Settings
from bot.db import create_engine, create_session_factory, is_sqlite
from bot.desk import DeskConfigError
from bot.migrate import current_revision, head_revision, upgrade

log = logging.getLogger("citizen_desk.server")


def _say(line: str) -> None:
    print(f"citizen-desk: {line}", file=sys.stderr, flush=True)


async def _check_schema(settings: Settings, engine: object) -> str | None:
    """None when the schema is ready, else the line to print."""
    from sqlalchemy.ext.asyncio import AsyncEngine

    assert isinstance(engine, AsyncEngine)
    shown = make_url(settings.database_url).render_as_string(hide_password=True)
    try:
        current = await current_revision(engine)
    except OSError as exc:
        return f"cannot reach the database {shown}: {exc}"
    head = head_revision()
    if current == head:
        return None
    if is_sqlite(settings.database_url):
        await upgrade(engine)
        log.info("database %s migrated %s -> %s", shown, current or "empty", head)
        return None
    return (
        f"database schema is behind (at {current or 'empty'}, needs {head}): "
        "run `citizen-desk migrate`"
    )


async def serve(settings: Settings) -> int:
    engine = create_engine(settings.database_url)
    try:
        problem = await _check_schema(settings, engine)
        if problem is not None:
            _say(problem)
            return 1
        app = create_app(settings, session_factory=create_session_factory(engine))
        runner = web.AppRunner(app, handle_signals=False, access_log=None)
        try:
            await runner.setup()
        except DeskConfigError as exc:
            _say(str(exc))
            await runner.cleanup()
            return 1
        try:
            site = web.TCPSite(runner, settings.host, settings.port)
            try:
                await site.start()
            except OSError as exc:
                _say(f"cannot listen on {settings.host}:{settings.port}: {exc}")
                return 1
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            mode = app[RUNTIME].mode
            _say(f"serving on http://{settings.host}:{settings.port} (telegram: {mode})")
            await stop.wait()
            log.info("stopping: finishing the updates in flight")
        finally:
            await runner.cleanup()
        log.info("stopped")
        return 0
    finally:
        await engine.dispose()
