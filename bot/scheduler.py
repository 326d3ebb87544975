"""The scheduler: APScheduler 3.x triggering the sweeps of :mod:`tickets.sweeps`.

The job store is in memory (APScheduler cannot share one between processes); every sweep
claims its rows in the database, so any number of instances may run this against one
PostgreSQL and each message is still queued once. Jobs:

* ``sweeps``: every ``interval`` seconds (default 60) one full round (reminders, nags,
  escalations, auto-close, post-closure callbacks, the digests/summary when due, and the
  daily warning to administrators while the holiday calendar misses a year it must cover);
* ``digests``: cron at the policy's ``digest_time`` every day (the round above also catches up);
* ``weekly``: cron on ``weekly_day`` at ``weekly_time``;
* ``prune``: every ``prune_interval`` seconds (default an hour), delete the sent and failed
  outbox rows older than ``OUTBOX_RETENTION_DAYS`` (their payloads copy personal data), in
  batches of short transactions; deleting is idempotent, so every instance may run it.
* ``weekly``: cron on ``weekly_day`` at ``weekly_time`` (the summary and the FAQ freshness
  notice, :mod:`tickets.sweeps.freshness`).

All with ``max_instances=1`` and ``coalesce=True``. Wire it from the app's startup (inside the
running loop)::

    from bot.scheduler import start_scheduler
    scheduler = start_scheduler(session_factory, settings, clock, config, calendar,
                                on_queued=sender.wake if sender else None)
    ...
    await scheduler.stop()   # at shutdown, before disposing the engine
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from datetime import timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.config import Settings
from bot.db import SessionFactory
from tickets.clock import Clock
from tickets.outbox import prune
from tickets.sweeps import RoundReport, SweepContext, SweepPolicy, run_round
from tickets.sweeps.policy import WEEKDAYS
from tickets.worktime.calendar import WorkCalendar

__all__ = ["SweepScheduler", "policy_from_config", "start_scheduler"]

log = logging.getLogger(__name__)


def policy_from_config(config: Any) -> SweepPolicy:
    """The policy carried by the departments configuration (``config.scheduler``: a
    :class:`SweepPolicy` or a mapping), else the defaults."""
    value = getattr(config, "scheduler", None)
    if isinstance(value, SweepPolicy):
        return value
    if isinstance(value, dict):
        return SweepPolicy.from_mapping(value)
    return SweepPolicy()


def announce_setup(settings: Settings, config: Any) -> Any:
    """The announcements sweep's setup (tickets.announce.AnnounceSetup) from the settings and
    the live departments file (its topics)."""
    from tickets.announce import AnnounceSetup

    return AnnounceSetup(
        topics=dict(config.topics) if config is not None else {},
        hours=settings.sending_hours(),
        chunk=settings.announce_chunk,
        window=settings.announce_window,
    )


class SweepScheduler:
    """Owns one ``AsyncIOScheduler``; :meth:`run` is also callable directly (tests, CLI)."""

    def __init__(
        self,
        session_factory: SessionFactory,
        settings: Settings,
        clock: Clock,
        calendar: WorkCalendar,
        policy: SweepPolicy,
        *,
        on_queued: Callable[[], object] | None = None,
        interval: float = 60.0,
        desk: Any = None,
        prune_interval: float = 3600.0,
        prune_batch: int = 1000,
        knowledge: Any = None,
    ) -> None:
        self.desk = desk  # live configuration (handlers.deps.DeskConfigHolder): read per round
        self.knowledge = knowledge  # live FAQ (bot.knowledge.KnowledgeService): read per round
        self.session_factory = session_factory
        self.settings = settings
        self.clock = clock
        self.calendar = calendar
        self.policy = policy
        self.on_queued = on_queued
        self.interval = interval
        self.prune_interval = prune_interval
        self.prune_batch = prune_batch
        self.last_report: RoundReport | None = None
        self._scheduler: AsyncIOScheduler | None = None

    def context(self) -> SweepContext:
        from handlers.notify import notifier_factory

        config = None
        if self.desk is not None and self.desk.loaded:  # follow /reload of the departments file
            self.calendar = self.desk.calendar
            config = self.desk.config
            self.policy = policy_from_config(config)
        kb = getattr(self.knowledge, "current", None)
        return SweepContext(
            now=self.clock.now(),
            policy=self.policy,
            calendar=self.calendar,
            admin_chat_ids=tuple(self.settings.admin_ids),
            faq_entries=tuple(kb.entries) if kb is not None else None,
            faq_review_days=self.settings.faq_review_days,
            notifiers=notifier_factory(config, self.calendar.tz, self.policy.staff_lang),
            announce=announce_setup(self.settings, config),
        )

    async def run(self, only: Collection[str] | None = None) -> RoundReport:
        report = await run_round(
            self.session_factory, self.context(), only=only, on_queued=self.on_queued
        )
        self.last_report = report
        for line in report.lines():
            if " 0 " not in line or line.startswith("error"):
                log.info("sweep %s", line)
        return report

    async def prune(self) -> int:
        """Delete the sent and failed outbox rows past the retention period; returns how many."""
        before = self.clock.now() - timedelta(days=self.settings.outbox_retention_days)
        total = 0
        while True:
            async with self.session_factory() as session:
                deleted = await prune(session, before=before, limit=self.prune_batch)
                await session.commit()
            total += deleted
            if deleted < self.prune_batch:
                break
        if total:
            log.info("outbox: pruned %s sent/failed rows older than %s", total, before.isoformat())
        return total

    def start(self) -> None:
        """Start inside the running event loop."""
        asyncio.get_running_loop()  # raises outside a loop: AsyncIOScheduler needs one
        tz = self.calendar.tz
        scheduler = AsyncIOScheduler(timezone=tz)
        common: dict[str, Any] = {"max_instances": 1, "coalesce": True, "replace_existing": True}
        scheduler.add_job(
            self.run,
            IntervalTrigger(seconds=self.interval, timezone=tz),
            id="sweeps",
            misfire_grace_time=max(1, int(self.interval)),
            **common,
        )
        digest = self.policy.digest_time
        scheduler.add_job(
            self.run,
            CronTrigger(hour=digest.hour, minute=digest.minute, timezone=tz),
            kwargs={"only": ("digests",)},
            id="digests",
            misfire_grace_time=3600,
            **common,
        )
        weekly = self.policy.weekly_time
        scheduler.add_job(
            self.run,
            CronTrigger(
                day_of_week=WEEKDAYS[self.policy.weekly_day],
                hour=weekly.hour,
                minute=weekly.minute,
                timezone=tz,
            ),
            kwargs={"only": ("weekly", "faq-freshness")},
            id="weekly",
            misfire_grace_time=3600,
            **common,
        )
        every = float(getattr(self.settings, "announce_interval", 5.0))
        scheduler.add_job(
            self.run,
            IntervalTrigger(seconds=every, timezone=tz),
            kwargs={"only": ("announcements",)},
            id="announcements",
            misfire_grace_time=max(1, int(every)),
            **common,
        )
        scheduler.add_job(
            self.prune,
            IntervalTrigger(seconds=self.prune_interval, timezone=tz),
            id="prune",
            misfire_grace_time=max(1, int(self.prune_interval)),
            **common,
        )
        scheduler.start()
        self._scheduler = scheduler
        log.info(
            "scheduler started: sweeps every %ss, policy %s",
            self.interval,
            self.policy.to_mapping(),
        )

    @property
    def running(self) -> bool:
        return self._scheduler is not None and self._scheduler.running

    def jobs(self) -> list[Any]:
        return [] if self._scheduler is None else self._scheduler.get_jobs()

    async def stop(self) -> None:
        """Stop triggering; a round in progress finishes (its own transaction) on its own."""
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=False)
        self._scheduler = None


def start_scheduler(
    session_factory: SessionFactory,
    settings: Settings,
    clock: Clock,
    config: Any,
    calendar: WorkCalendar,
    *,
    on_queued: Callable[[], object] | None = None,
    policy: SweepPolicy | None = None,
    interval: float = 60.0,
    desk: Any = None,
    knowledge: Any = None,
) -> SweepScheduler:
    """Create and start the scheduler in the running loop; ``await result.stop()`` at shutdown.

    ``config`` is the :class:`~tickets.config.desk.DeskConfig` (its ``scheduler`` policy is used
    when present); ``policy`` overrides it.
    """
    scheduler = SweepScheduler(
        session_factory,
        settings,
        clock,
        calendar,
        policy or policy_from_config(config),
        on_queued=on_queued,
        interval=interval,
        desk=desk,
        knowledge=knowledge,
    )
    scheduler.start()
    return scheduler
