from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import time_machine

from tests.calendar.helpers import sh
from tickets.clock import Clock, FixedClock, SystemClock, ensure_utc, utcnow


def test_ensure_utc_assumes_naive_is_utc() -> None:
    out = ensure_utc(datetime(2026, 2, 14, 9, 30))
    assert out == datetime(2026, 2, 14, 9, 30, tzinfo=UTC)
    assert out.tzinfo is UTC


def test_ensure_utc_converts_aware() -> None:
    out = ensure_utc(sh(2026, 2, 14, 9, 30))
    assert out.tzinfo is UTC
    assert (out.hour, out.minute, out.day) == (1, 30, 14)
    plus5 = datetime(2026, 1, 1, 2, 0, tzinfo=timezone(timedelta(hours=5)))
    assert ensure_utc(plus5) == datetime(2025, 12, 31, 21, 0, tzinfo=UTC)


def test_ensure_utc_rejects_non_datetime() -> None:
    with pytest.raises(TypeError):
        ensure_utc("2026-01-01")  # type: ignore[arg-type]


def test_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock(datetime(2026, 3, 6, 8, 0))
    assert clock.now() == datetime(2026, 3, 6, 8, 0, tzinfo=UTC)
    assert clock.now() == clock.now()
    assert clock.advance(timedelta(hours=2)) == datetime(2026, 3, 6, 10, 0, tzinfo=UTC)
    assert clock.now() == datetime(2026, 3, 6, 10, 0, tzinfo=UTC)
    clock.advance(timedelta(minutes=-30))
    assert clock.now() == datetime(2026, 3, 6, 9, 30, tzinfo=UTC)
    assert clock.set(sh(2026, 10, 8, 9)) == datetime(2026, 10, 8, 1, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


def test_clocks_satisfy_protocol() -> None:
    assert isinstance(SystemClock(), Clock)
    assert isinstance(FixedClock(utcnow()), Clock)


def test_system_clock_is_aware_utc_and_follows_time_machine() -> None:
    now = SystemClock().now()
    assert now.tzinfo is UTC
    assert abs(now - utcnow()) < timedelta(seconds=5)
    with time_machine.travel(datetime(2027, 5, 4, 3, 2, 1, tzinfo=UTC), tick=False):
        assert SystemClock().now() == datetime(2027, 5, 4, 3, 2, 1, tzinfo=UTC)
        assert utcnow() == datetime(2027, 5, 4, 3, 2, 1, tzinfo=UTC)
