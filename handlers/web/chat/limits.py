"""Per-visitor and per-IP rate limits of the web chat's POSTs (429 with ``Retry-After``).

A token bucket per key (``rate`` per minute, bursts up to ``rate``). :class:`RateLimiter`
keeps them in memory per process; idle buckets are dropped so a flood of addresses cannot
grow it without bound; ``clock`` (seconds, monotonic) is injectable. With ``REDIS_URL`` set,
:class:`SharedRateLimiter` keeps them in Redis (one atomic script per take), so several
instances behind a load balancer enforce one limit together; the keys are HMACs of the
visitor id or address (no IP address is written to Redis) and expire once the bucket would
be full again. If Redis does not answer, the instance's own bucket decides meanwhile (a
warning is logged): a limit is never a reason to refuse a citizen with a 5xx.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from typing import Any

__all__ = ["RateLimiter", "SharedRateLimiter"]

log = logging.getLogger(__name__)

MAX_KEYS = 100_000


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(per_minute)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, key: str) -> float:
        """0 when allowed (one token taken), else the seconds until the next token."""
        now = self.clock()
        tokens, at = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - at) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return (1 - tokens) / self.rate
        self._buckets[key] = (tokens - 1, now)
        if len(self._buckets) > MAX_KEYS:
            self._prune(now)
        return 0.0

    async def acquire(self, key: str) -> float:
        """:meth:`take`, as the shared limiter is called."""
        return self.take(key)

    def _prune(self, now: float) -> None:
        full = self.burst / self.rate  # seconds to refill completely
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full}


# KEYS[1] the bucket; ARGV: rate per second, burst, now (seconds), ttl (ms). Returns the wait
# in milliseconds (0: allowed, one token taken).
_TAKE = """
local rate, burst, now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
local got = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens, at = tonumber(got[1]), tonumber(got[2])
if tokens == nil then tokens, at = burst, now end
if now > at then tokens = math.min(burst, tokens + (now - at) * rate) end
if tokens < 1 then
  redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(math.max(now, at)))
  redis.call('PEXPIRE', KEYS[1], ttl)
  return math.ceil((1 - tokens) / rate * 1000)
end
redis.call('HSET', KEYS[1], 't', tostring(tokens - 1), 'at', tostring(math.max(now, at)))
redis.call('PEXPIRE', KEYS[1], ttl)
return 0
"""


class SharedRateLimiter:
    """The same token bucket in Redis, shared by every instance (see the module docstring).
    ``client``: a ``redis.asyncio`` client; ``name``: what is limited (``visitor``, ``ip``);
    ``secret``: keys the HMAC of the limited value (called when needed: the web chat's signing
    key may load after start); ``clock``: wall seconds (instances'
    clocks agree to well under a second, the bucket's resolution)."""

    def __init__(
        self,
        client: Any,
        per_minute: int,
        *,
        name: str,
        secret: Callable[[], bytes],
        prefix: str = "citizen-desk:webchat:rate",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.rate = per_minute / 60.0
        self.burst = float(per_minute)
        self.name = name
        self.prefix = prefix
        self.clock = clock
        self._secret = secret
        self._ttl_ms = int(self.burst / self.rate * 1000) + 1000
        self._script = client.register_script(_TAKE)
        self.local = RateLimiter(per_minute)  # while Redis does not answer
        self._warned = False

    def key(self, value: str) -> str:
        mac = hmac.new(self._secret(), f"{self.name}:{value}".encode(), hashlib.sha256)
        return f"{self.prefix}:{self.name}:{mac.hexdigest()[:32]}"

    async def acquire(self, value: str) -> float:
        """0 when allowed (one token taken), else the seconds until the next token."""
        try:
            wait_ms = await self._script(
                keys=[self.key(value)],
                args=[repr(self.rate), repr(self.burst), repr(self.clock()), self._ttl_ms],
            )
        except Exception as exc:  # Redis is away: this instance's own bucket meanwhile
            if not self._warned:
                log.warning(
                    "web chat rate limit: Redis unavailable (%s: %s); limiting per instance",
                    type(exc).__name__,
                    exc,
                )
                self._warned = True
            return self.local.take(value)
        self._warned = False
        return int(wait_ms) / 1000.0
