"""A pooled connection that died (a PostgreSQL restart) costs no update and no duplicate.

The engine has no pre-ping (a round trip per checkout); the update processor runs an update
once more when SQLAlchemy reports the connection invalidated.
"""

from __future__ import annotations

import logging

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.types import Message, Update
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from bot.db import create_engine
from bot.metrics import Metrics
from bot.processing import TransientError, UpdateProcessor, connection_lost
from handlers.telegram.filters import Magic
from handlers.telegram.outgoing import Outgoing
from tests.app.support import recording_bot, text_update
from tickets.models import Outbox, ProcessedUpdate


def _processor(session_factory) -> UpdateProcessor:  # type: ignore[no-untyped-def]
    dispatcher = Dispatcher()
    router = Router()

    @router.message(Magic(F.text))
    async def echo(message: Message, outgoing: Outgoing) -> None:
        await outgoing.send_message(message.chat.id, f"got {message.text}")

    dispatcher.include_router(router)
    bot, _ = recording_bot()
    return UpdateProcessor(dispatcher, bot, session_factory, metrics=Metrics())


@pytest.mark.parametrize(
    "db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
async def test_an_update_survives_a_database_restart(
    db_url: str, session_factory, caplog: pytest.LogCaptureFixture
) -> None:
    processor = _processor(session_factory)
    first = await processor.process(Update.model_validate(text_update(1, "before")))
    assert first.outcome == "ok"  # the pool now holds a live connection

    admin = create_engine(db_url)
    try:
        async with admin.connect() as conn:
            killed = await conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
            assert killed.scalar() >= 1
    finally:
        await admin.dispose()

    with caplog.at_level(logging.WARNING, logger="bot.processing"):
        second = await processor.process(Update.model_validate(text_update(2, "after")))
    assert second.outcome == "ok"
    assert "connection was lost; trying once more" in caplog.text
    async with session_factory() as session:
        ids = (await session.exec(select(ProcessedUpdate.update_id))).scalars().all()
        queued = (await session.exec(select(func.count()).select_from(Outbox))).scalar_one()
    assert sorted(ids) == [1, 2]
    assert queued == 2  # one reply each, none doubled


async def test_a_connection_lost_twice_asks_for_redelivery(session_factory) -> None:
    processor = _processor(session_factory)
    calls = 0

    async def always_lost(update: Update, kind: str) -> None:
        nonlocal calls
        calls += 1
        raise DBAPIError("SELECT 1", {}, ConnectionError("gone"), connection_invalidated=True)

    processor._handle = always_lost  # type: ignore[method-assign]
    with pytest.raises(TransientError):
        await processor.process(Update.model_validate(text_update(3, "x")))
    assert calls == 2  # once more, not forever


def test_connection_lost_looks_through_the_exception_chain() -> None:
    lost = DBAPIError("SELECT 1", {}, ConnectionError("gone"), connection_invalidated=True)
    try:
        try:
            raise lost
        except DBAPIError as exc:
            raise RuntimeError("wrapped") from exc
    except RuntimeError as outer:
        assert connection_lost(outer)
    assert not connection_lost(DBAPIError("SELECT 1", {}, ValueError("bad")))
    assert not connection_lost(ValueError("plain"))
