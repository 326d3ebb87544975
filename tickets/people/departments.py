"""Departments in the database: synced from the departments file, and looked up.

:func:`sync_departments` makes the ``department`` table match a validated :class:`DeskConfig`:
departments are upserted by slug, and those no longer in the file are *deactivated*, never
deleted (tickets and staff keep referring to them). It does not commit: the caller does, so a
sync can share a transaction with whatever triggered it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.config.desk import DepartmentConfig, DeskConfig
from tickets.models import Department

__all__ = [
    "SyncReport",
    "department_values",
    "get_department",
    "get_department_by_id",
    "list_departments",
    "sync_departments",
]


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    reactivated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.reactivated or self.deactivated)

    def summary(self) -> str:
        """One line such as ``departments: 2 added, 1 updated, 7 unchanged``."""
        parts = [
            f"{len(getattr(self, name))} {name}"
            for name in ("added", "updated", "reactivated", "deactivated", "unchanged")
            if getattr(self, name)
        ]
        return "departments: " + (", ".join(parts) or "none")


def department_values(dept: DepartmentConfig) -> dict[str, Any]:
    """The column values a department row gets from its configuration."""
    return {
        "name_zh": dept.name_for("zh")[:200],
        "name_en": dept.name_for("en")[:200],
        "staff_chat_id": dept.staff_chat_id,
        "head_user_id": dept.head_user_id,
        "settings": dept.settings_json(),
    }


async def sync_departments(
    session: AsyncSession, config: DeskConfig, *, now: datetime
) -> SyncReport:
    """Upsert the configured departments by slug and deactivate the ones removed from the file."""
    report = SyncReport()
    rows = {d.slug: d for d in (await session.exec(select(Department))).all()}
    for slug, dept in config.departments.items():
        values = department_values(dept)
        row = rows.get(slug)
        if row is None:
            session.add(Department(slug=slug, active=True, updated_at=now, **values))
            report.added.append(slug)
            continue
        changed = any(getattr(row, key) != value for key, value in values.items())
        if changed:
            for key, value in values.items():
                setattr(row, key, value)  # JSON is replaced, not mutated: change-tracked
        if not row.active:
            row.active = True
            report.reactivated.append(slug)
        elif changed:
            report.updated.append(slug)
        else:
            report.unchanged.append(slug)
        if changed or slug in report.reactivated:
            row.updated_at = now
            session.add(row)
    for slug, row in rows.items():
        if slug not in config.departments and row.active:
            row.active = False
            row.updated_at = now
            session.add(row)
            report.deactivated.append(slug)
    await session.flush()
    return report


async def get_department(
    session: AsyncSession, slug: str, *, active_only: bool = False
) -> Department | None:
    """The department with ``slug`` (inactive ones too unless ``active_only``)."""
    query = select(Department).where(Department.slug == slug)
    if active_only:
        query = query.where(col(Department.active).is_(True))
    return (await session.exec(query)).first()


async def get_department_by_id(session: AsyncSession, department_id: int) -> Department | None:
    return await session.get(Department, department_id)


async def list_departments(session: AsyncSession, active_only: bool = True) -> list[Department]:
    """Departments ordered by slug."""
    query = select(Department).order_by(col(Department.slug))
    if active_only:
        query = query.where(col(Department.active).is_(True))
    return list((await session.exec(query)).all())
