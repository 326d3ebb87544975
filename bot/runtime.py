"""What a running application holds, and its start and stop, in order.

Start: departments file (synced into the database), knowledge base, stale conversations pruned
(and every six hours after), outbox sender, then Telegram (``setWebhook`` or long polling).
Stop (SIGTERM): refuse new webhook requests (503, Telegram delivers again), stop polling,
wait for the updates in flight to commit, stop the outbox sender after its current round,
then close the Telegram session, the FSM storage and the database engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.base import BaseStorage
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.db import SessionFactory
from bot.desk import DeskService
from bot.knowledge import KnowledgeService
from bot.metrics import Metrics
from bot.texts import TextsService
from tickets.notify import NotifierFactory, ToStaff

if TYPE_CHECKING:
    from bot.outbox import OutboxSender
    from bot.polling import Poller
    from bot.processing import UpdateProcessor
    from bot.scheduler import SweepScheduler
    from bot.webchat import WebChatChannel
    from bot.webhook import WebhookHandler
    from bot.wechat import WeChatChannel

log = logging.getLogger(__name__)

Mode = Literal["webhook", "polling", "disabled"]
PRUNE_EVERY = 6 * 3600.0  # seconds between two prunings of stale conversations


@dataclass
class Runtime:
    settings: Settings
    session_factory: SessionFactory
    metrics: Metrics
    knowledge: KnowledgeService
    desk: DeskService
    texts: TextsService
    mode: Mode
    engine: AsyncEngine | None = None  # set when the app created (and so disposes) it
    bot: Bot | None = None
    owns_bot: bool = False
    dispatcher: Dispatcher | None = None
    storage: BaseStorage | None = None
    processor: UpdateProcessor | None = None
    sender: OutboxSender | None = None
    scheduler: SweepScheduler | None = None
    clock: Any = None
    webhook: WebhookHandler | None = None
    poller: Poller | None = None
    wechat: WeChatChannel | None = None  # the WeChat Official Account channel, when configured
    webchat: WebChatChannel | None = None  # the web chat (/chat), unless WEBCHAT_ENABLED=false
    drain_timeout: float = 20.0
    set_webhook_retry: float = 5.0
    _background: set[asyncio.Task[Any]] = field(default_factory=set)

    @property
    def allowed_updates(self) -> Sequence[str] | None:
        if self.dispatcher is None:
            return None
        return self.dispatcher.resolve_used_update_types()

    # -- start ------------------------------------------------------------------------------

    async def start(self) -> None:
        await self.desk.start(self.session_factory)
        self.knowledge.on_failed_reload = self._report_faq_problems
        await self.knowledge.start()
        await self.texts.start()
        await self.prune()
        self._spawn(self._keep_pruning(), "prune")
        if self.bot is not None:
            await self._queue_command_menus()
        if self.sender is not None:
            await self.sender.start()
        if self.wechat is not None:
            await self.wechat.start()
        if self.webchat is not None:
            await self.webchat.start()
        await self._warn_about_calendar()
        if self.settings.scheduler_enabled:
            self._start_scheduler()
        if self.mode == "disabled":
            log.warning("Telegram is disabled: BOT_TOKEN is not set (serving HTTP only)")
        elif self.mode == "webhook":
            if not await self._set_webhook():
                self._spawn(self._keep_setting_webhook(), "set-webhook")
        elif self.poller is not None:
            await self.poller.start()
            log.info("Telegram: long polling (WEBHOOK_BASE_URL is not set)")

    def wake_outbox(self) -> None:
        """Deliver now, on every channel (after committing a transaction that queued)."""
        if self.sender is not None:
            self.sender.wake()
        if self.wechat is not None:
            self.wechat.wake()
        if self.webchat is not None:
            self.webchat.wake()

    def notifiers(self, staff_lang: str | None = None) -> NotifierFactory:
        """Notifiers (:mod:`handlers.notify`) with the live departments file, for the messages
        the service queues itself (FAQ problems, the calendar warning)."""
        from handlers.notify import notifier_factory

        holder = self.desk.holder
        config = holder.config if holder.loaded else None
        return notifier_factory(config, self.settings.tz, staff_lang)

    def _spawn(self, work: Any, name: str) -> None:
        """A background task, cancelled at shutdown."""
        task = asyncio.create_task(work, name=name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def prune_conversations(self) -> int | None:
        """Delete the conversations nobody touched for ``CONVERSATION_TTL_DAYS`` (the database
        FSM storage; Redis expires its keys itself). None without a database storage."""
        from bot.fsm import DatabaseStorage, TransactionalStorage
        from tickets.clock import SystemClock

        storage = self.storage
        inner = storage.inner if isinstance(storage, TransactionalStorage) else storage
        if not isinstance(inner, DatabaseStorage):
            return None
        now = (self.clock or SystemClock()).now()
        try:
            pruned = await inner.prune(now - timedelta(days=self.settings.conversation_ttl_days))
        except Exception as exc:  # the database is down: the next round tries again
            log.warning("stale conversations not pruned: %s: %s", type(exc).__name__, exc)
            return 0
        if pruned:
            log.info(
                "pruned %d conversation(s) untouched for %d days",
                pruned,
                self.settings.conversation_ttl_days,
            )
        return pruned

    async def prune_webchat_files(self, now: datetime) -> int:
        """Delete the web chat photos that never reached a ticket, once older than the
        conversations' lifetime (:mod:`handlers.web.chat.files`)."""
        from handlers.web.chat.files import prune_files

        before = now - timedelta(days=self.settings.conversation_ttl_days + 1)
        try:
            async with self.session_factory() as session:
                deleted = await prune_files(session, before)
                await session.commit()
        except Exception as exc:  # the database is down: the next round tries again
            log.warning("web chat photos not pruned: %s: %s", type(exc).__name__, exc)
            return 0
        if deleted:
            log.info("deleted %d web chat photo(s) that never reached a ticket", deleted)
        return deleted

    async def prune(self) -> None:
        """What is kept only for a while: stale conversations, orphaned web chat photos."""
        from tickets.clock import SystemClock

        await self.prune_conversations()
        await self.prune_webchat_files((self.clock or SystemClock()).now())

    async def _keep_pruning(self) -> None:
        while True:
            await asyncio.sleep(PRUNE_EVERY)
            await self.prune()

    async def _report_faq_problems(self, result: Any) -> None:
        """A saved FAQ folder that does not load: tell the administrators (the live version
        stays). Deduplicated per set of problems, so several instances send it once."""
        import hashlib

        from tickets.clock import SystemClock
        from tickets.notify import FaqProblems
        from tickets.people.directory import staff_languages

        problems = [str(p) for p in getattr(result, "problems", [])]
        if not self.settings.admin_ids or self.bot is None:
            return
        shown = tuple(problems[:20])
        digest = hashlib.sha256("\n".join(shown).encode()).hexdigest()[:16]
        now = (self.clock or SystemClock()).now()
        try:
            async with self.session_factory() as session:
                notifier = self.notifiers()(session)
                languages = await staff_languages(session, self.settings.admin_ids)
                for admin in self.settings.admin_ids:
                    event = FaqProblems(
                        at=now,
                        recipients=(ToStaff(admin, admin, languages.get(admin)),),
                        dedupe_key=f"faq-problems:{admin}:{digest}",
                        problems=shown,
                        count=len(problems),
                    )
                    await notifier.publish(event)
                await session.commit()
        except Exception as exc:  # the log line (KnowledgeService._note) still has it
            log.warning("could not queue the FAQ problems for admins: %s", exc)
            return
        if self.sender is not None:
            self.sender.wake()

    async def _warn_about_calendar(self) -> None:
        """While a year the calendar must cover is not covered (the current one; from
        1 November the next one), tell the administrators now; the daily sweep repeats it
        (one message a day, shared with it, see tickets.sweeps.coverage)."""
        if not self.settings.admin_ids or self.bot is None or not self.desk.holder.loaded:
            return
        from bot.scheduler import policy_from_config
        from tickets.clock import SystemClock
        from tickets.sweeps import SweepContext
        from tickets.sweeps.coverage import warn_calendar_coverage

        holder = self.desk.holder
        policy = policy_from_config(holder.config)
        ctx = SweepContext(
            now=(self.clock or SystemClock()).now(),
            policy=policy,
            calendar=holder.calendar,
            admin_chat_ids=tuple(self.settings.admin_ids),
            notifiers=self.notifiers(policy.staff_lang),
        )
        try:
            async with self.session_factory() as session:
                result = await warn_calendar_coverage(session, ctx, at_start=True)
                await session.commit()
        except Exception as exc:  # the database is down: the daily sweep sends it later
            log.warning("calendar warning not queued: %s: %s", type(exc).__name__, exc)
            return
        if result.messages and self.sender is not None:
            self.sender.wake()

    async def _queue_command_menus(self) -> None:
        """The citizens' command menus (zh, en) via the outbox; deduplicated, so every
        instance may do this at every start."""
        from handlers.telegram.citizen_commands import queue_command_menus

        now = self.clock.now() if self.clock is not None else None
        try:
            async with self.session_factory() as session:
                await queue_command_menus(session, now=now)
                await session.commit()
        except Exception as exc:  # the database is down: /start queues them too
            log.warning("command menus not queued: %s: %s", type(exc).__name__, exc)

    def _start_scheduler(self) -> None:
        from bot.scheduler import start_scheduler
        from tickets.clock import SystemClock

        holder = self.desk.holder
        self.scheduler = start_scheduler(
            self.session_factory,
            self.settings,
            self.clock or SystemClock(),
            holder.config,
            holder.calendar,
            on_queued=self.wake_outbox,
            desk=holder,
            knowledge=self.knowledge,
        )

    async def _set_webhook(self) -> bool:
        assert self.bot is not None
        url = self.settings.webhook_url
        try:
            await self.bot.set_webhook(
                url=str(url),
                secret_token=self.settings.secret_token,
                allowed_updates=list(self.allowed_updates or []),
                drop_pending_updates=False,
                request_timeout=10,
            )
        except Exception as exc:
            self.metrics.errors.labels("set_webhook").inc()
            log.error("setWebhook(%s) failed: %s: %s", url, type(exc).__name__, exc)
            return False
        log.info("Telegram: webhook set to %s", url)
        return True

    async def _keep_setting_webhook(self) -> None:
        delay = self.set_webhook_retry
        while not await self._set_webhook():
            await asyncio.sleep(delay)
            delay = min(delay * 2, 300.0)

    # -- stop -------------------------------------------------------------------------------

    async def shutdown(self) -> None:
        """Stop taking work and let the work in flight finish (aiohttp ``on_shutdown``)."""
        if self.scheduler is not None:
            await self.scheduler.stop()
        if self.webhook is not None:
            self.webhook.accepting = False
        for task in list(self._background):
            task.cancel()
        if self.poller is not None:
            await self.poller.stop(self.drain_timeout)
        if self.processor is not None:
            in_flight = self.processor.in_flight.count
            if not await self.processor.in_flight.drain(self.drain_timeout):
                log.warning(
                    "%d update(s) still in flight after %.0f s", in_flight, self.drain_timeout
                )
        if self.wechat is not None:
            await self.wechat.shutdown(self.drain_timeout)
        if self.webchat is not None:
            await self.webchat.shutdown(self.drain_timeout)
        if self.sender is not None:
            await self.sender.stop(self.drain_timeout)
        await self.knowledge.stop()

    async def cleanup(self) -> None:
        """Release connections (aiohttp ``on_cleanup``)."""
        if self.storage is not None:
            with contextlib.suppress(Exception):
                await self.storage.close()
        if self.bot is not None and self.owns_bot:
            with contextlib.suppress(Exception):
                await self.bot.session.close()
        if self.wechat is not None:
            await self.wechat.cleanup()
        if self.engine is not None:
            await self.engine.dispose()
