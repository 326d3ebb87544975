"""Announcement hours: outside them (default 08:00-21:00 city time) nothing non-urgent is sent.

``ANNOUNCE_HOURS`` (``"08:00-21:00"``) gives the window; :meth:`SendingHours.next_open` is
when a non-urgent announcement may go out next (``now`` when inside the window).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

__all__ = ["DEFAULT_HOURS", "SendingHours", "parse_hours"]

DEFAULT_HOURS = "08:00-21:00"


def parse_hours(value: str) -> tuple[time, time]:
    """``"08:00-21:00"`` -> (08:00, 21:00); raises ``ValueError`` with the reason."""
    try:
        start_text, end_text = value.strip().split("-")
        start = time.fromisoformat(start_text.strip())
        end = time.fromisoformat(end_text.strip())
    except ValueError:
        raise ValueError(
            f"announcement hours {value!r}: use HH:MM-HH:MM, e.g. 08:00-21:00"
        ) from None
    if not start < end:
        raise ValueError(f"announcement hours {value!r}: the start must come before the end")
    return start, end


@dataclass(frozen=True)
class SendingHours:
    start: time
    end: time
    tz: tzinfo

    @classmethod
    def of(cls, value: str, tz: tzinfo | str) -> SendingHours:
        start, end = parse_hours(value)
        return cls(start, end, ZoneInfo(tz) if isinstance(tz, str) else tz)

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.tz).time()
        return self.start <= local < self.end

    def next_open(self, now: datetime) -> datetime:
        """``now`` inside the window; else the next start (today's or tomorrow's), in UTC."""
        if self.is_open(now):
            return now
        local = now.astimezone(self.tz)
        day = local.date()
        if local.time() >= self.end:
            day += timedelta(days=1)
        opening = datetime.combine(day, self.start, tzinfo=self.tz)
        return opening.astimezone(now.tzinfo)
