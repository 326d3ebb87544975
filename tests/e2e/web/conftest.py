"""The real app on a real port (the Bot API emulator plays Telegram, where staff work), and web
chat visitors talking to it over real HTTP (:mod:`tests.e2e.web.client`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

import handlers.dialogue.flood
from bot.outbox import Rate, RateLimiter, RateLimits
from tests.e2e.conftest import RunningApp, StartApp
from tests.e2e.web.client import Visitor
from tests.emulator import BotAPIEmulator
from tickets.models import Department, StaffMember

HOUSING = -100501
DEPARTMENTS = f"""\
departments:
  - slug: housing
    name: {{zh: 住建局, en: Housing Bureau}}
    staff_chat_id: {HOUSING}
    keywords: [楼道灯, 电梯, streetlight, elevator]
"""
FAST = Rate(1000, timedelta(seconds=1))

StartChat = Callable[..., Awaitable[RunningApp]]


@pytest.fixture
async def start_chat(
    start_app: StartApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> StartChat:
    monkeypatch.setattr(handlers.dialogue.flood, "FLOOD_LIMIT", 200)

    async def start(**settings: Any) -> RunningApp:
        path = tmp_path / "departments.yaml"
        path.write_text(DEPARTMENTS, encoding="utf-8")
        values: dict[str, Any] = {"departments_file": path, "scheduler_enabled": False}
        values.update(settings)
        app = await start_app(**values)
        fast = RateLimiter(RateLimits(overall=FAST, per_chat=FAST, per_group=FAST))
        if app.runtime.sender is not None:
            app.runtime.sender.limiter = fast
        return app

    return start


@pytest.fixture
async def visitors() -> AsyncIterator[Callable[..., Visitor]]:
    made: list[Visitor] = []

    def make(base: str, lang: str | None = "zh-CN,zh;q=0.9") -> Visitor:
        visitor = Visitor(base, lang)
        made.append(visitor)
        return visitor

    yield make
    for visitor in made:
        await visitor.close()


async def add_clerk(emu: BotAPIEmulator, session_factory: Any, user_id: int = 6201) -> Any:
    """A housing clerk in the housing staff chat (both on the Bot API emulator)."""
    clerk = emu.user(id=user_id, first_name="Wang", language_code="zh")
    chat = emu.group(id=HOUSING, title="Housing staff", members=[clerk])
    async with session_factory() as session:
        dept = (await session.exec(select(Department).where(Department.slug == "housing"))).one()
        session.add(
            StaffMember(telegram_user_id=clerk.id, department_id=dept.id, display_name="王小明")
        )
        await session.commit()
    return clerk, chat
