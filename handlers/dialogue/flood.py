"""Flood control for any channel: more than ``limit`` messages or button presses within
``window`` (an album counts once) get one polite "slow down" message saying that what follows
is not processed, then silence (those inputs are dropped, not queued) until ``window`` passed.

In memory, per process: with several instances each counts the inputs it receives, so the
effective limit is per instance.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

__all__ = ["FLOOD_LIMIT", "FLOOD_WINDOW", "FloodGuard", "Verdict"]

# Generous enough for a fast citizen tapping through the form, tight enough to stop a script.
FLOOD_LIMIT = 20
FLOOD_WINDOW = timedelta(seconds=30)
Verdict = Literal["ok", "warn", "drop"]


@dataclass
class _Sender:
    times: deque[datetime] = field(default_factory=deque)
    blocked_until: datetime | None = None
    last_album: str | None = None


class FloodGuard:
    """Per-sender sliding window: ``check`` says ``ok``, ``warn`` (say so once) or ``drop``."""

    def __init__(self, limit: int | None = None, window: timedelta | None = None) -> None:
        limit = FLOOD_LIMIT if limit is None else limit  # read at creation: settable in tests
        window = FLOOD_WINDOW if window is None else window
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        self._senders: dict[object, _Sender] = {}
        self._checks = 0

    def check(self, sender_id: object, now: datetime, album: str | None = None) -> Verdict:
        self._checks += 1
        if self._checks % 1000 == 0:
            self._forget_idle(now)
        sender = self._senders.setdefault(sender_id, _Sender())
        if sender.blocked_until is not None:
            if now < sender.blocked_until:
                return "drop"
            sender.blocked_until = None
        if album is not None and album == sender.last_album:
            return "ok"  # the other pictures of an album already counted
        sender.last_album = album
        while sender.times and sender.times[0] <= now - self.window:
            sender.times.popleft()
        sender.times.append(now)
        if len(sender.times) > self.limit:
            sender.times.clear()
            sender.blocked_until = now + self.window
            return "warn"
        return "ok"

    def _forget_idle(self, now: datetime) -> None:
        idle = [
            key
            for key, s in self._senders.items()
            if (s.blocked_until is None or s.blocked_until <= now)
            and (not s.times or s.times[-1] <= now - self.window)
        ]
        for key in idle:
            del self._senders[key]
