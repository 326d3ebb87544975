"""``citizen-desk staff ...`` through bot.cli.main against a real database."""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.db import create_engine, create_session_factory
from tickets.people.staff import RedeemResult, redeem_invite

LINK_RE = re.compile(r"^https://t\.me/citydesk_bot\?start=(staff-[A-Za-z0-9_-]+)$", re.M)


@pytest.fixture(autouse=True)
def env(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, departments_file: Path, db_url: str
) -> str:
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DEPARTMENTS_FILE", str(departments_file))
    monkeypatch.setenv("TIMEZONE", "Asia/Shanghai")
    for name in ("BOT_TOKEN", "BOT_USERNAME"):
        monkeypatch.delenv(name, raising=False)
    return db_url


def redeem(db_url: str, payload: str, user_id: int, name: str) -> RedeemResult:
    async def go() -> RedeemResult:
        engine = create_engine(db_url)
        try:
            async with create_session_factory(engine)() as session:
                result = await redeem_invite(
                    session,
                    payload,
                    telegram_user_id=user_id,
                    display_name=name,
                    username=None,
                    now=datetime.now(UTC),
                )
                await session.commit()
                return result
        finally:
            await engine.dispose()

    return asyncio.run(go())


def invite(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["staff", "invite", *args, "--bot-username", "@citydesk_bot"]) == 0
    out = capsys.readouterr().out
    m = LINK_RE.search(out)
    assert m is not None, out
    assert len(m[1]) <= 64
    return m[1]


def test_invite_list_move_role_deactivate(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    # invite syncs the departments file first, so a fresh database works
    payload = invite(capsys, "health", "--role", "head", "--ttl", "1d12h")
    assert redeem(env, payload, 501, "Zhao").ok
    payload = invite(capsys, "utilities")
    assert redeem(env, payload, 502, "Qian").ok
    assert not redeem(env, payload, 503, "Sun").ok

    assert main(["staff", "list", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(d["telegram_user_id"], d["department"], d["role"], d["active"]) for d in data] == [
        (501, "health", "head", True),
        (502, "utilities", "clerk", True),
    ]
    assert set(data[0]) >= {"telegram_user_id", "display_name", "username", "department", "role"}

    assert main(["staff", "move", "502", "health"]) == 0
    assert capsys.readouterr().out == "moved 502 (Qian) to health\n"
    assert main(["staff", "role", "502", "head"]) == 0
    assert capsys.readouterr().out == "502 (Qian) is now head\n"
    assert main(["staff", "deactivate", "501"]) == 0
    assert capsys.readouterr().out == "deactivated 501 (Zhao)\n"

    assert main(["staff", "list", "--department", "health"]) == 0
    assert capsys.readouterr().out == "502  health  head  Qian  -\n"
    assert main(["staff", "list", "--all"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "502  health  head  Qian  -",
        "501  health  head  Zhao  -  (inactive)",
    ]


def test_invite_without_bot_username_prints_payload(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["staff", "invite", "education"]) == 0
    out = capsys.readouterr().out
    m = re.search(r"^payload: (staff-[A-Za-z0-9_-]+)$", out, re.M)
    assert m is not None, out
    assert "BOT_TOKEN is not set" in out
    assert f"https://t.me/<bot username>?start={m[1]}" in out
    assert "--bot-username" in out and "BOT_USERNAME" in out


def test_invite_bot_username_from_env(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BOT_USERNAME", "citydesk_bot")
    assert main(["staff", "invite", "education"]) == 0
    assert LINK_RE.search(capsys.readouterr().out)


def test_errors_are_clear_and_non_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["staff", "invite", "mars", "--bot-username", "citydesk_bot"]) == 1
    err = capsys.readouterr().err
    assert err == "citizen-desk: unknown department 'mars' (known: education, health, utilities)\n"
    assert main(["staff", "move", "77", "health"]) == 1
    assert capsys.readouterr().err == "citizen-desk: no staff member with Telegram user id 77\n"
    assert main(["staff", "deactivate", "77"]) == 1
    assert "no staff member" in capsys.readouterr().err
    assert main(["staff", "list", "--department", "mars"]) == 1
    assert "unknown department 'mars'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["staff", "invite", "health", "--ttl", "soon"])
    assert "invalid lifetime 'soon'" in capsys.readouterr().err


def test_unmigrated_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    assert main(["staff", "list"]) == 1
    err = capsys.readouterr().err
    assert "run citizen-desk migrate" in err
