"""Deadlines after an SLA change keep what moved them (tickets.sla_change)."""

from __future__ import annotations

from datetime import timedelta

from tickets.config.desk import DeskConfig
from tickets.sla_change import deadline_keeping_moves

from .conftest import World, open_ticket
from .helpers import SHANGHAI, sh


def test_moves_are_carried_to_the_new_window(desk: DeskConfig) -> None:
    cal = desk.calendar(SHANGHAI)
    start = sh(2026, 11, 24, 10, 0)  # Tuesday
    # 4 h from 10:00 is 15:30; paused for 2 working hours since: 17:30
    due = cal.add_working_time(cal.deadline(start, "4h"), timedelta(hours=2))
    assert due == sh(2026, 11, 24, 17, 30)
    moved = deadline_keeping_moves(cal, start, due, "4h", "1h")
    assert moved == cal.add_working_time(cal.deadline(start, "1h"), timedelta(hours=2))
    assert moved == sh(2026, 11, 24, 14, 30)
    # nothing moved: the new window as is
    plain = cal.deadline(start, "5d")
    assert deadline_keeping_moves(cal, start, plain, "5d", "13d") == cal.deadline(start, "13d")
    # a deadline before its own window (the SLA was lengthened since): the new window as is
    early = cal.deadline(start, "1d")
    assert deadline_keeping_moves(cal, start, early, "5d", "10d") == cal.deadline(start, "10d")


async def test_a_restarted_clock_counts_from_the_transfer(world: World) -> None:
    tid = await open_ticket(world, demand_type="help")
    world.clock.set(sh(2026, 11, 26, 10, 0))  # Thursday: transport restarts the clock
    async with world.factory() as session:
        svc = world.service(session)
        clerk = await world.actor(session, world.clerk)
        ticket = await svc.transfer(tid, clerk, "transport", "bus stop")
        cal = svc.calendar
        assert ticket.resolution_due_at == cal.deadline(sh(2026, 11, 26, 10, 0), "5d")
        ticket = await svc.set_demand_type(tid, await world.actor(session, 201), "complaint")
        assert ticket.resolution_due_at == cal.deadline(sh(2026, 11, 26, 10, 0), "13d")
        assert ticket.response_due_at == cal.deadline(sh(2026, 11, 26, 10, 0), "4h")
