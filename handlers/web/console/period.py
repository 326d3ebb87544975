"""The dashboard's period: the last N days (ending now), or local dates ``from``..``to``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from handlers.web.console.filters import parse_date

__all__ = ["PRESETS", "Period", "parse_period"]

PRESETS = (7, 30, 90, 365)
MAX_DAYS = 3660


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    days: int | None  # a preset, or None for explicit dates
    date_from: str = ""
    date_to: str = ""
    error: bool = False


def parse_period(query: Mapping[str, str], *, now: datetime, tz: tzinfo) -> Period:
    """``days=N`` (1..3660; default 30) or ``from=YYYY-MM-DD&to=YYYY-MM-DD`` (both local
    days included). A bad value falls back to the last 30 days with ``error`` set."""
    date_from, date_to = query.get("from", "").strip(), query.get("to", "").strip()
    if date_from or date_to:
        start = parse_date(date_from, tz) if date_from else None
        last = parse_date(date_to, tz) if date_to else None
        if start is not None and last is None and not date_to:
            last = datetime.combine(now.astimezone(tz).date(), time(0), tzinfo=tz)
        if start is not None and last is not None and start <= last:
            end = datetime.combine(last.date() + timedelta(days=1), time(0), tzinfo=tz)
            if end - start <= timedelta(days=MAX_DAYS):
                return Period(start, end, None, date_from, date_to or f"{last:%Y-%m-%d}")
        return Period(now - timedelta(days=30), now, 30, error=True)
    text = query.get("days", "").strip() or "30"
    if text.isdigit() and 1 <= int(text) <= MAX_DAYS:
        days = int(text)
        return Period(now - timedelta(days=days), now, days)
    return Period(now - timedelta(days=30), now, 30, error=True)
