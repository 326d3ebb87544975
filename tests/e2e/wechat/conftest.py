"""The real app on a real port with both platforms emulated: the WeChat emulator pushes to the
callback and plays the WeChat API, the Bot API emulator plays Telegram (staff work there).

One clock for all: the app's and the WeChat emulator's (the 48-hour window, token expiry and
the signature's timestamp agree), moved with :meth:`ShiftedClock.advance`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

import handlers.dialogue.flood
from bot.db import SessionFactory
from bot.outbox import Rate, RateLimiter, RateLimits
from tests.e2e.conftest import RunningApp, StartApp
from tests.emulator import BotAPIEmulator
from tests.wechat_emulator import Received, WeChatEmulator, WxUser
from tickets.models import Department, StaffMember

HOUSING = -100401
DEPARTMENTS = f"""\
departments:
  - slug: housing
    name: {{zh: 住建局, en: Housing Bureau}}
    staff_chat_id: {HOUSING}
    keywords: [楼道灯, 电梯, streetlight, elevator]
"""
FAST = Rate(1000, timedelta(seconds=1))


class ShiftedClock:
    """The wall clock moved forward by the test."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, delta: timedelta) -> None:
        self.offset += delta

    def timestamp(self) -> float:
        return self.now().timestamp()


@pytest.fixture
def clock() -> ShiftedClock:
    return ShiftedClock()


@pytest.fixture
def aes_key() -> str | None:
    """The EncodingAESKey: None is plaintext mode (safe-mode tests override this)."""
    return None


@pytest.fixture
async def wx(clock: ShiftedClock, aes_key: str | None) -> AsyncIterator[WeChatEmulator]:
    async with WeChatEmulator(token="deskToken2026", aes_key=aes_key, clock=clock.timestamp) as w:
        yield w


@dataclass
class Desk:
    app: RunningApp
    wx: WeChatEmulator
    tg: BotAPIEmulator
    clock: ShiftedClock
    session_factory: SessionFactory

    @property
    def channel(self) -> Any:
        assert self.app.runtime.wechat is not None
        return self.app.runtime.wechat

    async def ask(self, user: WxUser, text: str) -> Received:
        """The follower writes ``text``; the answer they see (passive or customer service)."""
        push = await self.wx.send_text(user, text)
        answer = await self.wx.answer(push, timeout=10)
        assert not push.service_unavailable, push.attempts
        return answer

    async def next(self, user: WxUser, start: str = "", timeout: float = 10) -> Received:  # noqa: ASYNC109
        """The next message the follower sees that starts with ``start``."""
        seen = []
        for _ in range(8):
            got = await self.wx.next_message(user, timeout=timeout)
            if (got.content or "").startswith(start):
                return got
            seen.append((got.content or "")[:60])
        raise AssertionError(f"no message starting {start!r}; got {seen}")


StartDesk = Callable[..., Awaitable[Desk]]


@pytest.fixture
async def start_desk(
    start_app: StartApp,
    wx: WeChatEmulator,
    emu: BotAPIEmulator,
    clock: ShiftedClock,
    session_factory: SessionFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> StartDesk:
    monkeypatch.setattr(handlers.dialogue.flood, "FLOOD_LIMIT", 200)

    async def start(**settings: Any) -> Desk:
        path = tmp_path / "departments.yaml"
        path.write_text(DEPARTMENTS, encoding="utf-8")
        values: dict[str, Any] = {k.lower(): v for k, v in wx.settings().items()}
        values.update(departments_file=path, clock=clock, wechat_reply_deadline=1.5)
        values.update(settings)
        app = await start_app(**values)
        fast = RateLimits(overall=FAST, per_chat=FAST, per_group=FAST)
        assert app.runtime.sender is not None and app.runtime.wechat is not None
        app.runtime.sender.limiter = RateLimiter(fast)
        app.runtime.wechat.sender.limiter = RateLimiter(fast)
        wx.configure(callback_url=f"{app.url}/wechat")
        wx.reply_timeout = 3.0
        return Desk(app, wx, emu, clock, session_factory)

    return start


async def add_clerk(desk: Desk, user_id: int = 6101, name: str = "王小明") -> Any:
    """A housing clerk in the housing staff chat (both on the Bot API emulator)."""
    clerk = desk.tg.user(id=user_id, first_name="Wang", language_code="en")
    chat = desk.tg.group(id=HOUSING, title="Housing staff", members=[clerk])
    async with desk.session_factory() as session:
        dept = (await session.exec(select(Department).where(Department.slug == "housing"))).one()
        session.add(
            StaffMember(telegram_user_id=clerk.id, department_id=dept.id, display_name=name)
        )
        await session.commit()
    return clerk, chat


class Gate:
    """Holds the dialogue until the test opens it (the 5-second rule without races)."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.opened = asyncio.Event()
        self.calls = 0

    def wrap(self, dialogue: Any) -> None:
        handle = dialogue.handle

        async def held(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            self.entered.set()
            await self.opened.wait()
            return await handle(*args, **kwargs)

        dialogue.handle = held
