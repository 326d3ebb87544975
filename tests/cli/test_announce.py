"""``citizen-desk announce``: queue (with ``--report-to``), ``status``, ``cancel``, and the
errors, on a real SQLite file."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlmodel import select

from bot.cli import main
from bot.db import create_engine, create_session_factory
from tests.support.people import add_citizen
from tickets.announce import set_subscription
from tickets.models import Announcement, Department, Outbox, StaffMember

DEPARTMENTS = """\
departments:
  - slug: traffic
    name: {zh: 交警支队, en: Traffic Police}
topics:
  - id: road-closures
    name: {zh: 道路封闭, en: Road closures}
    department: traffic
"""
HEAD = 5501


async def _seed(url: str) -> None:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            dept = Department(slug="traffic", name_zh="交警支队", name_en="Traffic Police")
            session.add(dept)
            await session.flush()
            session.add(
                StaffMember(
                    telegram_user_id=HEAD, department_id=dept.id, role="head", language="en"
                )
            )
            now = datetime.now(UTC)
            for i in range(3):
                citizen = await add_citizen(session, 9_500_000 + i)
                assert citizen.id is not None
                await set_subscription(session, citizen.id, "road-closures", True, now=now)
            await session.commit()
    finally:
        await engine.dispose()


async def _rows(url: str, model: type) -> list:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return list((await session.exec(select(model))).all())
    finally:
        await engine.dispose()


@pytest.fixture
def desk(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    asyncio.run(_seed(sqlite_url))
    path = tmp_path / "departments.yaml"
    path.write_text(DEPARTMENTS, encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("DEPARTMENTS_FILE", str(path))
    return sqlite_url


def test_queue_with_a_report_chat_then_status_and_cancel(desk: str, capsys) -> None:
    code = main(["announce", "road-closures", "--text", "Marathon", "--report-to", str(HEAD)])
    assert code == 0
    assert capsys.readouterr().out.strip() == "announcement 1: 3 recipients"
    (row,) = asyncio.run(_rows(desk, Announcement))
    assert (row.author_chat_id, row.author_lang, row.author) == (HEAD, "en", "cli")

    assert main(["announce", "status", "1"]) == 0
    assert capsys.readouterr().out.strip() == "queued 3 sent 0 failed 0 blocked 0"

    assert main(["announce", "cancel", "1"]) == 0
    assert capsys.readouterr().out.strip() == "cancelled 1: sent 0, dropped 0"
    (row,) = asyncio.run(_rows(desk, Announcement))
    assert row.status == "cancelled"
    (told,) = asyncio.run(_rows(desk, Outbox))  # the author is told, in their language
    assert told.chat_id == HEAD
    assert "Announcement 1 (“Road closures”) is cancelled." in told.payload["text"]
    assert "the other 3 will not" in told.payload["text"]

    assert main(["announce", "cancel", "1"]) == 1  # once only
    assert "announcement 1 is cancelled: nothing to cancel" in capsys.readouterr().err


def test_the_errors_say_what_is_wrong(desk: str, capsys) -> None:
    assert main(["announce", "status", "x1"]) == 2
    assert "announcement id must be a number" in capsys.readouterr().err
    assert main(["announce", "cancel", "99"]) == 1
    assert "no announcement 99" in capsys.readouterr().err
    assert main(["announce", "no-such-topic", "--text", "x"]) == 1
    assert "unknown topic 'no-such-topic' (known: road-closures)" in capsys.readouterr().err
    assert main(["announce", "cancel"]) == 2
    assert "announce cancel needs one announcement id" in capsys.readouterr().err
    assert main(["announce", "road-closures"]) == 2
    assert "--text is required" in capsys.readouterr().err
    assert main(["announce", "road-closures", "--text", "x", "--at", "tomorrow"]) == 2
    assert "use an ISO time" in capsys.readouterr().err


def test_nobody_subscribed_yet_is_said(desk: str, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    path = Path(desk.removeprefix("sqlite+aiosqlite:///")).parent / "other.yaml"
    path.write_text(DEPARTMENTS.replace("road-closures", "water-cuts"), encoding="utf-8")
    monkeypatch.setenv("DEPARTMENTS_FILE", str(path))
    assert main(["announce", "water-cuts", "--text", "Water cut on Monday"]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == "announcement 1: 0 recipients"
    assert "nobody subscribes to 'water-cuts' yet" in out.err
