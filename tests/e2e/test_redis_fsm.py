"""aiogram FSM storage in Redis when REDIS_URL is set (several instances, one bot)."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.asyncio import Redis

from bot.config import load_settings
from bot.fsm import DatabaseStorage, TransactionalStorage, create_storage
from locales import t
from tests.e2e.conftest import StartApp
from tests.emulator import BotAPIEmulator

pytestmark = [pytest.mark.e2e, pytest.mark.redis]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as exc:
        reason = f"Redis not reachable at {REDIS_URL} ({type(exc).__name__}: {exc})"
        if os.environ.get("CI"):
            pytest.fail(f"CI requires Redis: {reason}", pytrace=False)
        pytest.skip(reason)
    finally:
        await client.aclose()
    yield REDIS_URL


@pytest.fixture
async def prefix(redis_url: str) -> AsyncIterator[str]:
    value = f"citizen-desk-test-{uuid.uuid4().hex[:12]}"
    yield value
    client = Redis.from_url(redis_url)
    try:
        keys = [k async for k in client.scan_iter(match=f"{value}:*")]
        if keys:
            await client.delete(*keys)
    finally:
        await client.aclose()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_storage_is_chosen_by_redis_url(redis_url: str, session_factory) -> None:
    storage, isolation = create_storage(load_settings(redis_url=None))
    assert isinstance(storage, TransactionalStorage) and isolation is None
    assert isinstance(storage.inner, MemoryStorage)  # no database given: memory
    no_redis = load_settings(redis_url=None)
    storage, isolation = create_storage(no_redis, session_factory=session_factory)
    assert isinstance(storage.inner, DatabaseStorage) and isolation is None  # the default
    settings = load_settings(redis_url=redis_url, conversation_ttl_days=7)
    storage, isolation = create_storage(settings, prefix="x", session_factory=session_factory)
    try:
        assert isinstance(storage, TransactionalStorage)
        assert isinstance(storage.inner, RedisStorage)
        assert isinstance(isolation, RedisEventIsolation)
        assert storage.inner.state_ttl == storage.inner.data_ttl == timedelta(days=7)
    finally:
        await storage.close()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_app_keeps_fsm_state_in_redis(
    emu: BotAPIEmulator, start_app: StartApp, redis_url: str, prefix: str
) -> None:
    app = await start_app(redis_url=redis_url, fsm_prefix=prefix)
    dispatcher, bot = app.runtime.dispatcher, app.runtime.bot
    assert dispatcher is not None and bot is not None
    assert isinstance(dispatcher.storage, TransactionalStorage)
    assert isinstance(dispatcher.storage.inner, RedisStorage)
    citizen = emu.user(language_code="en")
    await (await emu.send_message(citizen, "hello")).delivered()  # runs under the Redis lock
    assert (await emu.next_message(citizen))["text"] == t("en", "chitchat")  # a greeting
    context = dispatcher.fsm.get_context(bot, chat_id=citizen.id, user_id=citizen.id)
    await context.set_state("asking:details")
    client = Redis.from_url(redis_url)
    try:
        keys = [k.decode() async for k in client.scan_iter(match=f"{prefix}:*")]
        assert any(k.endswith(f"{citizen.id}:{citizen.id}:state") for k in keys), keys
    finally:
        await client.aclose()
    assert await context.get_state() == "asking:details"
