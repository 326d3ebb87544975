"""The weekly summary lists the five largest clusters of unanswered questions of the week."""

from __future__ import annotations

from datetime import timedelta

from tests.faq.gapcorpus import NOISE
from tickets.gaps import record_unanswered
from tickets.sweeps import SweepPolicy, run_round

from .helpers import add_department, add_ticket, ctx_at, local, outbox

NEEDS = {
    "停水": ["家里停水了怎么办", "怎么又停水了", "小区停水什么时候恢复", "停水了找谁"],
    "猫": ["养猫需要办证吗", "养猫要登记吗", "猫需要办证吗"],
    "路灯": ["路灯坏了", "路灯不亮了"],
}


async def _seed(session_factory) -> None:  # type: ignore[no-untyped-def]
    async with session_factory() as s:
        water = await add_department(s, "utilities", chat=-7)
        at = local(2026, 3, 4, 10, 0)  # in the week of 2026-03-02
        for group in NEEDS.values():
            for i, text in enumerate(group):
                row = await record_unanswered(
                    s, text=text, lang="zh", decision="none", now=at + timedelta(minutes=i)
                )
                if text == "家里停水了怎么办":
                    row.ticket_id = (await add_ticket(s, water, text=text)).id
        for text in NOISE[:6]:  # more small needs than the summary lists
            await record_unanswered(s, text=text, lang="zh", decision="none", now=at)
        await record_unanswered(
            s, text="停水好几天了", lang="zh", decision="none", now=local(2026, 2, 20, 10)
        )
        await s.commit()


async def test_weekly_summary_names_the_largest_gap_clusters(session_factory) -> None:
    await _seed(session_factory)
    report = await run_round(session_factory, ctx_at(local(2026, 3, 9, 9, 0)), only=("weekly",))
    assert report.errors == [] and report.results[0].count == 1
    async with session_factory() as s:
        text = (await outbox(s))[0].payload["text"]
    assert "上周常见问题未能解答的主要问题（按问题类别，最多5类）：" in text
    gap_lines = [line for line in text.splitlines() if line[:2] in {f"{i}." for i in range(1, 9)}]
    gap_lines = [line for line in gap_lines if " 次：" in line]
    assert len(gap_lines) == 5
    assert gap_lines[0].startswith("1. 4 次：「") and "（转工单：utilities局）" in gap_lines[0]
    assert gap_lines[1].startswith("2. 3 次：「") and "（转工单：无）" in gap_lines[1]
    assert "citizen-desk gaps --clusters --days 7" in text


async def test_weekly_summary_in_english_says_when_nothing_was_missed(session_factory) -> None:
    policy = SweepPolicy(staff_lang="en")
    report = await run_round(
        session_factory, ctx_at(local(2026, 3, 9, 9, 0), policy), only=("weekly",)
    )
    assert report.errors == []
    async with session_factory() as s:
        text = (await outbox(s))[0].payload["text"]
    assert "The FAQ left no question unanswered last week." in text
