from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.db import SessionFactory
from tickets.config.desk import load_desk_config
from tickets.people.departments import sync_departments

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

DEPARTMENTS = """\
departments:
  - slug: health
    name: {zh: 卫生健康委员会, en: Health Commission}
  - slug: utilities
    name: {zh: 公用事业服务中心, en: Utilities}
  - slug: education
    name: {zh: 教育局, en: Education Bureau}
"""


@pytest.fixture
def departments_file(tmp_path: Path) -> Path:
    path = tmp_path / "departments.yaml"
    path.write_text(textwrap.dedent(DEPARTMENTS), encoding="utf-8")
    return path


@pytest.fixture
async def synced(session_factory: SessionFactory, departments_file: Path) -> SessionFactory:
    """The session factory of a database holding the three departments above."""
    result = load_desk_config(departments_file)
    assert result.config is not None
    async with session_factory() as session:
        await sync_departments(session, result.config, now=NOW)
        await session.commit()
    return session_factory
