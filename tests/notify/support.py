"""A small departments file for the rendering tests."""

from __future__ import annotations

from tickets.config.desk import BUILTIN_SLA, DepartmentConfig, DeskConfig, Sla
from tickets.lifecycle import DEMAND_TYPES
from tickets.worktime.durations import parse_window


def _dept(slug: str, zh: str, en: str, chat: int | None) -> DepartmentConfig:
    return DepartmentConfig(
        slug=slug,
        name={"zh": zh, "en": en},
        staff_chat_id=chat,
        head_user_id=None,
        transfer_clock="keep",
        sla={
            t: Sla(parse_window(BUILTIN_SLA[t][0]), parse_window(BUILTIN_SLA[t][1]))
            for t in DEMAND_TYPES
        },
        urgent=Sla(parse_window("1h"), parse_window("same_day")),
    )


def desk() -> DeskConfig:
    return DeskConfig(
        departments={
            "housing": _dept("housing", "住建局", "Housing Bureau", -1001),
            "transport": _dept("transport", "交通局", "Transport Bureau", -1002),
        }
    )
