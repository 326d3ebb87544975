"""The daily department digest and the weekly summary to administrators.

Both are "catch-up" jobs: a round at any moment sends what is due and not yet sent, so a cron
trigger at the configured time and the every-minute round (or ``citizen-desk sweep``) agree,
and an instance that was down at 09:00 sends it when it comes back (the same day for a digest,
the same week for the summary). A :class:`~tickets.models.SchedulerMark` (``digest:<dept>:<date>``,
``weekly:<monday>``) makes each exactly-once across instances.

* Digest, per active department with a staff chat, at ``digest_time`` local: open tickets,
  due today, overdue, and the tickets closed since the department's previous digest (its mark's
  time: Monday's digest counts Friday's and a make-up Saturday's closures; the first digest
  ever counts from the start of the previous working day; see
  :func:`tickets.reports.stats.digest_counts`). With quiet hours on it is sent on working days only,
  and not before working time starts.
* Weekly summary, on ``weekly_day`` at ``weekly_time``, to every administrator: departments
  ranked by the three rates and the on-time rate over the previous Monday-Sunday week (those
  without any rate listed apart, unranked), the tickets reprimanded that week, each once
  (:mod:`tickets.reports.stats`), and the five largest clusters of questions the FAQ could not
  answer that week (:func:`tickets.gaps.gap_clusters`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.clock import ensure_utc
from tickets.gaps import gap_clusters
from tickets.models import SchedulerMark
from tickets.notify import DailyDigest, GapLine, ReprimandLine, ToStaff, WeeklyRanking
from tickets.reports import stats
from tickets.sweeps.base import (
    Directory,
    SweepContext,
    SweepResult,
    claim_mark,
    dedupe_key,
    marks_done,
)

__all__ = ["WEEKLY_GAPS", "sweep_digests", "sweep_weekly", "week_bounds"]

MAX_REPRIMANDS = 50  # listed in the weekly summary (the rest are counted)
WEEKLY_GAPS = 5  # clusters of unanswered questions in the weekly summary


def _local_midnight(ctx: SweepContext, day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ctx.calendar.tz)


# A previous digest older than this is not a "previous digest" (a staff chat that was gone for
# months): count from the start of the previous working day, as for the first digest.
_DIGEST_LOOKBACK = timedelta(days=31)


def _previous_working_start(ctx: SweepContext, today: date) -> datetime:
    """When the working day before ``today`` began (a make-up Saturday counts)."""
    day = today - timedelta(days=1)
    for _ in range(_DIGEST_LOOKBACK.days):
        periods = ctx.calendar.working_periods(day)
        if periods:
            return periods[0].start
        day -= timedelta(days=1)
    return _local_midnight(ctx, today - timedelta(days=1))


async def _closed_since(
    session: AsyncSession, ctx: SweepContext, dept_ids: Iterable[int], today: date
) -> dict[int, datetime]:
    """Per department, since when the digest counts closures: its previous digest (the time
    its mark was claimed), else the start of the previous working day."""
    wanted = set(dept_ids)
    fallback = _previous_working_start(ctx, today)
    since = dict.fromkeys(wanted, fallback)
    latest: dict[int, str] = {}
    stmt = select(SchedulerMark.key, SchedulerMark.created_at).where(
        SchedulerMark.key.like("digest:%"),  # type: ignore[attr-defined]
        SchedulerMark.created_at >= ctx.now - _DIGEST_LOOKBACK,
        SchedulerMark.created_at < ctx.now,
    )
    for key, created_at in (await session.exec(stmt)).all():
        _, dept, day = str(key).split(":", 2)
        if not dept.isdigit() or int(dept) not in wanted or day >= today.isoformat():
            continue
        if day > latest.get(int(dept), ""):
            latest[int(dept)] = day
            since[int(dept)] = ensure_utc(created_at)
    return since


async def sweep_digests(
    session: AsyncSession, ctx: SweepContext, directory: Directory
) -> SweepResult:
    result = SweepResult("digests")
    policy = ctx.policy
    local = ctx.now.astimezone(ctx.calendar.tz)
    today = local.date()
    if local.time() < policy.digest_time:
        return result
    if policy.quiet_hours and not ctx.calendar.is_working_day(today):
        result.note = "day off"
        return result
    if not ctx.may_send():
        result.note = "quiet hours"
        return result
    wanted = {
        f"digest:{d.id}:{today.isoformat()}": d
        for d in directory.departments.values()
        if d.staff_chat_id is not None and d.active
    }
    pending = {k: d for k, d in wanted.items() if k not in await marks_done(session, wanted)}
    if not pending:
        return result
    day_end = _local_midnight(ctx, today + timedelta(days=1))
    since = await _closed_since(session, ctx, (d.id for d in pending.values()), today)
    counts = await stats.digest_counts(session, ctx.now, day_end, since)
    notifier = ctx.notifier(session)
    for key, dept in pending.items():
        if not await claim_mark(session, key, ctx.now):
            continue
        c = counts.get(dept.id, stats.DigestCounts())
        assert dept.staff_chat_id is not None
        event = DailyDigest(
            at=ctx.now,
            recipients=(ToStaff(dept.staff_chat_id),),
            dedupe_key=dedupe_key(key),
            department=dept.slug,
            day=today,
            open=c.open,
            due_today=c.due_today,
            overdue=c.overdue,
            closed=c.closed,
            since=since[dept.id],
            overdue_numbers=tuple(c.overdue_numbers),
        )
        result.messages.extend(await notifier.publish(event))
        result.count += 1
    return result


def week_bounds(ctx: SweepContext) -> tuple[date, datetime, datetime, datetime]:
    """(this week's Monday, when the summary is due, previous week start, end) in UTC."""
    local = ctx.now.astimezone(ctx.calendar.tz)
    monday = local.date() - timedelta(days=local.weekday())
    due = datetime.combine(
        monday + timedelta(days=ctx.policy.weekly_day),
        ctx.policy.weekly_time,
        tzinfo=ctx.calendar.tz,
    )
    start = _local_midnight(ctx, monday - timedelta(days=7))
    end = _local_midnight(ctx, monday)
    return monday, due, start, end


async def sweep_weekly(
    session: AsyncSession, ctx: SweepContext, directory: Directory
) -> SweepResult:
    result = SweepResult("weekly")
    monday, due, start, end = week_bounds(ctx)
    if ctx.now < due:
        return result
    if not ctx.admin_chat_ids:
        result.note = "no administrators"
        return result
    if not ctx.may_send():
        result.note = "quiet hours"
        return result
    key = f"weekly:{monday.isoformat()}"
    if await marks_done(session, [key]) or not await claim_mark(session, key, ctx.now):
        return result
    policy = ctx.policy
    ranking = stats.ranking(
        await stats.department_rates(session, start, end, satisfied_min=policy.satisfied_min_rating)
    )
    tz = ctx.calendar.tz
    found = await stats.reprimands(session, start, end)
    reprimands = tuple(
        ReprimandLine(rep.number, directory.dept(rep.department_id).slug, rep.deadlines)
        for rep in found[:MAX_REPRIMANDS]
    )
    clusters = await gap_clusters(session, since=start, until=end, limit=WEEKLY_GAPS, typical=1)
    gaps = tuple(
        GapLine(c.size, c.typical[0][:60], tuple(d[0] for d in c.departments)) for c in clusters
    )
    notifier = ctx.notifier(session)
    for chat in ctx.admin_chat_ids:
        event = WeeklyRanking(
            at=ctx.now,
            recipients=(directory.person(chat),),
            dedupe_key=dedupe_key(f"{key}:{chat}"),
            start=start.astimezone(tz).date(),
            end=end.astimezone(tz).date() - timedelta(days=1),
            ranking=ranking,
            reprimands=reprimands,
            reprimand_count=len(found),
            gaps=gaps,
        )
        result.messages.extend(await notifier.publish(event))
    result.count = 1
    return result
