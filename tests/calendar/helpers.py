"""Helpers shared by the calendar tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given in Shanghai local time."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
