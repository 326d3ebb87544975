"""Telegram's sending limits (1 message/s per chat, 20/min per group, 30/s overall)."""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Callable


class RateLimiter:
    """Sliding windows over an injectable clock; ``check`` returns retry_after or None."""

    def __init__(
        self,
        clock: Callable[[], float],
        per_chat: tuple[int, float] = (1, 1.0),
        per_group: tuple[int, float] = (20, 60.0),
        overall: tuple[int, float] = (30, 1.0),
    ) -> None:
        self.clock = clock
        self.per_chat = per_chat
        self.per_group = per_group
        self.overall = overall
        self._chats: dict[int | str, deque[float]] = defaultdict(deque)
        self._all: deque[float] = deque()

    def _limit_for(self, chat_id: int | str) -> tuple[int, float]:
        is_group = isinstance(chat_id, str) or chat_id < 0
        return self.per_group if is_group else self.per_chat

    @staticmethod
    def _retry_after(window: deque[float], limit: tuple[int, float], now: float) -> int | None:
        count, seconds = limit
        while window and window[0] <= now - seconds:
            window.popleft()
        if len(window) < count:
            return None
        return max(1, math.ceil(window[0] + seconds - now))

    def check(self, chat_id: int | str) -> int | None:
        now = self.clock()
        chat_wait = self._retry_after(self._chats[chat_id], self._limit_for(chat_id), now)
        all_wait = self._retry_after(self._all, self.overall, now)
        waits = [w for w in (chat_wait, all_wait) if w is not None]
        return max(waits) if waits else None

    def record(self, chat_id: int | str) -> None:
        now = self.clock()
        self._chats[chat_id].append(now)
        self._all.append(now)
