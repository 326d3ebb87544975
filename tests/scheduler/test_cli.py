"""``citizen-desk sweep [--at] [--dry-run]`` through ``bot.cli.main`` on a SQLite file."""

from __future__ import annotations

import asyncio

import pytest
import time_machine

from bot.cli import main
from bot.db import create_engine, create_session_factory

from .helpers import add_department, add_ticket, local, outbox


@pytest.fixture
def cli_db(sqlite_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("DEPARTMENTS_FILE", str(tmp_path / "missing.yaml"))
    monkeypatch.setenv("ADMIN_IDS", "")
    monkeypatch.setenv("TIMEZONE", "Asia/Shanghai")
    monkeypatch.chdir(tmp_path)

    async def seed() -> list[str]:
        engine = create_engine(sqlite_url)
        try:
            async with create_session_factory(engine)() as s:
                dept = await add_department(s, "roads", chat=-100)
                numbers = []
                for _ in range(3):
                    t = await add_ticket(
                        s,
                        dept,
                        created_at=local(2026, 3, 2, 9),
                        response_due_at=local(2026, 3, 2, 13),
                    )
                    numbers.append(t.number)
                await s.commit()
                return numbers
        finally:
            await engine.dispose()

    return sqlite_url, asyncio.run(seed())


def _count_outbox(url: str) -> int:
    async def go() -> int:
        engine = create_engine(url)
        try:
            async with create_session_factory(engine)() as s:
                return len(await outbox(s))
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_sweep_dry_run_lists_and_changes_nothing_then_real_run_queues(cli_db, capsys):
    url, numbers = cli_db
    assert main(["sweep", "--at", "2026-03-02T14:00", "--dry-run", "--only", "deadlines"]) == 0
    out = capsys.readouterr().out
    assert "dry run as of 2026-03-02T14:00:00+08:00: nothing was changed" in out
    assert "would send to chat -100:" in out
    assert all(n in out for n in numbers)
    assert "nags: 3 queued (1 message)" in out
    assert "reminders: 0 queued" in out
    assert _count_outbox(url) == 0

    assert main(["sweep", "--at", "2026-03-02T14:00+08:00"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "nags: 3 queued (1 message)" in lines
    assert {line.split(":")[0] for line in lines} >= {
        "reminders",
        "nags",
        "urges",
        "reprimands",
        "auto-close",
        "callbacks",
        "digests",
        "weekly",
    }
    assert _count_outbox(url) == 2  # the batched nag and the department's digest
    assert main(["sweep", "--at", "2026-03-02T14:00+08:00"]) == 0
    assert "nags: 0 queued" in capsys.readouterr().out


def test_sweep_in_quiet_hours_and_bad_arguments(cli_db, capsys):
    assert main(["sweep", "--at", "2026-03-02T20:00"]) == 0
    assert "nags: 0 queued (quiet hours)" in capsys.readouterr().out
    assert main(["sweep", "--at", "yesterday"]) == 2
    assert "not an ISO time" in capsys.readouterr().out
    assert main(["sweep", "--only", "nothing"]) == 2
    assert "unknown sweep 'nothing'" in capsys.readouterr().out


def test_a_future_at_is_a_rehearsal_only(cli_db, capsys):
    """``sweep --at <future>`` while serving would queue messages for that instant (and hold
    back each chat's live replies behind them): refused unless --dry-run."""
    url, _numbers = cli_db
    with time_machine.travel(local(2026, 3, 2, 10, 0), tick=False):
        assert main(["sweep", "--at", "2026-03-02T14:00"]) == 2
        out = capsys.readouterr().out
        assert "--at 2026-03-02T14:00:00+08:00 is in the future" in out
        assert "add --dry-run" in out
        assert _count_outbox(url) == 0
        assert main(["sweep", "--at", "2026-03-02T14:00", "--dry-run"]) == 0
        assert "nags: 3 queued (1 message)" in capsys.readouterr().out
        assert _count_outbox(url) == 0
        # A moment ago (catching up) and a few seconds ahead (another host's clock) are fine.
        assert main(["sweep", "--at", "2026-03-02T09:30", "--only", "deadlines"]) == 0
        assert main(["sweep", "--at", "2026-03-02T10:00:30", "--only", "deadlines"]) == 0
        assert "error" not in capsys.readouterr().out


def test_the_yearly_schedules_are_read_without_a_departments_file(cli_db, tmp_path, capsys):
    at = ["sweep", "--at", "2026-11-02T10:00", "--only", "calendar"]
    assert main(at) == 0
    assert "calendar: 0 queued (2027 not covered, no administrators)" in capsys.readouterr().out
    folder = tmp_path / "calendar"  # beside the (missing) departments file
    folder.mkdir()
    (folder / "2027.yaml").write_text(
        "year: 2027\nsource: test data\nholidays:\n  - name: 元旦\n    days: [2027-01-01]\n",
        encoding="utf-8",
    )
    assert main(at) == 0
    assert capsys.readouterr().out.splitlines() == ["calendar: 0 queued"]
    (folder / "2027.yaml").write_text("year: 2027\n", encoding="utf-8")
    assert main(at) == 1
    out = capsys.readouterr().out
    assert f"{folder / '2027.yaml'}:1: file: missing required field 'source'" in out
