"""``citizen-desk texts check``: FILE:LINE problems and exit codes, like ``faq check``."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main


def test_a_good_folder_is_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "zh").mkdir()
    (tmp_path / "zh" / "welcome.ftl").write_text("privacy = 我们只保存必要的信息。\n", "utf-8")
    assert main(["texts", "check", str(tmp_path)]) == 0
    assert capsys.readouterr().out.startswith("ok: 1 message(s) overridden")


def test_problems_are_listed_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "en").mkdir()
    bad = tmp_path / "en" / "bad.ftl"
    bad.write_text("privacy = fine\nprivaci = typo\n", "utf-8")
    assert main(["texts", "check", str(tmp_path)]) == 1
    assert capsys.readouterr().out.splitlines() == [f"{bad}:2: unknown message 'privaci'"]


def test_without_a_folder_the_built_in_texts_are_used(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("LOCALES_DIR", raising=False)
    monkeypatch.chdir(Path(__file__).parent)  # no .env here
    assert main(["texts", "check"]) == 0
    assert "built-in texts" in capsys.readouterr().out
