"""Gap clusters (tickets.gaps.gap_clusters and ``citizen-desk gaps --clusters``)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
import yaml

from bot.cli import main
from bot.db import SessionFactory
from faq.loader import read_folder
from tests.scheduler.helpers import add_department, add_ticket
from tickets.gaps import gap_clusters, record_unanswered

NOW = datetime.now(UTC).replace(microsecond=0)

WATER = ["家里停水了怎么办", "怎么又停水了", "小区停水什么时候恢复", "停水了，找谁"]
CAT = ["养猫需要办证吗", "养猫要登记吗", "猫需要办证吗"]
OTHER = ["Where can I recycle batteries?"]


async def _seed(session_factory: SessionFactory) -> None:
    async with session_factory() as s:
        utilities = await add_department(s, "utilities", chat=-7)
        parks = await add_department(s, "parks", chat=-8)
        for i, text in enumerate(WATER):
            row = await record_unanswered(
                s,
                text=text,
                lang="zh",
                decision="none" if i % 2 else "suggest",
                now=NOW - timedelta(hours=i + 1),
                best_entry_id="water-bill",
            )
            if i < 2:
                ticket = await add_ticket(s, utilities if i == 0 else parks, text=text)
                row.ticket_id = ticket.id
        for i, text in enumerate(CAT):
            await record_unanswered(
                s, text=text, lang="zh", decision="not_helpful", now=NOW - timedelta(hours=i + 1)
            )
        for text in OTHER:
            await record_unanswered(s, text=text, lang="en", decision="none", now=NOW)
        await record_unanswered(
            s, text="停水好几天了", lang="zh", decision="none", now=NOW - timedelta(days=40)
        )
        await s.commit()


async def test_questions_are_grouped_by_need_with_departments_and_a_skeleton(
    session_factory: SessionFactory,
) -> None:
    await _seed(session_factory)
    async with session_factory() as s:
        found = await gap_clusters(s, since=NOW - timedelta(days=30))
    assert [c.size for c in found] == [4, 3, 1]
    water, cat, other = found
    assert set(water.typical) <= set(WATER) and len(water.typical) == 3
    assert water.decisions == {"suggest": 2, "none": 2}
    assert water.tickets == 2 and sorted(d[0] for d in water.departments) == ["parks", "utilities"]
    assert water.closest_entry == "water-bill" and water.terms[0] == "停水"
    assert cat.decisions == {"not_helpful": 3} and cat.departments == ()
    assert other.typical == tuple(OTHER) and other.lang == "en"
    entry = yaml.safe_load(water.yaml_skeleton(NOW))[0]
    assert entry["id"] == water.suggested_id == "gap-tingshui"
    assert entry["questions"] == list(water.typical)
    assert entry["department"] in ("utilities", "parks")
    assert str(entry["reviewed"]) == NOW.date().isoformat()
    # The skeleton is a valid entry once pasted into a FAQ file (answer still to write).
    async with session_factory() as s:
        limited = await gap_clusters(s, since=NOW - timedelta(days=30), limit=1, typical=1)
    assert len(limited) == 1 and len(limited[0].typical) == 1


def test_the_skeleton_loads_as_a_faq_entry(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tickets.gaps import GapCluster

    c = GapCluster(
        size=3,
        typical=("养猫需要办证吗", "猫: 要登记吗"),  # a colon needs quoting
        decisions={"none": 3},
        departments=(("urban-management", "城管局", "Urban Management", 2),),
        tickets=2,
        closest_entry=None,
        terms=("养猫",),
        suggested_id="gap-yangmao",
        lang="zh",
        last_at=NOW,
    )
    (tmp_path / "gaps.yaml").write_text("entries:\n" + c.yaml_skeleton(NOW) + "\n", "utf-8")
    entries, problems, _ = read_folder(tmp_path)
    assert problems == []
    assert entries[0].questions == ("养猫需要办证吗", "猫: 要登记吗")
    assert entries[0].department == "urban-management" and entries[0].reviewed == NOW.date()


async def test_gaps_clusters_cli(
    db_url: str, session_factory: SessionFactory, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:  # type: ignore[no-untyped-def]
    await _seed(session_factory)
    monkeypatch.setenv("DATABASE_URL", db_url)
    code = await asyncio.to_thread(main, ["gaps", "--clusters", "--days", "7"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("FAQ gaps by need, last 7 day(s), largest first:")
    assert "#1  4 question(s) (none 2, suggest 2); tickets 2:" in out
    assert "  - id: gap-tingshui" in out and "#3  1 question(s)" in out
    code = await asyncio.to_thread(main, ["gaps", "--clusters", "--json", "--limit", "2"])
    rows = json.loads(capsys.readouterr().out)
    assert code == 0 and [r["size"] for r in rows] == [4, 3]
    assert rows[0]["yaml"].startswith("  - id: gap-tingshui")
    assert await asyncio.to_thread(main, ["gaps", "--clusters", "--threshold", "2"]) == 2
    assert await asyncio.to_thread(main, ["gaps", "--threshold", "0.3"]) == 2
