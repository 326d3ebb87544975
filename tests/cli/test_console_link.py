"""``citizen-desk console link``: a URL for staff and administrators, a clear refusal else."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from bot.cli import main
from bot.db import create_engine, create_session_factory
from tickets.console_access import hash_token
from tickets.models import ConsoleLogin, Department, StaffMember


async def _seed(url: str) -> None:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            dept = Department(slug="health", name_zh="卫健委", name_en="Health")
            session.add(dept)
            await session.flush()
            session.add(StaffMember(telegram_user_id=42, department_id=dept.id, display_name="W"))
            await session.commit()
    finally:
        await engine.dispose()


async def _logins(url: str) -> list[ConsoleLogin]:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return list((await session.exec(select(ConsoleLogin))).all())
    finally:
        await engine.dispose()


def test_console_link(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import asyncio

    asyncio.run(_seed(sqlite_url))
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("ADMIN_IDS", "1")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://desk.example.gov/")
    assert main(["console", "link", "42"]) == 0
    url = capsys.readouterr().out.strip()
    parts = urlsplit(url)
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://desk.example.gov/console/login"
    )
    token = parse_qs(parts.query)["token"][0]
    assert main(["console", "link", "1"]) == 0  # an administrator without a staff record
    capsys.readouterr()
    assert main(["console", "link", "7"]) == 1
    err = capsys.readouterr().err
    assert "7 is neither active staff nor an administrator" in err and "ADMIN_IDS" in err
    logins = asyncio.run(_logins(sqlite_url))
    assert [row.telegram_user_id for row in logins] == [42, 1]
    assert logins[0].token_hash == hash_token(token)
    assert (logins[0].expires_at - logins[0].created_at).total_seconds() == 600
    monkeypatch.setenv("PUBLIC_BASE_URL", "ftp://nope")
    assert main(["console", "link", "42"]) == 2
    assert "PUBLIC_BASE_URL" in capsys.readouterr().err
