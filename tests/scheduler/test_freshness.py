"""The weekly FAQ freshness notice: stale and expired entries to their owners and admins."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from faq.models import Entry
from tickets.sweeps import run_round

from .helpers import ADMINS, add_department, add_staff, ctx_at, local, outbox


def entry(eid: str, dept: str, **dates: object) -> Entry:
    return Entry(
        id=eid,
        questions=(f"{eid} 怎么办理？",),
        answer={"zh": "答复"},
        department=dept,
        source_file=f"config/faq/{dept}.yaml",
        source_line=3,
        **dates,  # type: ignore[arg-type]
    )


ENTRIES = (
    entry("road-fresh", "roads", reviewed=date(2026, 1, 5)),
    entry("road-old", "roads", reviewed=date(2024, 12, 1)),
    entry("road-gone", "roads", reviewed=date(2025, 6, 1), expires=date(2026, 3, 1)),
    entry("park-soon", "parks", reviewed=date(2026, 2, 1), expires=date(2026, 3, 20)),
    entry("tax-old", "taxes", reviewed=date(2024, 1, 1), owner="nobody-here"),
)


async def _round(session_factory, now, entries=ENTRIES):
    ctx = replace(ctx_at(now), faq_entries=entries, faq_review_days=365)
    report = await run_round(session_factory, ctx, only=("faq-freshness",))
    assert report.errors == []
    return report.results[0]


async def test_owners_and_admins_hear_of_stale_entries_once_a_week(session_factory):
    async with session_factory() as s:
        await add_department(s, "roads", chat=-100)
        parks = await add_department(s, "parks", chat=None)
        await add_staff(s, parks, 5005, role="head")
        await s.commit()
    # The summary is due Monday 09:00 by default; nothing before.
    assert (await _round(session_factory, local(2026, 3, 2, 8, 59))).count == 0
    result = await _round(session_factory, local(2026, 3, 2, 9, 0))
    assert result.count == 4  # every entry that needs a review was named to someone
    again = await _round(session_factory, local(2026, 3, 2, 15, 0))
    assert again.count == 0 and again.messages == []
    async with session_factory() as s:
        rows = await outbox(s)
    by_chat = {r.chat_id: r.payload["text"] for r in rows}
    assert set(by_chat) == {-100, 5005, *ADMINS}
    roads = by_chat[-100]
    assert roads.startswith("🗂️ roads局：以下常见问题答复需要复核（2026-03-02）：")
    assert "road-gone「road-gone 怎么办理？」已于 2026-03-01 过期" in roads
    assert "road-old「road-old 怎么办理？」上次复核于 2024-12-01，已超过 365 天" in roads
    assert "road-fresh" not in roads and "park-soon" not in roads
    assert "文件：roads.yaml" in roads
    assert "park-soon「park-soon 怎么办理？」将于 2026-03-20 过期" in by_chat[5005]
    admin = by_chat[ADMINS[0]]
    assert "共 4 条答复需要复核" in admin
    assert "nobody-here（1 条）" in admin and "tax-old" in admin
    # Next week: told again (still stale), once.
    assert (await _round(session_factory, local(2026, 3, 9, 10, 0))).count == 4


async def test_nothing_stale_sends_nothing(session_factory):
    async with session_factory() as s:
        await add_department(s, "roads", chat=-100)
        await s.commit()
    fresh = (entry("road-fresh", "roads", reviewed=date(2026, 1, 5)),)
    result = await _round(session_factory, local(2026, 3, 2, 10, 0), fresh)
    assert result.count == 0 and "all fresh" in result.summary()
    undated = (entry("road-undated", "roads"),)  # a base that dates nothing is not nagged
    assert (await _round(session_factory, local(2026, 3, 2, 10, 0), undated)).count == 0
    async with session_factory() as s:
        assert await outbox(s) == []
    ctx = ctx_at(local(2026, 3, 2, 10, 0))  # no knowledge base at all
    report = await run_round(session_factory, ctx, only=("faq-freshness",))
    assert "no knowledge base" in report.results[0].summary()
