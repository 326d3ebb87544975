"""The dashboard's figures (tickets/reports/dashboard.py) on a small desk with known events."""

from __future__ import annotations

from datetime import timedelta

from tests.staff_handlers.conftest import ADMIN, SHANGHAI, Desk
from tickets.authz import actor_for
from tickets.models import Ticket, TicketAlert, TicketEvent
from tickets.reports.dashboard import dashboard
from tickets.reports.stats import department_rates, rank_departments


async def test_figures_counts_and_charts(any_desk: Desk) -> None:
    desk = any_desk
    start = desk.clock.now() - timedelta(hours=1)
    first, _ = await desk.open_ticket("housing", "one")
    second, _ = await desk.open_ticket("housing", "two")
    third, _ = await desk.open_ticket("transport", "three")
    desk.clock.advance(timedelta(minutes=30))
    async with desk.factory() as session:
        clerk = await actor_for(session, 101, (ADMIN,))
        service = desk.deps.tickets(session)
        await service.reply(first, clerk, "answer")
        await service.close(first, clerk, "done")
        await service.reopen(first, clerk, "again")
        await service.take(second, clerk)
        now = desk.clock.now()
        session.add(
            TicketEvent(ticket_id=third, at=now, actor_kind="citizen", kind="callback_solved")
        )
        session.add(
            TicketAlert(ticket_id=third, deadline="resolution", alert="urge", created_at=now)
        )
        await session.commit()
    end = desk.clock.now() + timedelta(minutes=1)
    later = end + timedelta(days=30)  # every deadline has passed: overdue now
    async with desk.factory() as session:
        report = await dashboard(session, start, end, now=later, tz=SHANGHAI)
        rates = rank_departments(await department_rates(session, start, end))
    by_slug = {d.slug: d for d in report.departments}
    assert [d.slug for d in report.departments] == [r.slug for r in rates]
    housing, transport = by_slug["housing"].current, by_slug["transport"].current
    assert (housing.received, housing.responded, housing.reopened) == (2, 1, 1)
    assert housing.response_rate == 0.5
    assert housing.timely_acceptance == next(r for r in rates if r.slug == "housing").response_rate
    assert (transport.callbacks, transport.callbacks_solved, transport.urged) == (1, 1, 1)
    assert transport.callback_rate == 1.0
    assert housing.overdue_now == 2 and transport.overdue_now == 1  # reopened + taken; new
    assert report.total.received == 3 and by_slug["housing"].previous.received == 0
    assert sum(map(sum, report.heatmap)) == 3
    local = (start + timedelta(hours=1)).astimezone(SHANGHAI)
    assert report.heatmap[local.weekday()][local.hour] == 3
    assert len(report.weeks) == 12 and report.weeks[-1].received == 3
    assert report.weeks[-1].closed == 0  # the one closed was reopened
    load = {row.telegram_user_id: (row.open, row.overdue) for row in report.load}
    assert load[101] == (2, 2)
    async with desk.factory() as session:
        only = await dashboard(
            session, start, end, now=later, tz=SHANGHAI, department_id=housing_id(report)
        )
        assert [d.slug for d in only.departments] == ["housing"] and only.total.received == 2
        assert {row.department_id for row in only.load} == {housing_id(report)}
        assert (await session.get(Ticket, first)) is not None


def housing_id(report) -> int:  # type: ignore[no-untyped-def]
    return next(d.department_id for d in report.departments if d.slug == "housing")
