"""Long polling (when ``WEBHOOK_BASE_URL`` is unset).

Updates are fetched with ``getUpdates`` and processed one by one, in order, each in its own
transaction (:class:`~bot.processing.UpdateProcessor`). The offset moves past an update only
after its commit, and Telegram treats the next ``getUpdates(offset=...)`` as the confirmation,
so a crash or a transient failure means the update is fetched and processed again (a
redelivery of something already committed is recognised by its ``update_id`` and skipped).

Hostile or broken updates must not stop the queue: an update with an integer beyond 64 bits or
nested too deeply (:mod:`bot.limits`) is skipped, logged, and the offset moves past it. A batch
that aiogram cannot decode at all (``json.loads`` gives up on deep nesting) is fetched again
one update at a time; the single update that still fails is skipped by its ``update_id``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from aiogram import Bot
from aiogram.exceptions import ClientDecodeError
from aiogram.types import Update

from bot.limits import find_update_id, problem
from bot.metrics import Metrics
from bot.processing import TransientError, UpdateProcessor
from handlers.storable import has_nul, without_nul

log = logging.getLogger(__name__)


class Poller:
    """Fetches and processes updates until :meth:`stop`."""

    def __init__(
        self,
        bot: Bot,
        processor: UpdateProcessor,
        metrics: Metrics,
        *,
        allowed_updates: Sequence[str] | None = None,
        timeout: int = 25,
        backoff_initial: float = 1.0,
        backoff_max: float = 30.0,
    ) -> None:
        self.bot = bot
        self.processor = processor
        self.metrics = metrics
        self.allowed_updates = list(allowed_updates) if allowed_updates is not None else None
        self.timeout = timeout
        self.backoff_initial = backoff_initial
        self.backoff_max = backoff_max
        self.offset: int | None = None
        self._one_by_one = False  # after a batch that could not be decoded
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Drop any webhook (getUpdates refuses to work while one is set), then poll."""
        try:
            await self.bot.delete_webhook(drop_pending_updates=False, request_timeout=10)
        except Exception as exc:
            log.warning("deleteWebhook failed (%s); polling anyway", exc)
        self._stop.clear()
        self._task = asyncio.create_task(self._run(), name="telegram-polling")

    async def stop(self, grace: float = 10.0) -> None:
        """Finish the update being processed, confirm the offset, stop."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stop.set()
        try:
            await asyncio.wait_for(asyncio.shield(task), grace)
        except TimeoutError:
            log.warning("polling did not stop within %.0f s; cancelling", grace)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._confirm()

    async def _confirm(self) -> None:
        """Tell Telegram what was committed, so the next start does not fetch it again."""
        if self.offset is None:
            return
        with contextlib.suppress(Exception):
            await self.bot.get_updates(
                offset=self.offset,
                limit=1,
                timeout=0,
                allowed_updates=self.allowed_updates,
                request_timeout=5,
            )

    async def _fetch(self) -> list[Update] | None:
        """The next batch, or None when stopping interrupted the wait."""
        fetch = asyncio.ensure_future(
            self.bot.get_updates(
                offset=self.offset,
                timeout=self.timeout,
                allowed_updates=self.allowed_updates,
                request_timeout=self.timeout + 10,
                **({"limit": 1} if self._one_by_one else {}),
            )
        )
        stopping = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not fetch.done():
            fetch.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await fetch
            return None
        return fetch.result()

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    async def _run(self) -> None:
        delay = self.backoff_initial
        while not self._stop.is_set():
            try:
                updates = await self._fetch()
            except ClientDecodeError as exc:
                if self._skip_undecodable(exc):
                    continue
                self.metrics.errors.labels("polling").inc()
                log.warning("getUpdates answered something undecodable; retrying in %.1f s", delay)
                await self._pause(delay)
                delay = min(delay * 2, self.backoff_max)
                continue
            except Exception as exc:
                self.metrics.errors.labels("polling").inc()
                log.warning(
                    "getUpdates failed (%s: %s); retrying in %.1f s", type(exc).__name__, exc, delay
                )
                await self._pause(delay)
                delay = min(delay * 2, self.backoff_max)
                continue
            if updates is None:
                break
            failed = False
            for update in updates:
                if self._stop.is_set():
                    break  # the rest is not confirmed: fetched again at the next start
                data = update.model_dump(by_alias=True, exclude_unset=True)
                refused = problem(data)
                if refused is not None:
                    self._skip(update.update_id, refused)
                    continue
                if has_nul(data):  # PostgreSQL cannot store NUL in text: as the webhook does
                    update = Update.model_validate(without_nul(data), context={"bot": self.bot})
                try:
                    await self.processor.process(update)
                except TransientError:
                    failed = True  # not confirmed: fetched again after the pause
                    break
                self.offset = update.update_id + 1
            if updates and not failed:
                self._one_by_one = False
            if failed:
                await self._pause(delay)
                delay = min(delay * 2, self.backoff_max)
            else:
                delay = self.backoff_initial

    def _skip(self, update_id: int, reason: str) -> None:
        """Move the offset past an update that is refused without processing."""
        self.metrics.errors.labels("polling").inc()
        log.warning("update %s skipped: %s", update_id, reason)
        self.offset = update_id + 1

    def _skip_undecodable(self, exc: ClientDecodeError) -> bool:
        """First fetch one update at a time; when that single update cannot be decoded
        either, skip it. False when there is nothing to skip (retry with backoff)."""
        if not self._one_by_one:
            self._one_by_one = True
            return True
        update_id = find_update_id(exc.data)
        if update_id is None:
            return False
        self._skip(update_id, f"undecodable ({type(exc.original).__name__})")
        self._one_by_one = False
        return True
