"""A message processed once across instances: two processors (two instances of the service)
on one database get the same message at once (a WeChat retry reaching the other instance while
the first is still processing it): the dialogue runs once, its answer commits with the key,
and the second gets the same passive reply; a conversation changed meanwhile runs again."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlmodel import func, select

from handlers.deps import Deps
from handlers.dialogue import Dialogue
from handlers.wechat.processing import WeChatProcessor
from handlers.wechat.wire import WxMessage
from tests.citizen.conftest import NOW, SHANGHAI, LiveKB, write_config
from tickets.clock import FixedClock
from tickets.config.live import DeskConfigHolder
from tickets.models import Outbox, ProcessedMessage, WeChatFollower
from tickets.people.departments import sync_departments


def _message(content: str, msg_id: int) -> WxMessage:
    fields = {
        "ToUserName": "gh_account",
        "FromUserName": "oFollower",
        "CreateTime": str(int(NOW.timestamp())),
        "MsgType": "text",
        "Content": content,
        "MsgId": str(msg_id),
    }
    return WxMessage(None, fields, False)


async def _deps(session_factory: Any, tmp_path: Path) -> Deps:
    config, kb = write_config(tmp_path / "config")
    clock = FixedClock(NOW)
    async with session_factory() as session:
        await sync_departments(session, config, now=clock.now())
        await session.commit()
    return Deps(
        desk=DeskConfigHolder(SHANGHAI, config=config), kb=LiveKB(kb), tz=SHANGHAI, clock=clock
    )


class Held(Dialogue):
    def __init__(self) -> None:
        super().__init__()
        self.entered = asyncio.Event()
        self.opened = asyncio.Event()
        self.calls = 0

    async def handle(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        self.entered.set()
        await self.opened.wait()
        return await super().handle(*args, **kwargs)


async def test_the_same_message_on_two_instances_runs_once(session_factory, tmp_path) -> None:
    deps = await _deps(session_factory, tmp_path)
    first, second = Held(), Held()
    one = WeChatProcessor(session_factory, deps, first)
    two = WeChatProcessor(session_factory, deps, second)
    message = _message("你好", 24_000_000_000_000_101)
    running = asyncio.create_task(one.handle(message, lambda: True))
    await first.entered.wait()
    retry = asyncio.create_task(two.handle(message, lambda: True))
    await asyncio.sleep(0.2)  # the retry waits for the first one's transaction
    assert not retry.done()
    first.opened.set()
    second.opened.set()
    answered, again = await asyncio.gather(running, retry)
    assert answered is not None and again is not None and again.text == answered.text
    assert first.calls == 1 and second.calls == 0
    async with session_factory() as session:
        processed = (await session.exec(select(func.count()).select_from(ProcessedMessage))).one()
        rows = (await session.exec(select(Outbox))).all()
    assert processed == 1 and [r.method for r in rows] == ["passive"]


async def test_nobody_waiting_means_customer_service_messages(session_factory, tmp_path) -> None:
    deps = await _deps(session_factory, tmp_path)
    processor = WeChatProcessor(session_factory, deps)
    assert await processor.handle(_message("/help", 24_000_000_000_000_102), lambda: False) is None
    async with session_factory() as session:
        rows = (await session.exec(select(Outbox))).all()
        follower = await session.get(WeChatFollower, "oFollower")
    assert [(r.method, r.status, r.address) for r in rows] == [("custom", "pending", "oFollower")]
    assert follower is not None and follower.last_interaction_at == NOW
