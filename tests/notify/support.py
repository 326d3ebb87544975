"""A small departments file for the rendering tests."""

from __future__ import annotations

from tests.support.config import department
from tickets.config.desk import DepartmentConfig, DeskConfig


def _dept(slug: str, zh: str, en: str, chat: int | None) -> DepartmentConfig:
    return department(slug, zh, en, chat=chat)


def desk() -> DeskConfig:
    return DeskConfig(
        departments={
            "housing": _dept("housing", "住建局", "Housing Bureau", -1001),
            "transport": _dept("transport", "交通局", "Transport Bureau", -1002),
        }
    )
