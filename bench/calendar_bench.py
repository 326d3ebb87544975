"""Time per working-calendar call, as a deadline sweep would make them.

Run: .venv/bin/python bench/calendar_bench.py [N]
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from tickets.worktime.calendar import WorkCalendar
from tickets.worktime.durations import parse_window


def _bench(label: str, fn: Callable[[datetime], object], starts: list[datetime]) -> None:
    t0 = time.perf_counter()
    for s in starts:
        fn(s)
    elapsed = time.perf_counter() - t0
    print(f"{label:<42} {elapsed / len(starts) * 1e6:8.2f} µs/call  ({len(starts)} calls)")


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    rng = random.Random(12345)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    span = int(timedelta(days=365).total_seconds())
    starts = [base + timedelta(seconds=rng.randrange(span)) for _ in range(n)]

    t0 = time.perf_counter()
    cal = WorkCalendar()
    cal.is_working_day(starts[0])
    cal.is_working_day(datetime(2027, 6, 1, tzinfo=UTC))
    print(
        f"{'cold start (build + 2026 and 2027 tables)':<42} {(time.perf_counter() - t0) * 1e3:8.2f} ms"
    )

    four_h = timedelta(hours=4)
    w4h, w5d, w13d, wsame = (parse_window(x) for x in ("4h", "5d", "13d", "same_day"))
    _bench("add_working_time(start, 4h)", lambda s: cal.add_working_time(s, four_h), starts)
    _bench("add_working_time(start, 60h)", lambda s: cal.add_working_time(s, 15 * four_h), starts)
    _bench("deadline(start, WorkWindow 4h)", lambda s: cal.deadline(s, w4h), starts)
    _bench("deadline(start, '4h') (parses text)", lambda s: cal.deadline(s, "4h"), starts)
    _bench("deadline(start, 5d)", lambda s: cal.deadline(s, w5d), starts)
    _bench("deadline(start, 13d)", lambda s: cal.deadline(s, w13d), starts)
    _bench("deadline(start, same_day)", lambda s: cal.deadline(s, wsame), starts)
    _bench("reminder_at(start, 4h, 0.75)", lambda s: cal.reminder_at(s, w4h), starts)
    _bench("reminder_at(start, 13d, 0.75)", lambda s: cal.reminder_at(s, w13d), starts)
    _bench("is_working_time(now)", cal.is_working_time, starts)
    _bench("next_working_start(now)", cal.next_working_start, starts)
    week = timedelta(days=7)
    _bench(
        "working_time_between(start, start+7d)",
        lambda s: cal.working_time_between(s, s + week),
        starts,
    )
    _bench("parse_window('1h30m')", lambda s: parse_window("1h30m"), starts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
