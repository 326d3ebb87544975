"""aiogram FSM storage: the database by default, Redis when several instances share one bot.

Conversation state (the step of a request form and its draft) must survive a restart, with or
without Redis. Without ``REDIS_URL`` it lives in the ``conversation_state`` table
(:class:`DatabaseStorage`) and the FSM writes of an update are written in that update's own
transaction, just before its commit: committed together or not at all. With Redis they are
applied right after the commit. Either way a rolled-back update leaves the conversation where
it was (:class:`TransactionalStorage`).
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
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
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings
from bot.db import SessionFactory
from tickets.clock import Clock, SystemClock
from tickets.conversations import (
    Conversation,
    load_conversation,
    prune_conversations,
    save_conversation,
    set_conversation_field,
)

DEFAULT_PREFIX = "citizen-desk:fsm"


def create_storage(
    settings: Settings,
    *,
    prefix: str = DEFAULT_PREFIX,
    session_factory: SessionFactory | None = None,
    clock: Clock | None = None,
) -> tuple[TransactionalStorage, BaseEventIsolation | None]:
    """``RedisStorage`` + ``RedisEventIsolation`` when ``REDIS_URL`` is set, else the
    database (memory when no ``session_factory`` is given: a dispatcher without a database),
    wrapped so that FSM writes follow the update's database transaction.

    The Redis isolation lock serialises the updates of one chat across instances; without
    Redis aiogram's default (no isolation) stays, and the database storage's version check
    keeps concurrent updates of one conversation from both winning.
    """
    ttl = timedelta(days=settings.conversation_ttl_days)
    if settings.redis_url:
        from aiogram.fsm.storage.redis import RedisStorage

        storage = RedisStorage.from_url(
            settings.redis_url,
            key_builder=DefaultKeyBuilder(prefix=prefix, with_bot_id=True),
            state_ttl=ttl,
            data_ttl=ttl,
        )
        return TransactionalStorage(storage), storage.create_isolation()
    if session_factory is None:
        return TransactionalStorage(MemoryStorage()), None
    return TransactionalStorage(DatabaseStorage(session_factory, clock=clock)), None


def storage_key(key: StorageKey) -> str:
    """The ``conversation_state.key`` of an aiogram key: every part of it, in order."""
    thread = "" if key.thread_id is None else str(key.thread_id)
    business = key.business_connection_id or ""
    return f"{key.bot_id}:{key.chat_id}:{key.user_id}:{thread}:{business}:{key.destiny}"


class ConversationConflict(Exception):
    """Another update changed this conversation since this one read it: run it again."""


class DatabaseStorage(BaseStorage):
    """Conversation state in the ``conversation_state`` table (:mod:`tickets.conversations`).

    Inside an update, :class:`TransactionalStorage` reads and writes through the update's own
    session (:meth:`load`, :meth:`save`). Called directly (outside an update), each call is a
    short transaction of its own.
    """

    def __init__(self, session_factory: SessionFactory, *, clock: Clock | None = None) -> None:
        self.session_factory = session_factory
        self.clock: Clock = clock or SystemClock()

    # -- in the caller's transaction ------------------------------------------------------

    async def load(self, session: AsyncSession, key: StorageKey) -> Conversation | None:
        return await load_conversation(session, storage_key(key))

    async def save(
        self,
        session: AsyncSession,
        key: StorageKey,
        *,
        read: Conversation | None,
        state: str | None,
        data: dict[str, Any],
    ) -> None:
        """Write what the update decided, if the conversation is still as it read it."""
        saved = await save_conversation(
            session,
            storage_key(key),
            chat_id=key.chat_id,
            user_id=key.user_id,
            state=state,
            data=data,
            read=read,
            now=self.clock.now(),
        )
        if not saved:
            raise ConversationConflict(f"conversation {storage_key(key)} changed meanwhile")

    async def set_field(self, session: AsyncSession, key: StorageKey, **value: Any) -> None:
        await set_conversation_field(
            session,
            storage_key(key),
            chat_id=key.chat_id,
            user_id=key.user_id,
            now=self.clock.now(),
            **value,
        )

    # -- BaseStorage (each call its own transaction) --------------------------------------

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        async with self.session_factory() as session, session.begin():
            await self.set_field(session, key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self.session_factory() as session:
            found = await self.load(session, key)
        return found.state if found is not None else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        async with self.session_factory() as session, session.begin():
            await self.set_field(session, key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self.session_factory() as session:
            found = await self.load(session, key)
        return found.data if found is not None else {}

    async def prune(self, before: datetime) -> int:
        """Delete the conversations nobody touched since ``before``."""
        async with self.session_factory() as session, session.begin():
            return await prune_conversations(session, before)

    async def close(self) -> None:
        return None  # the engine belongs to the app


_UNSET: Any = object()


@dataclass
class _Pending:
    state: Any = _UNSET  # str | None once written
    data: Any = _UNSET  # dict once written


class FsmBuffer:
    """The FSM writes of one update, held until its database transaction commits.

    With a :class:`DatabaseStorage` and the update's ``session`` set, conversations are read
    once through that session and :meth:`flush` writes them into it (call it before the
    commit); otherwise :meth:`flush` applies the writes to the storage (after the commit).
    """

    def __init__(self, storage: BaseStorage) -> None:
        self._storage = storage
        self.writes: dict[StorageKey, _Pending] = {}
        self.session: AsyncSession | None = None
        self._read: dict[StorageKey, Conversation | None] = {}

    @property
    def transactional(self) -> bool:
        """True when the writes go into the update's own transaction."""
        return self.session is not None and isinstance(self._storage, DatabaseStorage)

    async def stored(self, key: StorageKey) -> Conversation | None:
        """The conversation as stored when this update first looked (transactional only)."""
        if key not in self._read:
            assert self.session is not None and isinstance(self._storage, DatabaseStorage)
            self._read[key] = await self._storage.load(self.session, key)
        return self._read[key]

    async def flush(self) -> None:
        """Write the buffered changes: into the update's transaction (before its commit) or
        to the storage (after it). Raises :class:`ConversationConflict` when a conversation
        changed since this update read it (the transaction must then roll back)."""
        writes, self.writes = self.writes, {}
        if self.transactional:
            await self._flush_into_transaction(writes)
            return
        for key, pending in writes.items():
            if pending.state is not _UNSET:
                await self._storage.set_state(key, pending.state)
            if pending.data is not _UNSET:
                await self._storage.set_data(key, pending.data)

    async def _flush_into_transaction(self, writes: dict[StorageKey, _Pending]) -> None:
        storage, session = self._storage, self.session
        assert isinstance(storage, DatabaseStorage) and session is not None
        for key, pending in writes.items():
            if key not in self._read:  # written without being read: set what was written
                if pending.state is not _UNSET:
                    await storage.set_field(session, key, state=pending.state)
                if pending.data is not _UNSET:
                    await storage.set_field(session, key, data=pending.data)
                continue
            read = self._read[key]
            state = pending.state if pending.state is not _UNSET else (read.state if read else None)
            data = pending.data if pending.data is not _UNSET else (read.data if read else {})
            if read is not None and (state, data) == (read.state, read.data):
                continue  # nothing changed
            await storage.save(session, key, read=read, state=state, data=data)


_buffer: ContextVar[FsmBuffer | None] = ContextVar("citizen_desk_fsm_buffer", default=None)


class TransactionalStorage(BaseStorage):
    """FSM storage whose writes follow the update's database transaction.

    Inside :meth:`buffer` (one update's processing task), ``set_state``/``set_data`` go to a
    buffer that reads see. Over a :class:`DatabaseStorage` the buffer writes them in the
    update's transaction before it commits; over memory or Redis they reach the storage
    through ``FsmBuffer.flush`` after the commit. A rolled-back update (a database failure:
    Telegram delivers it again) leaves the conversation where it was, so the redelivered update
    finds the same form and, for example, creates its ticket exactly once. Outside a buffer it
    writes through.
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
        if buf is None:
            return await self.inner.get_state(key)
        pending = buf.writes.get(key)
        if pending is not None and pending.state is not _UNSET:
            return pending.state
        if buf.transactional:
            stored = await buf.stored(key)
            return stored.state if stored is not None else None
        return await self.inner.get_state(key)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        buf = _buffer.get()
        if buf is None:
            await self.inner.set_data(key, data)
        else:
            buf.writes.setdefault(key, _Pending()).data = copy.deepcopy(dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        buf = _buffer.get()
        if buf is None:
            return await self.inner.get_data(key)
        pending = buf.writes.get(key)
        if pending is not None and pending.data is not _UNSET:
            return copy.deepcopy(pending.data)
        if buf.transactional:
            stored = await buf.stored(key)
            return copy.deepcopy(stored.data) if stored is not None else {}
        return await self.inner.get_data(key)

    async def close(self) -> None:
        await self.inner.close()
