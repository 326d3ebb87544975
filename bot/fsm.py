"""aiogram FSM storage: Redis when several instances share one bot, memory otherwise."""

from __future__ import annotations

from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage

from bot.config import Settings

DEFAULT_PREFIX = "citizen-desk:fsm"


def create_storage(
    settings: Settings, *, prefix: str = DEFAULT_PREFIX
) -> tuple[BaseStorage, BaseEventIsolation | None]:
    """``RedisStorage`` + ``RedisEventIsolation`` when ``REDIS_URL`` is set, else memory.

    The isolation lock serialises the updates of one chat across instances.
    """
    if not settings.redis_url:
        return MemoryStorage(), None
    from aiogram.fsm.storage.redis import RedisStorage

    storage = RedisStorage.from_url(
        settings.redis_url, key_builder=DefaultKeyBuilder(prefix=prefix, with_bot_id=True)
    )
    return storage, storage.create_isolation()
