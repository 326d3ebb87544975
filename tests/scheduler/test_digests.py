"""Daily department digest, weekly ranking by the three rates, reprimand listing."""

from __future__ import annotations

import pytest

from tickets.models import TicketAlert, TicketEvent
from tickets.outbox import PRIORITY_BULK
from tickets.reports import stats
from tickets.sweeps import SweepPolicy, run_round

from .helpers import ADMINS, add_department, add_ticket, ctx_at, local, outbox


async def _round(session_factory, now, only):
    report = await run_round(session_factory, ctx_at(now), only=only)
    assert report.errors == []
    return report.results[0]


async def test_daily_digest_counts_once_per_department_and_day(session_factory):
    async with session_factory() as s:
        dept = await add_department(s, "roads", chat=-100)
        silent = await add_department(s, "archive", chat=None)
        late = await add_ticket(
            s, dept, created_at=local(2026, 3, 2, 9, 0), response_due_at=local(2026, 3, 2, 15, 0)
        )
        await add_ticket(
            s,
            dept,
            status="in_progress",
            first_response_at=local(2026, 3, 2, 10, 0),
            response_due_at=local(2026, 3, 2, 13, 0),
            resolution_due_at=local(2026, 3, 3, 17, 30),
        )
        await add_ticket(s, dept, status="waiting_citizen", paused_at=local(2026, 3, 2, 11, 0))
        await add_ticket(s, dept, status="closed", closed_at=local(2026, 3, 2, 16, 0))
        await add_ticket(s, dept, status="closed", closed_at=local(2026, 2, 27, 16, 0))
        await add_ticket(s, silent, status="new")
        await s.commit()
    tuesday = local(2026, 3, 3, 9, 0)
    assert (await _round(session_factory, local(2026, 3, 3, 8, 59), ("digests",))).count == 0
    assert (await _round(session_factory, tuesday, ("digests",))).count == 1
    assert (await _round(session_factory, local(2026, 3, 3, 11, 0), ("digests",))).count == 0
    async with session_factory() as s:
        (msg,) = await outbox(s)
    assert msg.chat_id == -100
    assert msg.priority == PRIORITY_BULK  # a summary goes after replies and staff traffic
    text = msg.payload["text"]
    assert "roads局 每日工单简报（2026-03-03）" in text
    # The first digest ever counts closures since the previous working day began.
    assert "在办：3\n今日到期：1\n已超期：1\n2026-03-02 09:00 以来办结：1" in text
    assert f"• {late.number}" in text
    saturday = await _round(session_factory, local(2026, 3, 7, 9, 30), ("digests",))
    assert saturday.count == 0 and "day off" in saturday.summary()


async def _digest_texts(session_factory) -> list[str]:
    async with session_factory() as s:
        return [r.payload["text"] for r in await outbox(s)]


async def test_monday_digest_counts_closures_since_fridays_digest(session_factory):
    async with session_factory() as s:
        dept = await add_department(s, "roads", chat=-100)
        for closed in (
            local(2026, 3, 5, 16),  # Thursday: in Friday's digest
            local(2026, 3, 6, 8, 30),  # Friday before its digest: in Friday's digest
            local(2026, 3, 6, 10),  # Friday after the digest
            local(2026, 3, 6, 17),
            local(2026, 3, 7, 11),  # Saturday
            local(2026, 3, 9, 8, 45),  # Monday before the digest
            local(2026, 3, 9, 10),  # Monday after it: tomorrow's
        ):
            await add_ticket(s, dept, status="closed", closed_at=closed)
        await s.commit()
    assert (await _round(session_factory, local(2026, 3, 6, 9, 0), ("digests",))).count == 1
    assert (await _round(session_factory, local(2026, 3, 9, 9, 0), ("digests",))).count == 1
    friday, monday = await _digest_texts(session_factory)
    assert "2026-03-05 09:00 以来办结：2" in friday
    assert "2026-03-06 09:00 以来办结：4" in monday


async def test_closures_of_a_make_up_saturday_reach_mondays_digest(session_factory):
    # Saturday 28 Feb 2026 is a make-up working day (调休上班): it has its own digest, and
    # what is closed after it appears on Monday 2 March.
    async with session_factory() as s:
        dept = await add_department(s, "roads", chat=-100)
        for closed in (local(2026, 2, 27, 15), local(2026, 2, 28, 14), local(2026, 3, 1, 10)):
            await add_ticket(s, dept, status="closed", closed_at=closed)
        await s.commit()
    for day in (27, 28):
        assert (await _round(session_factory, local(2026, 2, day, 9, 5), ("digests",))).count == 1
    sunday = await _round(session_factory, local(2026, 3, 1, 9, 5), ("digests",))
    assert sunday.count == 0 and "day off" in sunday.summary()
    assert (await _round(session_factory, local(2026, 3, 2, 9, 5), ("digests",))).count == 1
    friday, saturday, monday = await _digest_texts(session_factory)
    assert "每日工单简报（2026-02-28）" in saturday
    # Friday's first digest counts from Thursday's start; Saturday's from Friday's digest.
    assert "2026-02-26 09:00 以来办结：0" in friday
    assert "2026-02-27 09:05 以来办结：1" in saturday
    assert "2026-02-28 09:05 以来办结：2" in monday


async def test_digest_in_english_names_the_start(session_factory):
    async with session_factory() as s:
        dept = await add_department(s, "roads", chat=-100)
        await add_ticket(s, dept, status="closed", closed_at=local(2026, 3, 6, 16))
        await s.commit()
    report = await run_round(
        session_factory,
        ctx_at(local(2026, 3, 9, 9, 0), SweepPolicy(staff_lang="en")),
        only=("digests",),
    )
    assert report.errors == []
    (text,) = await _digest_texts(session_factory)
    assert "Closed since 2026-03-06 09:00: 1" in text


async def _week(s):
    a = await add_department(s, "alpha", chat=-1)
    b = await add_department(s, "beta", chat=-2)
    t1 = await add_ticket(
        s,
        a,
        created_at=local(2026, 3, 2, 10),
        response_due_at=local(2026, 3, 2, 14, 30),
        first_response_at=local(2026, 3, 2, 11),
        resolution_due_at=local(2026, 3, 6, 17, 30),
        answered_at=local(2026, 3, 4, 10),
        closed_at=local(2026, 3, 5, 10),
        status="closed",
        rating=5,
    )
    t2 = await add_ticket(
        s,
        a,
        created_at=local(2026, 3, 3, 10),
        response_due_at=local(2026, 3, 3, 14, 30),
        first_response_at=local(2026, 3, 3, 16),
        resolution_due_at=local(2026, 3, 4, 17, 30),
        answered_at=local(2026, 3, 5, 10),
        closed_at=local(2026, 3, 5, 11),
        status="closed",
        rating=2,
    )
    t3 = await add_ticket(
        s,
        a,
        created_at=local(2026, 3, 4, 10),
        response_due_at=local(2026, 3, 4, 14, 30),
        resolution_due_at=local(2026, 3, 6, 17, 30),
        status="new",
    )
    t4 = await add_ticket(
        s,
        b,
        created_at=local(2026, 3, 2, 10),
        response_due_at=local(2026, 3, 2, 14, 30),
        first_response_at=local(2026, 3, 2, 10, 30),
        resolution_due_at=local(2026, 3, 3, 17, 30),
        answered_at=local(2026, 3, 3, 10),
        closed_at=local(2026, 3, 3, 12),
        status="closed",
        rating=4,
    )
    # Outside the week: must not count.
    await add_ticket(
        s,
        b,
        created_at=local(2026, 2, 25, 10),
        response_due_at=local(2026, 2, 25, 11),
        status="new",
    )
    for ticket, kind, actor, at in (
        (t1, "confirmed", "citizen", local(2026, 3, 5, 10)),
        (t2, "callback_solved", "citizen", local(2026, 3, 6, 9)),
        (t2, "callback_unsolved", "citizen", local(2026, 3, 6, 10)),  # the latest verdict counts
        (t4, "callback_solved", "citizen", local(2026, 3, 4, 9)),
        (t4, "reopened", "staff", local(2026, 3, 4, 10)),  # staff reopening is no verdict
    ):
        s.add(TicketEvent(ticket_id=ticket.id, at=at, actor_kind=actor, kind=kind, data={}))
    s.add(
        TicketAlert(
            ticket_id=t3.id,
            deadline="response",
            alert="reprimand",
            created_at=local(2026, 3, 6, 11),
        )
    )
    await s.commit()
    return t3


async def test_rates_on_a_hand_built_week(session_factory):
    async with session_factory() as s:
        await _week(s)
    async with session_factory() as s:
        rates = await stats.department_rates(s, local(2026, 3, 2), local(2026, 3, 9))
    by = {r.slug: r for r in rates}
    a, b = by["alpha"], by["beta"]
    assert (a.created, a.response_due, a.responded_on_time) == (3, 3, 1)
    assert (a.verdicts, a.solved) == (2, 1)
    assert (a.rated, a.satisfied) == (2, 1)
    assert (a.done, a.done_on_time, a.late_open) == (2, 1, 1)
    assert a.reprimands == 1
    assert a.response_rate == pytest.approx(1 / 3)
    assert a.resolution_rate == pytest.approx(0.5)
    assert a.satisfaction_rate == pytest.approx(0.5)
    assert a.on_time_rate == pytest.approx(1 / 3)
    assert b.rates == (1.0, 1.0, 1.0, 1.0)
    assert [r.slug for r in stats.rank_departments(rates)] == ["beta", "alpha"]
    # An empty period has no rates (None), not 0 %.
    async with session_factory() as s:
        empty = await stats.department_rates(s, local(2026, 1, 5), local(2026, 1, 12))
    assert all(r.rates == (None, None, None, None) for r in empty)


async def test_weekly_summary_to_administrators_monday_morning(session_factory):
    async with session_factory() as s:
        t3 = await _week(s)
    assert (await _round(session_factory, local(2026, 3, 9, 8, 59), ("weekly",))).count == 0
    assert (await _round(session_factory, local(2026, 3, 9, 9, 0), ("weekly",))).count == 1
    assert (await _round(session_factory, local(2026, 3, 10, 9, 0), ("weekly",))).count == 0
    async with session_factory() as s:
        rows = await outbox(s)
    assert sorted(r.chat_id for r in rows) == sorted(ADMINS)
    assert {r.priority for r in rows} == {PRIORITY_BULK}
    text = rows[0].payload["text"]
    assert "2026-03-02 至 2026-03-08" in text
    assert "1. beta局：100.0%｜100.0%｜100.0%｜100.0%" in text
    assert "2. alpha局：33.3%｜50.0%｜50.0%｜33.3%（受理 3 件，超期未办 1 件）" in text
    assert "本周通报（1 件）" in text and f"• {t3.number}｜alpha局｜答复超期" in text


async def test_an_overdue_open_ticket_counts_every_week_until_it_is_closed(session_factory):
    async with session_factory() as s:
        dept = await add_department(s, "roads", chat=-1)
        old = await add_ticket(
            s,
            dept,
            status="in_progress",
            created_at=local(2026, 2, 2, 10),
            response_due_at=local(2026, 2, 2, 14),
            first_response_at=local(2026, 2, 2, 11),
            resolution_due_at=local(2026, 2, 6, 17, 30),  # four weeks before the period
        )
        await s.commit()
    async with session_factory() as s:
        (week,) = await stats.department_rates(s, local(2026, 3, 2), local(2026, 3, 9))
    assert (week.late_open, week.done, week.on_time_rate) == (1, 0, 0.0)
    async with session_factory() as s:
        ticket = await s.get(type(old), old.id)
        ticket.status, ticket.closed_at = "closed", local(2026, 3, 11, 10)
        await s.commit()
    async with session_factory() as s:
        (closing,) = await stats.department_rates(s, local(2026, 3, 9), local(2026, 3, 16))
        (after,) = await stats.department_rates(s, local(2026, 3, 16), local(2026, 3, 23))
    assert (closing.late_open, closing.done, closing.done_on_time) == (0, 1, 0)
    assert closing.on_time_rate == 0.0
    assert after.rates == (None, None, None, None) and not after.has_tickets


async def test_weekly_ranking_leaves_departments_without_tickets_unranked(session_factory):
    async with session_factory() as s:
        t3 = await _week(s)
        await add_department(s, "gamma", chat=-3)  # no tickets at all
        delta = await add_department(s, "delta", chat=-4)
        await add_ticket(  # created on Sunday night: nothing to assess before the week's end
            s,
            delta,
            created_at=local(2026, 3, 8, 22),
            response_due_at=local(2026, 3, 9, 10),
            resolution_due_at=local(2026, 3, 13, 17, 30),
        )
        # t3 is reprimanded for its resolution deadline too: still one reprimanded ticket.
        s.add(
            TicketAlert(
                ticket_id=t3.id,
                deadline="resolution",
                alert="reprimand",
                created_at=local(2026, 3, 7, 11),
            )
        )
        await s.commit()
    async with session_factory() as s:
        rates = await stats.department_rates(s, local(2026, 3, 2), local(2026, 3, 9))
    result = stats.ranking(rates)
    assert [r.slug for r in result.ranked] == ["beta", "alpha"]
    assert [r.slug for r in result.unrated] == ["delta"]
    assert [r.slug for r in result.idle] == ["gamma"]
    assert {r.slug: r.reprimands for r in rates}["alpha"] == 1
    assert (await _round(session_factory, local(2026, 3, 9, 9, 0), ("weekly",))).count == 1
    async with session_factory() as s:
        text = (await outbox(s))[0].payload["text"]
    assert "\n1. beta局" in text and "\n2. alpha局" in text and "\n3. " not in text
    assert "未排名（本周尚无可考核的工单）：\n• delta局（受理 1 件，超期未办 0 件）" in text
    assert "本周无工单，不参与排名：gamma局" in text
    assert "本周通报（1 件）" in text
    assert text.count(t3.number) == 1
    assert f"• {t3.number}｜alpha局｜答复、办结超期" in text
