"""Long polling keeps going past updates it must refuse (no Bot API server needed)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.types import Update

from bot.metrics import Metrics
from bot.polling import Poller
from tests.app.support import TEST_TOKEN, text_update


class ScriptedSession(BaseSession):
    """Answers getUpdates with raw response bodies like Telegram's, chosen by offset."""

    def __init__(self, updates: list[str]) -> None:
        super().__init__()
        self.updates = updates  # raw JSON of each update, in update_id order from 1
        self.polls: list[tuple[int | None, int | None]] = []
        self.idle = asyncio.Event()  # set when there was nothing left to fetch
        self.fetched = asyncio.Event()  # set after ``wanted`` polls
        self.wanted = 4

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram signature
    ) -> Any:
        if not isinstance(method, GetUpdates):
            return self.check_response(bot, method, 200, '{"ok": true, "result": true}').result
        self.polls.append((method.offset, method.limit))
        if len(self.polls) >= self.wanted:
            self.fetched.set()
        start = (method.offset or 1) - 1
        batch = self.updates[start : start + (method.limit or 100)]
        if not batch:
            self.idle.set()
            await asyncio.sleep(0.01)
        content = '{"ok": true, "result": [' + ", ".join(batch) + "]}"
        return self.check_response(bot, method, 200, content).result

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        yield b""

    async def close(self) -> None:
        return None


class Recorder:
    def __init__(self) -> None:
        self.seen: list[int] = []
        self.texts: list[str | None] = []

    async def process(self, update: Update) -> None:
        self.seen.append(update.update_id)
        self.texts.append(update.message.text if update.message else None)


async def _poll_until_idle(session: ScriptedSession) -> tuple[Recorder, Poller]:
    """A poller over the scripted batches, run until it has fetched them all."""
    recorder = Recorder()
    poller = Poller(Bot(TEST_TOKEN, session=session), recorder, Metrics(), backoff_initial=0.01)  # type: ignore[arg-type]
    await poller.start()
    try:
        await asyncio.wait_for(session.idle.wait(), 10)
    finally:
        await poller.stop(5)
    return recorder, poller


async def test_an_update_json_cannot_decode_is_skipped_and_the_rest_processed() -> None:
    good = [json.dumps(text_update(n, "hello")) for n in (1, 2, 4, 5)]
    deep = '{"update_id": 3, "message": ' + "[" * 50_000 + "]" * 50_000 + "}"
    session = ScriptedSession([good[0], good[1], deep, good[2], good[3]])
    recorder, poller = await _poll_until_idle(session)
    assert recorder.seen == [1, 2, 4, 5]
    assert poller.offset == 6
    # the failed batch was fetched again one update at a time, then in batches again
    assert (3, 1) in session.polls and (4, None) in session.polls


async def test_nul_characters_are_dropped_as_by_the_webhook() -> None:
    session = ScriptedSession(
        [json.dumps(text_update(1, "社保卡\x00丢了")), json.dumps(text_update(2, "ok"))]
    )
    recorder, _poller = await _poll_until_idle(session)
    assert (recorder.seen, recorder.texts) == ([1, 2], ["社保卡丢了", "ok"])


async def test_a_batch_that_is_not_updates_at_all_backs_off() -> None:
    session = ScriptedSession(["<html>bad gateway</html>"])
    recorder = Recorder()
    poller = Poller(Bot(TEST_TOKEN, session=session), recorder, Metrics(), backoff_initial=0.01)  # type: ignore[arg-type]
    await poller.start()
    try:
        await asyncio.wait_for(session.fetched.wait(), 10)
    finally:
        await poller.stop(5)
    assert recorder.seen == []
    assert poller.offset is None  # nothing was skipped: no update_id to skip


async def test_an_update_the_database_refuses_is_dropped_not_raised(session_factory) -> None:
    # Behind the checks of the webhook and the poller: if a value the database refuses ever
    # gets through, the update is logged and dropped (a 200), not raised (a 5xx, redelivered).
    from aiogram import Dispatcher

    from bot.processing import UpdateProcessor
    from tests.app.support import recording_bot

    bot, _ = recording_bot()
    processor = UpdateProcessor(Dispatcher(), bot, session_factory, metrics=Metrics())
    update = Update.model_validate(text_update(2**70, "hello"))
    result = await processor.process(update)
    assert (result.update_id, result.outcome, result.queued) == (2**70, "error", 0)
