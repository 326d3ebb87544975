"""Departments files built in code, and local times: the same builders for every area's tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from tickets.config.desk import BUILTIN_SLA, CannedReply, DepartmentConfig, Sla
from tickets.lifecycle import DEMAND_TYPES
from tickets.worktime.durations import parse_window

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given in Shanghai local time (the sample city's zone)."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def sla(response: str, resolution: str) -> Sla:
    return Sla(parse_window(response), parse_window(resolution))


def department(
    slug: str,
    zh: str,
    en: str,
    *,
    chat: int | None,
    head: int | None = None,
    canned: Sequence[CannedReply] = (),
    transfer_clock: str = "keep",
) -> DepartmentConfig:
    """A department with the built-in windows for every demand type (urgent: 1 h / same day)."""
    return DepartmentConfig(
        slug=slug,
        name={"zh": zh, "en": en},
        staff_chat_id=chat,
        head_user_id=head,
        sla={t: sla(*BUILTIN_SLA[t]) for t in DEMAND_TYPES},
        urgent=sla("1h", "same_day"),
        transfer_clock=transfer_clock,  # type: ignore[arg-type]
        canned_replies=tuple(canned),
    )
