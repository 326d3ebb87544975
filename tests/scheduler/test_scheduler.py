"""bot/scheduler.py: APScheduler jobs in the running loop, running real rounds."""

from __future__ import annotations

from bot.config import Settings
from bot.scheduler import policy_from_config, start_scheduler
from tickets.clock import FixedClock
from tickets.sweeps import SweepPolicy

from .helpers import CAL, add_department, add_ticket, local, outbox


async def test_start_run_and_stop(session_factory):
    async with session_factory() as s:
        dept = await add_department(s, "roads", chat=-100)
        await add_ticket(
            s, dept, created_at=local(2026, 3, 2, 9), response_due_at=local(2026, 3, 2, 13)
        )
        await s.commit()
    woken: list[int] = []
    settings = Settings(admin_ids=[9001])
    clock = FixedClock(local(2026, 3, 2, 14))
    scheduler = start_scheduler(
        session_factory, settings, clock, None, CAL, on_queued=lambda: woken.append(1)
    )
    try:
        assert scheduler.running
        jobs = {j.id: j for j in scheduler.jobs()}
        assert set(jobs) == {"sweeps", "digests", "weekly", "prune", "announcements"}
        assert all(j.max_instances == 1 and j.coalesce for j in jobs.values())
        assert str(jobs["digests"].trigger).startswith("cron[") and "hour='9'" in str(
            jobs["digests"].trigger
        )
        assert "day_of_week='mon'" in str(jobs["weekly"].trigger)
        report = await scheduler.run()
        assert report.errors == [] and woken == [1]
        async with session_factory() as s:
            chats = sorted(r.chat_id for r in await outbox(s))
        assert chats == [-100, -100, 9001]  # nag, digest, weekly summary
    finally:
        await scheduler.stop()
    assert not scheduler.running


def test_policy_from_config():
    from types import SimpleNamespace

    cfg = SimpleNamespace(scheduler={"nag_interval": "1h"})
    assert policy_from_config(cfg).nag_interval.working_time.total_seconds() == 3600
    assert policy_from_config(None) == SweepPolicy()
