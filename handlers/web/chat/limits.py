"""Per-visitor and per-IP rate limits of the web chat's POSTs (429 with ``Retry-After``).

A token bucket per key (``rate`` per minute, bursts up to ``rate``), kept in memory per
process (with several instances each enforces its own share); idle buckets are dropped so a
flood of addresses cannot grow it without bound. ``clock`` (seconds, monotonic) is injectable.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["RateLimiter"]

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

    def _prune(self, now: float) -> None:
        full = self.burst / self.rate  # seconds to refill completely
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full}
