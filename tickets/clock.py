"""Clocks: the one place the domain learns what time it is.

Services take a :class:`Clock` as an argument instead of calling ``datetime.now()``, so tests
hand them a :class:`FixedClock` and move time explicitly (never with sleeps).

All datetimes leaving this module are timezone-aware and in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

__all__ = ["Clock", "FixedClock", "SystemClock", "ensure_utc", "utcnow"]


def utcnow() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def ensure_utc(dt: datetime) -> datetime:
    """Return ``dt`` as an aware UTC datetime.

    A naive datetime is *assumed to already be UTC* (SQLite hands back naive values for the
    UTC timestamps we store); an aware one is converted to UTC.
    """
    if not isinstance(dt, datetime):
        raise TypeError(f"expected a datetime, got {type(dt).__name__}")
    if dt.tzinfo is None or dt.tzinfo.utcoffset(dt) is None:
        return dt.replace(tzinfo=UTC)
    if dt.tzinfo is UTC:
        return dt
    return dt.astimezone(UTC)


@runtime_checkable
class Clock(Protocol):
    """Anything that can tell the current instant (aware, UTC)."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock (follows ``time-machine`` in tests as well)."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def __repr__(self) -> str:
        return "SystemClock()"


class FixedClock:
    """A clock that only moves when told to; for tests and ``sweep --at``."""

    def __init__(self, start: datetime) -> None:
        self._now = ensure_utc(start)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock by ``delta`` (may be negative) and return the new instant."""
        self._now = self._now + delta
        return self._now

    def set(self, dt: datetime) -> datetime:
        """Jump to ``dt`` (naive means UTC) and return the new instant."""
        self._now = ensure_utc(dt)
        return self._now

    def __repr__(self) -> str:
        return f"FixedClock({self._now.isoformat()})"
