"""Conversation (FSM) state follows the update's database transaction: in memory or Redis it
is applied after the commit; in the database (the default) it is written in the transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import Message, Update
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from bot.fsm import DatabaseStorage, TransactionalStorage
from bot.metrics import Metrics
from bot.processing import TransientError, UpdateProcessor
from tests.app.conftest import MakeApp
from tests.app.support import TEST_TOKEN, recording_bot, text_update
from tickets.clock import FixedClock
from tickets.conversations import (
    Conversation,
    delete_conversation_state,
    load_conversation,
    prune_conversations,
    save_conversation,
    set_conversation_field,
)
from tickets.models import ConversationState

BOT_ID = int(TEST_TOKEN.split(":")[0])
USER = 5550001  # the sender (and private chat) of tests.app.support.text_update


class Form(StatesGroup):
    describing = State()


def key(user: int = USER) -> StorageKey:
    return StorageKey(bot_id=BOT_ID, chat_id=user, user_id=user)


async def test_writes_wait_for_flush_and_vanish_without_it() -> None:
    inner = MemoryStorage()
    storage = TransactionalStorage(inner)
    with storage.buffer() as buffer:
        await storage.set_state(key(), Form.describing)
        await storage.set_data(key(), {"draft": "漏水"})
        assert await storage.get_state(key()) == Form.describing.state  # reads see the write
        assert await storage.get_data(key()) == {"draft": "漏水"}
        assert await inner.get_state(key()) is None  # ...the real storage does not, yet
        await buffer.flush()
    assert await inner.get_state(key()) == Form.describing.state
    assert await inner.get_data(key()) == {"draft": "漏水"}

    with storage.buffer():  # rolled back: never flushed
        await storage.set_state(key(), None)
        await storage.update_data(key(), {"draft": "changed"})
    assert await inner.get_state(key()) == Form.describing.state
    assert await inner.get_data(key()) == {"draft": "漏水"}

    await storage.set_data(key(), {"draft": "direct"})  # outside a buffer: write-through
    assert await inner.get_data(key()) == {"draft": "direct"}


def _processor(
    session_factory: Any, fail: dict[str, Any], kind: str = "memory"
) -> tuple[UpdateProcessor, Any]:
    inner = MemoryStorage() if kind == "memory" else DatabaseStorage(session_factory)
    storage = TransactionalStorage(inner)
    dispatcher = Dispatcher(storage=storage)
    router = Router()

    @router.message(F.text)
    async def step(message: Message, state: FSMContext) -> None:
        fail["runs"] = fail.get("runs", 0) + 1
        await state.set_state(Form.describing)
        await state.update_data(seen=(await state.get_data()).get("seen", 0) + 1)
        meanwhile = fail.get("meanwhile")
        if meanwhile is not None:  # another update of this conversation commits first
            fail["meanwhile"] = None
            await meanwhile()
        if fail["now"]:
            raise OperationalError("INSERT", {}, Exception("database is locked"))

    dispatcher.include_router(router)
    bot, _ = recording_bot()
    return UpdateProcessor(dispatcher, bot, session_factory, metrics=Metrics()), inner


@pytest.mark.parametrize("kind", ["memory", "database"])
async def test_a_rolled_back_update_leaves_the_conversation_where_it_was(
    session_factory, kind: str
) -> None:
    fail: dict[str, Any] = {"now": True}
    processor, inner = _processor(session_factory, fail, kind)
    update = Update.model_validate(text_update(41, "first"))
    with pytest.raises(TransientError):
        await processor.process(update)
    assert await inner.get_state(key()) is None and await inner.get_data(key()) == {}
    # Telegram delivers it again: processed once, the state moves on once
    fail["now"] = False
    assert (await processor.process(update)).outcome == "ok"
    assert await inner.get_state(key()) == Form.describing.state
    assert await inner.get_data(key()) == {"seen": 1}
    assert (await processor.process(update)).outcome == "duplicate"
    assert await inner.get_data(key()) == {"seen": 1}


Stored = list[tuple[int, int, str | None, dict[str, Any], int]]


async def _stored_in(session: Any) -> Stored:
    rows = (await session.exec(select(ConversationState))).all()
    return [(r.chat_id, r.user_id, r.state, r.data, r.version) for r in rows]


async def _stored(session_factory: Any) -> Stored:
    async with session_factory() as session:
        return await _stored_in(session)


async def test_database_writes_are_part_of_the_update_transaction(session_factory) -> None:
    storage = TransactionalStorage(DatabaseStorage(session_factory))
    with pytest.raises(ZeroDivisionError), storage.buffer() as buffer:
        async with session_factory() as session, session.begin():
            buffer.session = session
            assert buffer.transactional
            await storage.set_state(key(), Form.describing)
            await storage.update_data(key(), {"draft": "漏水"})
            assert await storage.get_data(key()) == {"draft": "漏水"}
            await buffer.flush()  # into the transaction, before it commits
            assert len(await _stored_in(session)) == 1
            raise ZeroDivisionError  # the update fails after its flush: all rolled back
    assert await _stored(session_factory) == []

    with storage.buffer() as buffer:
        async with session_factory() as session, session.begin():
            buffer.session = session
            await storage.set_state(key(), Form.describing)
            await storage.update_data(key(), {"draft": "漏水"})
            await buffer.flush()
    assert await _stored(session_factory) == [
        (USER, USER, Form.describing.state, {"draft": "漏水"}, 1)
    ]
    # outside an update: each call is a transaction of its own (and sees what is stored)
    assert await storage.get_state(key()) == Form.describing.state
    await storage.set_data(key(), {"draft": "direct"})
    assert await storage.get_data(key()) == {"draft": "direct"}
    assert await storage.get_state(key(9)) is None and await storage.get_data(key(9)) == {}


async def test_a_database_conversation_survives_a_new_storage(session_factory) -> None:
    """What a restart does: a new dispatcher and storage over the same database."""
    fail: dict[str, Any] = {"now": False}
    processor, _ = _processor(session_factory, fail, "database")
    assert (await processor.process(Update.model_validate(text_update(51, "one")))).outcome == "ok"
    restarted, inner = _processor(session_factory, fail, "database")
    assert (await restarted.process(Update.model_validate(text_update(52, "two")))).outcome == "ok"
    assert await inner.get_data(key()) == {"seen": 2}
    assert await inner.get_state(key()) == Form.describing.state


async def test_a_conversation_changed_meanwhile_is_run_again_on_the_new_state(
    session_factory, db_url: str
) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("SQLite runs one transaction at a time: two updates never overlap")
    fail: dict[str, Any] = {"now": False}
    processor, inner = _processor(session_factory, fail, "database")
    assert (await processor.process(Update.model_validate(text_update(61, "one")))).outcome == "ok"

    async def concurrent_update() -> None:
        async with session_factory() as session, session.begin():
            found = await inner.load(session, key())
            await inner.save(session, key(), read=found, state=found.state, data={"seen": 100})

    fail["meanwhile"] = concurrent_update
    fail["runs"] = 0
    result = await processor.process(Update.model_validate(text_update(62, "two")))
    assert result.outcome == "ok"
    assert fail["runs"] == 2  # found the conflict at its write, ran again
    assert await inner.get_data(key()) == {"seen": 101}  # built on the other update's state


async def test_conflicting_writes_are_refused(session_factory) -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    args: dict[str, Any] = {"chat_id": 1, "user_id": 1, "now": now}
    async with session_factory() as session, session.begin():
        assert await save_conversation(session, "k", state="s", data={}, read=None, **args)
        assert not await save_conversation(session, "k", state="t", data={}, read=None, **args)
        first = await load_conversation(session, "k")
        assert first is not None and first.version == 1
        assert await save_conversation(session, "k", state="t", data={"a": 1}, read=first, **args)
        assert not await save_conversation(session, "k", state="u", data={}, read=first, **args)
        second = await load_conversation(session, "k")
        assert second == Conversation("t", {"a": 1}, 2)
        assert not await save_conversation(session, "k", state=None, data={}, read=first, **args)
        assert await save_conversation(session, "k", state=None, data={}, read=second, **args)
        assert await load_conversation(session, "k") is None  # cleared: the row is gone


async def test_erasure_and_pruning_delete_conversations(session_factory) -> None:
    old = datetime(2026, 1, 1, tzinfo=UTC)
    new = datetime(2026, 3, 1, tzinfo=UTC)
    async with session_factory() as session, session.begin():
        for name, chat, user, at in (
            ("a", 1, 1, new),
            ("b", -100, 1, new),  # the citizen in a group chat
            ("c", 2, 2, new),
            ("d", 3, 3, old),
        ):
            await set_conversation_field(
                session, name, chat_id=chat, user_id=user, now=at, data={"draft": name}
            )
    async with session_factory() as session, session.begin():
        assert await delete_conversation_state(session, user_id=1) == 2
        assert await delete_conversation_state(session, chat_id=2) == 1
        assert await prune_conversations(session, datetime(2026, 2, 1, tzinfo=UTC)) == 1
    assert await _stored(session_factory) == []
    async with session_factory() as session:
        with pytest.raises(ValueError):
            await delete_conversation_state(session)


async def test_start_up_prunes_conversations_untouched_for_the_ttl(
    make_app: MakeApp, session_factory
) -> None:
    now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    async with session_factory() as session, session.begin():
        for name, chat, days in (("stale", 1, 31), ("recent", 2, 29)):
            await set_conversation_field(
                session, name, chat_id=chat, user_id=chat, now=now - timedelta(days=days), data={}
            )
    harness = await make_app(clock=FixedClock(now))  # CONVERSATION_TTL_DAYS: 30 by default
    assert [chat for chat, *_ in await _stored(session_factory)] == [2]
    assert await harness.runtime.prune_conversations() == 0
