"""aiogram FSM storage: Redis when several instances share one bot, memory otherwise."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseEventIsolation,
    BaseStorage,
    DefaultKeyBuilder,
    StateType,
    StorageKey,
)
from aiogram.fsm.storage.memory import MemoryStorage

from bot.config import Settings

DEFAULT_PREFIX = "citizen-desk:fsm"


def create_storage(
    settings: Settings, *, prefix: str = DEFAULT_PREFIX
) -> tuple[TransactionalStorage, BaseEventIsolation | None]:
    """``RedisStorage`` + ``RedisEventIsolation`` when ``REDIS_URL`` is set, else memory,
    wrapped so that FSM writes follow the update's database transaction.

    The isolation lock serialises the updates of one chat across instances.
    """
    if not settings.redis_url:
        return TransactionalStorage(MemoryStorage()), None
    from aiogram.fsm.storage.redis import RedisStorage

    storage = RedisStorage.from_url(
        settings.redis_url, key_builder=DefaultKeyBuilder(prefix=prefix, with_bot_id=True)
    )
    return TransactionalStorage(storage), storage.create_isolation()


_UNSET: Any = object()


@dataclass
class _Pending:
    state: Any = _UNSET  # str | None once written
    data: Any = _UNSET  # dict once written


class FsmBuffer:
    """The FSM writes of one update, held until its database transaction commits."""

    def __init__(self, storage: BaseStorage) -> None:
        self._storage = storage
        self.writes: dict[StorageKey, _Pending] = {}

    async def flush(self) -> None:
        """Apply the writes to the real storage (after commit)."""
        writes, self.writes = self.writes, {}
        for key, pending in writes.items():
            if pending.state is not _UNSET:
                await self._storage.set_state(key, pending.state)
            if pending.data is not _UNSET:
                await self._storage.set_data(key, pending.data)


_buffer: ContextVar[FsmBuffer | None] = ContextVar("citizen_desk_fsm_buffer", default=None)


class TransactionalStorage(BaseStorage):
    """FSM storage whose writes follow the update's database transaction.

    Inside :meth:`buffer` (one update's processing task), ``set_state``/``set_data`` go to a
    buffer that reads see, and reach the real storage only through ``FsmBuffer.flush`` after
    the commit. A rolled-back update (a database failure: Telegram delivers it again) leaves
    the conversation where it was, so the redelivered update finds the same form and, for
    example, creates its ticket exactly once. Outside a buffer it writes through.
    """

    def __init__(self, inner: BaseStorage) -> None:
        self.inner = inner

    @contextlib.contextmanager
    def buffer(self) -> Iterator[FsmBuffer]:
        buf = FsmBuffer(self.inner)
        token = _buffer.set(buf)
        try:
            yield buf
        finally:
            _buffer.reset(token)

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        buf = _buffer.get()
        value = state.state if isinstance(state, State) else state
        if buf is None:
            await self.inner.set_state(key, value)
        else:
            buf.writes.setdefault(key, _Pending()).state = value

    async def get_state(self, key: StorageKey) -> str | None:
        buf = _buffer.get()
        pending = buf.writes.get(key) if buf is not None else None
        if pending is not None and pending.state is not _UNSET:
            return pending.state  # type: ignore[no-any-return]
        return await self.inner.get_state(key)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        buf = _buffer.get()
        if buf is None:
            await self.inner.set_data(key, data)
        else:
            buf.writes.setdefault(key, _Pending()).data = copy.deepcopy(dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        buf = _buffer.get()
        pending = buf.writes.get(key) if buf is not None else None
        if pending is not None and pending.data is not _UNSET:
            return copy.deepcopy(pending.data)  # type: ignore[no-any-return]
        return await self.inner.get_data(key)

    async def close(self) -> None:
        await self.inner.close()
