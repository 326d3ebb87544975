"""The web chat's rate limits with ``REDIS_URL``: one limit for every instance (a real Redis),
keyed by HMACs (no address is written to Redis), and the instance's own bucket while Redis
does not answer (never a 5xx)."""

from __future__ import annotations

import uuid

import pytest
from redis.asyncio import Redis
from yarl import URL

from handlers.web.chat.limits import SharedRateLimiter
from tests.e2e.conftest import StartApp
from tests.e2e.test_redis_fsm import redis_url  # noqa: F401 (the fixture: skip or fail in CI)

pytestmark = [pytest.mark.e2e, pytest.mark.redis]


def _secret() -> bytes:
    return b"k" * 32


async def test_instances_share_one_bucket_and_keys_name_no_address(
    redis_url: str,  # noqa: F811
) -> None:
    prefix = f"citizen-desk-test-{uuid.uuid4().hex[:12]}"
    a_client, b_client = Redis.from_url(redis_url), Redis.from_url(redis_url)
    now = [1_000_000.0]
    try:
        a = SharedRateLimiter(
            a_client, 3, name="ip", secret=_secret, prefix=prefix, clock=lambda: now[0]
        )
        b = SharedRateLimiter(
            b_client, 3, name="ip", secret=_secret, prefix=prefix, clock=lambda: now[0]
        )
        assert [await a.acquire("203.0.113.7"), await b.acquire("203.0.113.7")] == [0, 0]
        assert await a.acquire("203.0.113.7") == 0
        wait = await b.acquire("203.0.113.7")  # the fourth in a minute, on either instance
        assert 19 < wait <= 20.01
        assert await b.acquire("198.51.100.1") == 0  # another address has its own bucket
        now[0] += 20
        assert await a.acquire("203.0.113.7") == 0  # one token back after 20 s
        keys = [k.decode() async for k in a_client.scan_iter(match=f"{prefix}:*")]
        assert len(keys) == 2 and not any("203.0.113" in k or "198.51" in k for k in keys)
        ttl = await a_client.pttl(keys[0])
        assert 0 < ttl <= 61_000  # gone once the bucket would be full again
    finally:
        keys = [k async for k in a_client.scan_iter(match=f"{prefix}:*")]
        if keys:
            await a_client.delete(*keys)
        await a_client.aclose()
        await b_client.aclose()


async def test_without_redis_the_instance_limits_on_its_own() -> None:
    client = Redis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    try:
        limiter = SharedRateLimiter(client, 2, name="visitor", secret=_secret)
        assert [await limiter.acquire("v1"), await limiter.acquire("v1")] == [0, 0]
        assert await limiter.acquire("v1") > 0  # still limited, by the local bucket
    finally:
        await client.aclose()


async def test_two_instances_behind_a_balancer_enforce_one_limit(
    start_app: StartApp,
    redis_url: str,  # noqa: F811
    visitors,  # type: ignore[no-untyped-def]
) -> None:
    """One visitor's POSTs alternate between two instances sharing Redis: the limit (3 a
    minute) counts them together; the refusal is a 429 with Retry-After."""
    a = await start_app(redis_url=redis_url, webchat_rate=3, scheduler_enabled=False)
    b = await start_app(redis_url=redis_url, webchat_rate=3, scheduler_enabled=False)
    on_a = visitors(a.url)
    await on_a.session()
    on_b = visitors(b.url)
    cookie = next(c.value for c in on_a.http.cookie_jar if c.key == "cd_visitor")
    on_b.http.cookie_jar.update_cookies({"cd_visitor": cookie}, URL(f"{b.url}/chat/"))
    await on_b.session()
    statuses = []
    for v in (on_a, on_b, on_a, on_b):
        response = await v.post({"text": "你好"})
        statuses.append(response.status)
        if response.status == 429:
            assert int(response.headers["Retry-After"]) >= 1
    assert statuses == [202, 202, 202, 429]
