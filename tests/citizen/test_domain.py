"""Domain pieces of the citizen conversation: intake rules, gap report, flood guard, texts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.cli import main
from bot.db import SessionFactory
from handlers.dialogue import FloodGuard
from locales import choose_lang
from tests.citizen.conftest import write_config
from tickets.gaps import normalize_question, record_unanswered, top_unanswered
from tickets.intake import append_text, guess_demand_type, guess_department
from tickets.models import Citizen

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("How do I apply for public housing?", "consultation"),
        ("我要投诉物业态度差", "complaint"),
        ("举报有人偷排污水", "report"),
        ("建议在公园增加座椅", "suggestion"),
        ("my water pipe is leaking, please help", "help"),
        ("helpful staff, thanks", "suggestion"),  # praise; "help" is a whole word only
    ],
)
def test_guess_demand_type(text: str, expected: str) -> None:
    assert guess_demand_type(text) == expected


def test_guess_department(tmp_path) -> None:  # type: ignore[no-untyped-def]
    config, _kb = write_config(tmp_path)
    assert guess_department("anything", config, "parks").slug == "parks"
    assert guess_department("anything", config, "unknown-dept").slug is None
    assert guess_department("路灯不亮了", config).slug == "roads"
    assert guess_department("the pothole near the park", config).slug is None  # a tie
    assert guess_department("pothole and a manhole near the park", config).slug == "roads"


def test_append_text_caps_at_the_ticket_limit() -> None:
    assert append_text("", " first ") == "first"
    assert append_text("first", "second") == "first\nsecond"
    capped = append_text("a" * 3990, "b" * 50)
    assert len(capped) == 4000 and capped.endswith(" […]")


def test_flood_guard_warns_once_then_drops_until_the_window_passes() -> None:
    guard = FloodGuard(limit=3, window=timedelta(seconds=10))
    verdicts = [guard.check(1, T0 + timedelta(seconds=i)) for i in range(6)]
    assert verdicts == ["ok", "ok", "ok", "warn", "drop", "drop"]
    assert guard.check(2, T0 + timedelta(seconds=5)) == "ok"  # per user
    assert guard.check(1, T0 + timedelta(seconds=14)) == "ok"
    album = [guard.check(3, T0, album="a1") for _ in range(8)]
    assert album == ["ok"] * 8


def test_resolve_lang() -> None:
    chosen = Citizen(language="en")
    assert choose_lang(chosen.language, "zh-hans", "你好") == "en"
    assert choose_lang(None, "zh-TW", "hello") == "zh"
    assert choose_lang(None, "en-GB", "你好") == "en"
    assert choose_lang(None, "ru", "公租房") == "zh"
    assert choose_lang(None, "ru", None) == "en"
    assert choose_lang(None, None, None) == "zh"


def test_normalize_question() -> None:
    assert normalize_question("Where's my card?!") == normalize_question("wheres  MY card")
    assert normalize_question("社保卡丢了？") == "社保卡丢了"


async def test_gap_report_groups_and_ranks(session_factory: SessionFactory) -> None:
    async with session_factory() as session:
        for i, text in enumerate(["Where is my card?", "where is my card", "Dog licence?"]):
            await record_unanswered(
                session, text=text, lang="en", decision="none", now=T0 + timedelta(minutes=i)
            )
        row = await record_unanswered(
            session,
            text="WHERE IS MY CARD",
            lang="en",
            decision="not_helpful",
            now=T0 + timedelta(minutes=5),
            best_entry_id="card-lost",
            score=55.123,
        )
        await record_unanswered(
            session, text="old question", lang="en", decision="none", now=T0 - timedelta(days=40)
        )
        await session.commit()
        with pytest.raises(ValueError):
            await record_unanswered(session, text="x", lang=None, decision="bogus", now=T0)
        await session.rollback()
    async with session_factory() as session:
        lines = await top_unanswered(session, since=T0 - timedelta(days=30))
    assert [(g.text, g.count) for g in lines] == [("WHERE IS MY CARD", 3), ("Dog licence?", 1)]
    assert lines[0].decisions == {"none": 2, "not_helpful": 1}
    assert lines[0].best_entry_id == "card-lost" and lines[0].tickets == 0
    assert row.score == 55.12


async def test_gaps_cli(
    db_url: str, session_factory: SessionFactory, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    async with session_factory() as session:
        for text in ("How do I adopt a cat?", "how do I adopt a cat", "Library hours?"):
            await record_unanswered(session, text=text, lang="en", decision="none", now=now)
        await session.commit()
    monkeypatch.setenv("DATABASE_URL", db_url)
    import asyncio

    code = await asyncio.to_thread(main, ["gaps", "--days", "7"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == "top unanswered questions, last 7 day(s):"
    assert out[1].split()[:1] == ["2"] and "how do I adopt a cat" in out[1]
    assert "Library hours?" in out[2]
    assert await asyncio.to_thread(main, ["gaps", "--days", "0"]) == 2
