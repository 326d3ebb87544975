"""Conversation (FSM) state follows the update's database transaction."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Dispatcher, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import Message, Update
from sqlalchemy.exc import OperationalError

from bot.fsm import TransactionalStorage
from bot.metrics import Metrics
from bot.processing import TransientError, UpdateProcessor
from tests.app.support import TEST_TOKEN, recording_bot, text_update

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


def _processor(session_factory: Any, fail: dict[str, bool]) -> tuple[UpdateProcessor, Any]:
    storage = TransactionalStorage(MemoryStorage())
    dispatcher = Dispatcher(storage=storage)
    router = Router()

    @router.message(F.text)
    async def step(message: Message, state: FSMContext) -> None:
        await state.set_state(Form.describing)
        await state.update_data(seen=(await state.get_data()).get("seen", 0) + 1)
        if fail["now"]:
            raise OperationalError("INSERT", {}, Exception("database is locked"))

    dispatcher.include_router(router)
    bot, _ = recording_bot()
    return UpdateProcessor(dispatcher, bot, session_factory, metrics=Metrics()), storage.inner


async def test_a_rolled_back_update_leaves_the_conversation_where_it_was(session_factory) -> None:
    fail = {"now": True}
    processor, inner = _processor(session_factory, fail)
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
