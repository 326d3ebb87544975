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

from locales import t
from tickets.clock import ensure_utc
from tickets.gaps import gap_clusters
from tickets.models import SchedulerMark
from tickets.reports import stats
from tickets.sweeps.base import (
    Directory,
    SweepContext,
    SweepResult,
    claim_mark,
    marks_done,
    queue_message,
)

__all__ = ["WEEKLY_GAPS", "format_rate", "sweep_digests", "sweep_weekly", "week_bounds"]

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


def format_rate(rate: float | None, lang: str | None) -> str:
    return t(lang, "rate-none") if rate is None else f"{rate * 100:.1f}%"


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
    lang = policy.staff_lang
    for key, dept in pending.items():
        if not await claim_mark(session, key, ctx.now):
            continue
        c = counts.get(dept.id, stats.DigestCounts())
        text = t(
            lang,
            "digest",
            department=dept.name(lang),
            date=today.isoformat(),
            open=c.open,
            due_today=c.due_today,
            overdue=c.overdue,
            since=since[dept.id].astimezone(ctx.calendar.tz).strftime("%Y-%m-%d %H:%M"),
            closed=c.closed,
        )
        if c.overdue_numbers:
            text += (
                "\n\n"
                + t(lang, "digest-overdue_head")
                + "\n"
                + "\n".join(f"• {n}" for n in c.overdue_numbers)
            )
        assert dept.staff_chat_id is not None
        row = await queue_message(session, ctx, dept.staff_chat_id, text, key=key)
        result.count += 1
        if row is not None:
            result.messages.append(row)
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
    lang = policy.staff_lang
    ranking = stats.ranking(
        await stats.department_rates(session, start, end, satisfied_min=policy.satisfied_min_rating)
    )
    tz = ctx.calendar.tz
    lines = [
        t(
            lang,
            "weekly-head",
            start=start.astimezone(tz).date().isoformat(),
            end=(end.astimezone(tz).date() - timedelta(days=1)).isoformat(),
        )
    ]
    for rank, r in enumerate(ranking.ranked, 1):
        lines.append(
            t(
                lang,
                "weekly-line",
                rank=rank,
                department=r.name(lang),
                response=format_rate(r.response_rate, lang),
                resolution=format_rate(r.resolution_rate, lang),
                satisfaction=format_rate(r.satisfaction_rate, lang),
                on_time=format_rate(r.on_time_rate, lang),
                created=r.created,
                overdue=r.late_open,
            )
        )
    if ranking.unrated:
        lines.append(t(lang, "weekly-unrated"))
        for r in ranking.unrated:
            lines.append(
                t(
                    lang,
                    "weekly-unrated_line",
                    department=r.name(lang),
                    created=r.created,
                    overdue=r.late_open,
                )
            )
    sep = t(lang, "list-sep")
    if ranking.idle:
        names = sep.join(r.name(lang) for r in ranking.idle)
        lines.append(t(lang, "weekly-idle", departments=names))
    if not ranking.all:
        lines.append(t(lang, "weekly-empty"))
    found = await stats.reprimands(session, start, end)
    lines.append("")
    if found:
        lines.append(t(lang, "weekly-reprimands", count=len(found)))
        for rep in found[:50]:
            lines.append(
                t(
                    lang,
                    "weekly-reprimand_line",
                    number=rep.number,
                    department=directory.dept(rep.department_id).name(lang),
                    deadline=sep.join(t(lang, f"deadline-{d}") for d in rep.deadlines),
                )
            )
        if len(found) > 50:
            lines.append(t(lang, "more", count=len(found) - 50))
    else:
        lines.append(t(lang, "weekly-no_reprimands"))
    lines.append("")
    clusters = await gap_clusters(session, since=start, until=end, limit=WEEKLY_GAPS, typical=1)
    if clusters:
        lines.append(t(lang, "weekly-gaps"))
        for rank, c in enumerate(clusters, 1):
            where = t(lang, "list-sep").join(
                c.department_name(i, lang) for i in range(len(c.departments))
            )
            lines.append(
                t(
                    lang,
                    "weekly-gap_line",
                    rank=rank,
                    count=c.size,
                    question=c.typical[0][:60],
                    departments=where or t(lang, "weekly-gap_no_ticket"),
                )
            )
        lines.append(t(lang, "weekly-gaps_tail"))
    else:
        lines.append(t(lang, "weekly-no_gaps"))
    text = "\n".join(lines)
    for chat in ctx.admin_chat_ids:
        row = await queue_message(session, ctx, chat, text, key=f"{key}:{chat}")
        if row is not None:
            result.messages.append(row)
    result.count = 1
    return result
