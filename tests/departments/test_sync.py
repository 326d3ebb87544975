"""Syncing the departments file into the database (SQLite file and PostgreSQL)."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.db import SessionFactory
from tickets.config.desk import DeskConfig, load_desk_config
from tickets.people.departments import get_department, list_departments, sync_departments

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
SAMPLE = Path(__file__).resolve().parents[2] / "config" / "departments.yaml"

FIRST = """\
departments:
  - slug: health
    name: {zh: 卫生健康委员会, en: Health Commission}
    staff_chat_id: -1001000000001
    head_user_id: 42
    sla:
      help: {resolution: 3d}
  - slug: utilities
    name: {zh: 公用事业服务中心, en: Utilities}
  - slug: education
    name: {zh: 教育局, en: Education Bureau}
"""

SECOND = """\
defaults:
  transfer_clock: restart
departments:
  - slug: health
    name: {zh: 卫生健康委员会, en: Health Commission}
    staff_chat_id: -1001000000001
    head_user_id: 42
    sla:
      help: {resolution: 3d}
    transfer_clock: keep
  - slug: utilities
    name: {zh: 水电气服务中心, en: Public Utilities}
    staff_chat_id: -1001000000002
  - slug: traffic-police
    name: {zh: 交警支队, en: Traffic Police}
"""


def config(tmp_path: Path, text: str) -> DeskConfig:
    path = tmp_path / "departments.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    result = load_desk_config(path)
    assert result.config is not None, [str(p) for p in result.problems]
    return result.config


async def test_sync_inserts_updates_and_deactivates(
    session_factory: SessionFactory, tmp_path: Path
) -> None:
    async with session_factory() as session:
        report = await sync_departments(session, config(tmp_path, FIRST), now=NOW)
        await session.commit()
    assert report.added == ["health", "utilities", "education"]
    assert report.summary() == "departments: 3 added"

    async with session_factory() as session:
        health = await get_department(session, "health")
        assert health is not None
        assert (health.name_zh, health.name_en) == ("卫生健康委员会", "Health Commission")
        assert health.staff_chat_id == -1001000000001 and health.head_user_id == 42
        assert health.active and health.updated_at == NOW
        assert health.settings["sla"]["help"] == {"response": "4h", "resolution": "3d"}
        assert health.settings["transfer_clock"] == "keep"
        assert [d.slug for d in await list_departments(session)] == [
            "education",
            "health",
            "utilities",
        ]

    # Same file again: nothing changes.
    async with session_factory() as session:
        report = await sync_departments(
            session, config(tmp_path, FIRST), now=NOW + timedelta(hours=1)
        )
        await session.commit()
    assert not report.changed and sorted(report.unchanged) == ["education", "health", "utilities"]

    later = NOW + timedelta(days=1)
    async with session_factory() as session:
        report = await sync_departments(session, config(tmp_path, SECOND), now=later)
        await session.commit()
    assert report.added == ["traffic-police"]
    assert report.updated == ["utilities"]
    assert report.deactivated == ["education"]
    assert report.unchanged == ["health"]

    async with session_factory() as session:
        utilities = await get_department(session, "utilities")
        assert utilities is not None
        assert utilities.name_zh == "水电气服务中心" and utilities.staff_chat_id == -1001000000002
        assert utilities.settings["transfer_clock"] == "restart"
        assert utilities.updated_at == later
        education = await get_department(session, "education")
        assert education is not None and not education.active  # kept, not deleted
        assert await get_department(session, "education", active_only=True) is None
        assert [d.slug for d in await list_departments(session)] == [
            "health",
            "traffic-police",
            "utilities",
        ]
        assert len(await list_departments(session, active_only=False)) == 4
        health = await get_department(session, "health")
        assert health is not None and health.updated_at == NOW  # unchanged row untouched

    # Back in the file: reactivated.
    async with session_factory() as session:
        report = await sync_departments(session, config(tmp_path, FIRST), now=later)
        await session.commit()
    assert report.reactivated == ["education"]
    assert report.deactivated == ["traffic-police"]
    async with session_factory() as session:
        education = await get_department(session, "education")
        assert education is not None and education.active


async def test_sync_does_not_commit(session_factory: SessionFactory, tmp_path: Path) -> None:
    async with session_factory() as session:
        await sync_departments(session, config(tmp_path, FIRST), now=NOW)
        await session.rollback()
    async with session_factory() as session:
        assert await list_departments(session, active_only=False) == []


async def test_sample_config_syncs(session_factory: SessionFactory) -> None:
    result = load_desk_config(SAMPLE)
    assert result.config is not None
    async with session_factory() as session:
        report = await sync_departments(session, result.config, now=NOW)
        await session.commit()
    assert len(report.added) == len(result.config.departments)
    async with session_factory() as session:
        rows = await list_departments(session)
        assert {d.slug for d in rows} == set(result.config.departments)
        assert all(d.name_zh and d.name_en and d.name_zh != d.name_en for d in rows)
