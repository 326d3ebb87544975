"""Tell the administrators while the holiday calendar does not cover a year it must cover.

Deadlines in a year without the State Council's schedule count estimated festivals and no
make-up working days (:mod:`tickets.worktime.calendar`). From 1 November of year Y the notice for
Y+1 is out, so Y+1 must be covered by then (a yearly file ``config/calendar/Y+1.yaml`` or a
package with the official data); the current year always. While it is not, every
administrator gets one message a day: the first round of the day that may send (working time
with quiet hours on) and the service's start (:func:`warn_calendar_coverage` with
``at_start``) share one :class:`~tickets.models.SchedulerMark` ``calendar-coverage:<date>``, so
it is sent once a day across instances and restarts.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.notify import CalendarUncovered, ToStaff
from tickets.people.directory import staff_languages
from tickets.sweeps.base import SweepContext, SweepResult, claim_mark, dedupe_key, marks_done

__all__ = ["sweep_calendar_coverage", "warn_calendar_coverage"]


async def warn_calendar_coverage(
    session: AsyncSession, ctx: SweepContext, *, at_start: bool = False
) -> SweepResult:
    """Queue today's warning to every administrator when a due year is not covered.

    ``at_start`` (the service starting) sends even outside working time: an operator is there.
    """
    result = SweepResult("calendar")
    today = ctx.now.astimezone(ctx.calendar.tz).date()
    missing = ctx.calendar.due_coverage_gaps(today)
    if not missing:
        return result
    years = "/".join(str(gap.year) for gap in missing)
    if not ctx.admin_chat_ids:
        result.note = f"{years} not covered, no administrators"
        return result
    if not at_start and not ctx.may_send():
        result.note = "quiet hours"
        return result
    key = f"calendar-coverage:{today.isoformat()}"
    if await marks_done(session, [key]) or not await claim_mark(session, key, ctx.now):
        return result
    notifier = ctx.notifier(session)
    languages = await staff_languages(session, ctx.admin_chat_ids)
    for chat in ctx.admin_chat_ids:
        event = CalendarUncovered(
            at=ctx.now,
            recipients=(ToStaff(chat, chat, languages.get(chat)),),
            dedupe_key=dedupe_key(f"{key}:{chat}"),
            gaps=tuple(missing),
        )
        result.messages.extend(await notifier.publish(event))
    result.count = len(missing)
    return result


async def sweep_calendar_coverage(session: AsyncSession, ctx: SweepContext) -> SweepResult:
    """The daily round's part (see the module docstring)."""
    return await warn_calendar_coverage(session, ctx)
