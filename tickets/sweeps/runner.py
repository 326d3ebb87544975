"""One round of every sweep, as of one moment: what the scheduler and ``citizen-desk sweep`` run.

Normal rounds commit batch by batch (each batch is one short transaction that claims its rows,
records alerts and events and queues the messages), so a large backlog never holds locks for
long. A dry run runs everything in one transaction and rolls it back, returning the messages
that would have been queued. Sessions are used one at a time (SQLite has one connection).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.sweeps.base import Directory, QueuedMessage, SweepContext, SweepResult
from tickets.sweeps.closure import sweep_auto_close, sweep_closure_callbacks
from tickets.sweeps.coverage import sweep_calendar_coverage
from tickets.sweeps.deadlines import sweep_deadlines
from tickets.sweeps.digests import sweep_digests, sweep_weekly
from tickets.sweeps.freshness import sweep_faq_freshness

__all__ = ["SWEEPS", "RoundReport", "run_round"]

log = logging.getLogger(__name__)

# Names accepted by ``only`` and the order of the summary lines.
SWEEPS = (
    "deadlines",
    "auto-close",
    "callbacks",
    "digests",
    "weekly",
    "calendar",
    "faq-freshness",
    "announcements",
)
_MAX_BATCHES = 100_000  # a runaway guard, far above any real backlog


@dataclass
class RoundReport:
    results: list[SweepResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def messages(self) -> list[QueuedMessage]:
        return [m for r in self.results for m in r.messages]

    def lines(self) -> list[str]:
        return [r.summary() for r in self.results] + [f"error: {e}" for e in self.errors]


async def _deadlines(
    session: AsyncSession, ctx: SweepContext, directory: Directory, commit: bool
) -> list[SweepResult]:
    total: dict[str, SweepResult] | None = None
    for _ in range(_MAX_BATCHES):
        batch = await sweep_deadlines(session, ctx, directory)
        if total is None:
            total = batch.results
        else:
            for name, result in batch.results.items():
                total[name].merge(result)
        if commit:
            await session.commit()
        if batch.tickets == 0:
            break
    assert total is not None
    return list(total.values())


async def _auto_close(session: AsyncSession, ctx: SweepContext, commit: bool) -> list[SweepResult]:
    total = SweepResult("auto-close", verb="closed")
    for _ in range(_MAX_BATCHES):
        seen, result = await sweep_auto_close(session, ctx)
        total.merge(result)
        if commit:
            await session.commit()
        if seen == 0:
            break
    return [total]


async def _announcements(
    session: AsyncSession, ctx: SweepContext, commit: bool
) -> list[SweepResult]:
    """Announcement deliveries, one chunk per transaction (resumable after a crash)."""
    from tickets.announce import deliver_step

    total = SweepResult("announcements", verb="queued")
    if ctx.announce is None or ctx.notifiers is None:
        return [total]
    finished = 0
    for _ in range(_MAX_BATCHES):
        queued, done = await deliver_step(session, ctx.announce, ctx.notifier(session), now=ctx.now)
        if commit:
            await session.commit()
        total.count += queued
        finished += done
        if not queued and not done:
            break
    total.details["finished"] = finished
    return [total]


async def run_round(
    session_factory: async_sessionmaker[AsyncSession],
    ctx: SweepContext,
    *,
    only: Collection[str] | None = None,
    dry_run: bool = False,
    on_queued: Callable[[], object] | None = None,
) -> RoundReport:
    """Run every sweep (or those named in ``only``, see :data:`SWEEPS`) once as of ``ctx.now``.

    ``on_queued`` is called after the round when messages were committed (e.g. to wake the
    outbox sender). A sweep that fails is logged and reported in ``errors``; the others run.
    """
    wanted = [s for s in SWEEPS if only is None or s in only]
    report = RoundReport(dry_run=dry_run)
    commit = not dry_run
    async with session_factory() as session:
        try:
            directory = await Directory.load(session)
            if commit:
                await session.commit()
            for name in wanted:
                try:
                    if name == "deadlines":
                        report.results += await _deadlines(session, ctx, directory, commit)
                    elif name == "auto-close":
                        report.results += await _auto_close(session, ctx, commit)
                    elif name == "callbacks":
                        _n, result = await sweep_closure_callbacks(session, ctx)
                        report.results.append(result)
                    elif name == "digests":
                        report.results.append(await sweep_digests(session, ctx, directory))
                    elif name == "weekly":
                        report.results.append(await sweep_weekly(session, ctx, directory))
                    elif name == "calendar":
                        report.results.append(await sweep_calendar_coverage(session, ctx))
                    elif name == "announcements":
                        report.results += await _announcements(session, ctx, commit)
                    elif name == "faq-freshness":
                        report.results.append(await sweep_faq_freshness(session, ctx, directory))
                    if commit:
                        await session.commit()
                except Exception as exc:
                    log.exception("sweep %s failed", name)
                    report.errors.append(f"{name}: {type(exc).__name__}: {exc}")
                    await session.rollback()
        finally:
            if dry_run:
                await session.rollback()
    announced = any(r.name == "announcements" and r.count for r in report.results)
    if commit and on_queued is not None and (report.messages or announced):
        try:
            on_queued()
        except Exception:
            log.exception("on_queued callback failed")
    return report
