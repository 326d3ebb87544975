"""``citizen-desk departments check|list`` through bot.cli.main (no database needed)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "config" / "departments.yaml"


@pytest.fixture(autouse=True)
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DEPARTMENTS_FILE", str(SAMPLE))
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://nobody@127.0.0.1:1/none")


def test_check_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["departments", "check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: 10 departments (")
    assert str(SAMPLE) in out


def test_check_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "departments:\n  - slug: health\n    name: {en: Health}\n    sla: {help: {response: 4}}\n"
        "  - slug: health\n    name: {en: Again}\n",
        encoding="utf-8",
    )
    assert main(["departments", "check", str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{bad}:4: department 'health' sla.help.response: ")
    assert lines[1] == f"{bad}:5: duplicate department slug 'health' (first at line 2)"


def test_check_uses_departments_file_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DEPARTMENTS_FILE", str(tmp_path / "missing.yaml"))
    assert main(["departments", "check"]) == 1
    assert capsys.readouterr().out == f"{tmp_path / 'missing.yaml'}:1: file not found\n"


def test_list_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["departments", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and len(data) == 10
    for item in data:
        assert isinstance(item["slug"], str)
        assert isinstance(item["name"], str) and item["name"]
        assert item["staff_chat_id"] is None or isinstance(item["staff_chat_id"], int)
        assert set(item["sla"]) == {"consultation", "help", "complaint", "report", "suggestion"}
        assert set(item["urgent"]) == {"response", "resolution"}
    health = next(d for d in data if d["slug"] == "health")
    assert health["name"] == "卫生健康委员会"
    assert health["names"] == {"zh": "卫生健康委员会", "en": "Health Commission"}
    assert health["sla"]["consultation"] == {"response": "4h", "resolution": "1d"}
    assert health["urgent"] == {"response": "30m", "resolution": "same_day"}


def test_list_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(
        "departments:\n  - slug: health\n    name: {zh: 卫健委, en: Health}\n"
        "    staff_chat_id: -1001234\n",
        encoding="utf-8",
    )
    assert main(["departments", "list", "--file", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "health  卫健委 / Health  staff chat: -1001234"
    assert out[1] == (
        "    SLA (response/resolution): consultation 4h/1d, help 4h/5d, complaint 4h/13d, "
        "report 4h/10d, suggestion 1d/13d; urgent 1h/same_day"
    )


def test_list_bad_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("departments: [\n", encoding="utf-8")
    assert main(["departments", "list", "--json", "--file", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"{path}:2: YAML syntax error")


def test_departments_without_action_prints_usage(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["departments"]) == 2
    assert "check" in capsys.readouterr().out


def _minimal(tmp_path: Path) -> Path:
    path = tmp_path / "d.yaml"
    path.write_text("departments:\n  - slug: health\n    name: 卫健委\n", encoding="utf-8")
    return path


def test_check_warns_from_1_november_while_next_year_is_not_covered(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _minimal(tmp_path)
    with time_machine.travel(datetime(2026, 10, 31, 12, tzinfo=UTC), tick=False):
        assert main(["departments", "check", str(path)]) == 0
    assert capsys.readouterr().out == f"ok: 1 department ({path})\n"
    with time_machine.travel(datetime(2026, 11, 1, 12, tzinfo=UTC), tick=False):
        assert main(["departments", "check", str(path)]) == 0  # a warning is not a failure
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"ok: 1 department ({path})"
    assert out[1].startswith("warning: The official 2027 holiday schedule is not known")
    assert f"{tmp_path / 'calendar' / '2027.yaml'}" in out[1]
    # With the year's file the warning goes; a bad one fails the check with FILE:LINE.
    (tmp_path / "calendar").mkdir()
    schedule = tmp_path / "calendar" / "2027.yaml"
    schedule.write_text(
        "year: 2027\nsource: test data\nholidays:\n  - name: 元旦\n    days: [2027-01-01]\n",
        encoding="utf-8",
    )
    with time_machine.travel(datetime(2026, 11, 1, 12, tzinfo=UTC), tick=False):
        assert main(["departments", "check", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"ok: 1 department ({path})",
        f"yearly holiday schedules: 2027 ({schedule})",
    ]
    schedule.write_text("year: 2027\nsource: test data\nholidays: {}\n", encoding="utf-8")
    assert main(["departments", "check", str(path)]) == 1
    assert capsys.readouterr().out == (
        f"{schedule}:3: holidays must be a list (write it as [ ... ] or '- ' lines)\n"
    )
