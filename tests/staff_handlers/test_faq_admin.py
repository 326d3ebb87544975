"""Administrators' FAQ commands in Telegram: /gaps (clusters of unanswered questions), /stale."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from faq import load_knowledge_base
from locales import t
from tests.faq.conftest import write
from tests.staff_handlers.conftest import ADMIN, ROLES, Desk, texts
from tickets.gaps import record_unanswered

KB = """\
department: housing
entries:
  - id: rent-subsidy
    questions: [租房补贴怎么申请？]
    answer: 在人才服务平台申请。
    reviewed: 2024-05-01
  - id: public-housing
    questions: [公租房怎么申请？]
    answer: 在住房保障APP申请。
    reviewed: 2026-06-01
    expires: 2026-11-01
  - id: lease-filing
    questions: [租房合同要备案吗？]
    answer: 30日内备案。
    reviewed: 2026-09-01
"""


class Live:
    def __init__(self, kb: object) -> None:
        self.current = kb


async def test_gaps_lists_the_largest_groups(desk: Desk) -> None:
    assert texts(await desk.message(ADMIN, "/gaps")) == [t("en", "sh-gaps_none", days=7)]
    now = desk.clock.now()
    async with desk.factory() as session:
        for i, text in enumerate(["家里停水了怎么办", "怎么又停水了", "停水了找谁", "路灯坏了"]):
            await record_unanswered(
                session, text=text, lang="zh", decision="none", now=now - timedelta(hours=i)
            )
        await session.commit()
    [text] = texts(await desk.message(ADMIN, "/gaps 30"))
    assert text.startswith(t("en", "sh-gaps_head", days=30, count=2))
    assert "1. 3×: " in text and "suggested entry: gap-tingshui" in text
    assert "2. 1×: 路灯坏了" in text
    assert texts(await desk.message(ADMIN, "/gaps soon")) == [
        t("en", "sh-bad_days", value="soon", max=365)
    ]
    assert texts(await desk.message(ROLES["clerk"], "/gaps")) == [t("en", "sh-admin_only")]


async def test_stale_lists_entries_to_review(desk: Desk, tmp_path: Path) -> None:
    assert texts(await desk.message(ADMIN, "/stale")) == [t("en", "sh-stale_no_faq")]
    write(tmp_path, "housing.yaml", KB)
    desk.deps.kb = Live(load_knowledge_base(tmp_path).kb)  # type: ignore[assignment]
    [text] = texts(await desk.message(ADMIN, "/stale"))
    assert text.splitlines() == [
        t("en", "sh-stale_head", count=2, days=365),
        t("en", "sh-stale_stale", id="rent-subsidy", owner="housing", day="2024-05-01"),
        t("en", "sh-stale_expired", id="public-housing", owner="housing", day="2026-11-01"),
    ]
    assert texts(await desk.message(ADMIN, "/stale now")) == [t("en", "sh-usage-stale")]
