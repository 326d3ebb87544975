"""The scheduler's rules: when to remind, nag, escalate, digest, call back and auto-close.

:class:`SweepPolicy` is frozen; build it with defaults or from the ``scheduler:`` section of the
departments file with :meth:`SweepPolicy.from_mapping`, which raises ``ValueError`` naming the
bad key and the accepted forms. Windows are read with :func:`tickets.worktime.durations.parse_window`
and count *working* time in the city's calendar ("2h" = two working hours, "1d" = one working
day: the end of the next working day).

Keys (all optional)::

    scheduler:
      reminder_share: 0.75        # remind when this share of the response window has passed
      nag_interval: 2h            # repeat nags every this much working time while overdue
      urge_after: 1d              # 督办 to the department head once this overdue
      reprimand_after: 3d         # reprimand to administrators once this overdue
      quiet_hours: true           # send nothing outside working time (batched at next start)
      quiet_grace: 15m            # a sweep this soon after working time still sends ("0" = none)
      digest_time: "09:00"        # daily department digest (working days when quiet_hours)
      weekly_day: mon             # weekly summary to administrators ...
      weekly_time: "09:00"        # ... at this local time
      auto_close_after: 3d        # close answered tickets the citizen did not react to
      closure_callback: true      # next working day ask the citizen "really solved?"
      callback_max_age: 7d        # working days after closure the question may still go out
      staff_lang: zh              # language of staff/administrator messages (zh | en)
      satisfied_min_rating: 4     # ratings >= this count as satisfied (1..5)
      batch_size: 500             # tickets per transaction
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import time, timedelta
from typing import Any

from tickets.worktime.durations import WindowKind, WorkWindow, parse_window

__all__ = ["POLICY_KEYS", "WEEKDAYS", "SweepPolicy"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_NAG = WorkWindow.hours(2)
_URGE = WorkWindow.days(1)
_REPRIMAND = WorkWindow.days(3)
_AUTO_CLOSE = WorkWindow.days(3)
_CALLBACK_AGE = WorkWindow.days(7)
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class SweepPolicy:
    reminder_share: float = 0.75
    nag_interval: WorkWindow = _NAG
    urge_after: WorkWindow = _URGE
    reprimand_after: WorkWindow = _REPRIMAND
    quiet_hours: bool = True
    quiet_grace: timedelta = timedelta(minutes=15)
    digest_time: time = time(9, 0)
    weekly_day: int = 0  # Monday
    weekly_time: time = time(9, 0)
    auto_close_after: WorkWindow = _AUTO_CLOSE
    closure_callback: bool = True
    callback_max_age: WorkWindow = _CALLBACK_AGE
    staff_lang: str = "zh"
    satisfied_min_rating: int = 4
    batch_size: int = 500

    def __post_init__(self) -> None:
        if not 0 < self.reminder_share < 1:
            raise ValueError(
                f"scheduler.reminder_share must be between 0 and 1 (e.g. 0.75), got {self.reminder_share!r}"
            )
        if self.nag_interval.kind is not WindowKind.WORKING_TIME:
            raise ValueError(
                f"scheduler.nag_interval must be an amount of working time such as '2h' or "
                f"'90m', got {self.nag_interval}"
            )
        if self.quiet_grace < timedelta(0):
            raise ValueError("scheduler.quiet_grace must not be negative")
        if not 0 <= self.weekly_day <= 6:
            raise ValueError(f"scheduler.weekly_day must be one of {', '.join(WEEKDAYS)}")
        if self.staff_lang not in ("zh", "en"):
            raise ValueError(f"scheduler.staff_lang must be zh or en, got {self.staff_lang!r}")
        if not 1 <= self.satisfied_min_rating <= 5:
            raise ValueError("scheduler.satisfied_min_rating must be 1 to 5")
        if not 1 <= self.batch_size <= 10_000:
            raise ValueError("scheduler.batch_size must be 1 to 10000")

    @property
    def nag_step(self) -> timedelta:
        """The nag interval as working time."""
        return self.nag_interval.working_time

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> SweepPolicy:
        """Read the ``scheduler:`` section; unknown keys and bad values raise ``ValueError``."""
        if data is None:
            return cls()
        if not isinstance(data, Mapping):
            raise ValueError("scheduler: must be a mapping of settings")
        unknown = sorted(set(data) - set(POLICY_KEYS))
        if unknown:
            raise ValueError(
                f"scheduler: unknown key(s) {', '.join(map(repr, unknown))}; "
                f"known: {', '.join(POLICY_KEYS)}"
            )
        values: dict[str, Any] = {}
        for key, raw in data.items():
            try:
                values[key] = _PARSERS[key](raw)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"scheduler.{key}: {exc}") from None
        return cls(**values)

    def to_mapping(self) -> dict[str, Any]:
        """The policy as ``from_mapping`` reads it back (for ``--help`` and logs)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, WorkWindow):
                value = str(value)
            elif isinstance(value, time):
                value = value.strftime("%H:%M")
            elif isinstance(value, timedelta):
                value = f"{int(value.total_seconds() // 60)}m"
            elif f.name == "weekly_day":
                value = WEEKDAYS[value]
            out[f.name] = value
        return out


def _share(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError("expected a number between 0 and 1 such as 0.75")
    if isinstance(raw, str) and raw.strip().endswith("%"):
        return float(raw.strip()[:-1]) / 100
    return float(raw)


def _bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("on", "yes", "true", "1"):
        return True
    if isinstance(raw, str) and raw.strip().lower() in ("off", "no", "false", "0"):
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def _time(raw: Any) -> time:
    if isinstance(raw, int) and not isinstance(raw, bool):  # YAML 1.1 reads 09:00 as 540
        raw = f"{raw // 60:02d}:{raw % 60:02d}"
    m = _TIME_RE.match(str(raw).strip())
    if m is None:
        raise ValueError(f"expected a local time HH:MM such as '09:00', got {raw!r}")
    return time(int(m.group(1)), int(m.group(2)))


def _weekday(raw: Any) -> int:
    s = str(raw).strip().lower()[:3]
    if s not in WEEKDAYS:
        raise ValueError(f"expected one of {', '.join(WEEKDAYS)}, got {raw!r}")
    return WEEKDAYS.index(s)


def _grace(raw: Any) -> timedelta:
    if raw in (0, "0", "0m", "", None):
        return timedelta(0)
    w = parse_window(str(raw))
    if w.kind is not WindowKind.WORKING_TIME:
        raise ValueError(f"expected minutes such as '15m', got {raw!r}")
    return w.working_time


def _window(raw: Any) -> WorkWindow:
    return parse_window(
        str(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else raw
    )


def _lang(raw: Any) -> str:
    return str(raw).strip().lower()[:2]


def _int(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError(f"expected a whole number, got {raw!r}")
    return int(raw)


_PARSERS: dict[str, Any] = {
    "reminder_share": _share,
    "nag_interval": _window,
    "urge_after": _window,
    "reprimand_after": _window,
    "quiet_hours": _bool,
    "quiet_grace": _grace,
    "digest_time": _time,
    "weekly_day": _weekday,
    "weekly_time": _time,
    "auto_close_after": _window,
    "closure_callback": _bool,
    "callback_max_age": _window,
    "staff_lang": _lang,
    "satisfied_min_rating": _int,
    "batch_size": _int,
}
POLICY_KEYS: tuple[str, ...] = tuple(_PARSERS)
