"""The administrators hear, once a day, while the holiday calendar does not cover a due year."""

from __future__ import annotations

from datetime import date

from tickets.models import SchedulerMark
from tickets.sweeps import SweepContext, SweepPolicy, run_round
from tickets.sweeps.coverage import warn_calendar_coverage
from tickets.worktime.calendar import WorkCalendar
from tickets.worktime.yearschedule import YearSchedule

from .helpers import ADMINS, TZ, ctx_at, local, notifiers, outbox


async def _calendar_round(session_factory, ctx):
    report = await run_round(session_factory, ctx, only=("calendar",))
    assert report.errors == []
    (result,) = report.results
    return result


async def test_a_missing_next_year_is_reported_once_a_day_from_1_november(session_factory):
    october = await _calendar_round(session_factory, ctx_at(local(2026, 10, 30, 10)))
    assert october.summary() == "calendar: 0 queued"
    monday = await _calendar_round(session_factory, ctx_at(local(2026, 11, 2, 10)))
    assert monday.count == 1 and len(monday.messages) == len(ADMINS)
    again = await _calendar_round(session_factory, ctx_at(local(2026, 11, 2, 15)))
    assert again.count == 0 and again.messages == []
    night = await _calendar_round(session_factory, ctx_at(local(2026, 11, 3, 2)))
    assert "quiet hours" in night.summary()
    tuesday = await _calendar_round(session_factory, ctx_at(local(2026, 11, 3, 9, 30)))
    assert len(tuesday.messages) == len(ADMINS)
    async with session_factory() as s:
        rows = await outbox(s)
    assert sorted(r.chat_id for r in rows) == sorted(ADMINS * 2)
    text = rows[0].payload["text"]
    assert text.startswith("⚠️ 节假日日历提醒：尚未录入2027年的国务院节假日安排")
    assert "config/calendar/2027.yaml" in text
    assert {r.dedupe_key for r in rows} == {
        f"calendar-coverage:2026-11-0{d}:{a}" for d in (2, 3) for a in ADMINS
    }


async def test_nothing_is_sent_once_the_year_has_its_file(session_factory):
    schedule = YearSchedule(
        year=2027,
        title="test data",
        path="2027.yaml",
        days_off={date(2027, 1, 1): "元旦"},
    )
    ctx = SweepContext(
        now=local(2026, 11, 2, 10),
        policy=SweepPolicy(),
        calendar=WorkCalendar(tz=TZ, schedules=[schedule]),
        admin_chat_ids=ADMINS,
        notifiers=notifiers(),
    )
    assert (await _calendar_round(session_factory, ctx)).count == 0
    async with session_factory() as s:
        assert await outbox(s) == []


async def test_the_start_warns_at_once_and_shares_the_days_message(session_factory):
    """At start (an operator is there) it goes out even at night; the day's sweep is then
    quiet, and a second instance starting the same day sends nothing more."""
    ctx = ctx_at(local(2026, 11, 2, 3, 0), SweepPolicy(staff_lang="en"))
    async with session_factory() as s:
        first = await warn_calendar_coverage(s, ctx, at_start=True)
        await s.commit()
    assert len(first.messages) == len(ADMINS)
    assert first.messages[0].payload["text"].startswith("⚠️ Holiday calendar: the official")
    async with session_factory() as s:
        second = await warn_calendar_coverage(s, ctx, at_start=True)
        await s.commit()
    assert second.messages == []
    later = await _calendar_round(session_factory, ctx_at(local(2026, 11, 2, 10)))
    assert later.messages == []
    async with session_factory() as s:
        assert len(await outbox(s)) == len(ADMINS)
        assert await s.get(SchedulerMark, "calendar-coverage:2026-11-02") is not None


async def test_without_administrators_the_round_says_so(session_factory):
    ctx = SweepContext(
        now=local(2026, 11, 2, 10),
        policy=SweepPolicy(),
        calendar=ctx_at(local(2026, 1, 1)).calendar,
        notifiers=notifiers(),
    )
    result = await _calendar_round(session_factory, ctx)
    assert result.summary() == "calendar: 0 queued (2027 not covered, no administrators)"
