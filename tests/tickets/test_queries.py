"""Queue, details and a citizen's own tickets."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tickets.errors import ValidationError

from .conftest import World, open_ticket
from .helpers import sh


async def test_queue_orders_by_deadline_and_pages(any_world: World) -> None:
    w = any_world
    a = await open_ticket(w, demand_type="help", at=sh(2026, 11, 24, 10))  # respond by 15:30
    b = await open_ticket(w, demand_type="suggestion", at=sh(2026, 11, 24, 10))  # by 25th 17:30
    c = await open_ticket(w, urgent=True, at=sh(2026, 11, 24, 11))  # respond by 12:00
    d = await open_ticket(w, dept="transport", at=sh(2026, 11, 24, 11))
    e = await open_ticket(w, at=sh(2026, 11, 24, 11, 30))
    async with w.factory() as session:
        svc = w.service(session)
        clerk = await w.actor(session, w.clerk)
        await svc.close(e, clerk)  # closed: not in the queue
        await svc.reply(a, clerk, "answer")  # responded: now ordered by resolution (1 Dec)
        page1 = await svc.queue(clerk, page=1, page_size=2)
        assert page1.total == 3 and page1.pages == 2
        assert [t.id for t in page1.items] == [c, b]
        page2 = await svc.queue(clerk, page=2, page_size=2)
        assert [t.id for t in page2.items] == [a]
        assert d not in [t.id for t in page1.items + page2.items]
        with pytest.raises(ValidationError):
            await svc.queue(clerk, page=0)


async def test_details_for_staff_and_for_the_citizen(world: World) -> None:
    tid = await open_ticket(world, text="漏水，电话13812345678")
    async with world.factory() as session:
        svc = world.service(session)
        clerk = await world.actor(session, world.clerk)
        owner = await world.actor(session, 5001)
        await svc.ask_info(tid, clerk, "几楼？")
        world.clock.advance(timedelta(minutes=5))
        await svc.follow_up(tid, owner, "5楼，身份证11010519491231002X")
        await svc.note(tid, clerk, "物业已通知")
        staff_view = await svc.details(tid, clerk)
        assert staff_view.viewer == "staff" and staff_view.identity == "张* (138****5678)"
        assert "13812345678" not in staff_view.text
        assert [e.kind for e in staff_view.conversation] == [
            "created",
            "info_requested",
            "citizen_message",
        ]
        assert "19491231" not in staff_view.conversation[-1].data["text"]
        assert [e.data["text"] for e in staff_view.notes] == ["物业已通知"]
        assert len(staff_view.audit) == 4
        mine = await svc.details(tid, owner)
        assert mine.viewer == "citizen" and mine.notes == [] and mine.audit == []
        assert "13812345678" in mine.text  # the citizen sees their own text
        assert "note" not in [e.kind for e in mine.conversation]
        # the stored event is untouched by the redacted staff view
        assert "11010519491231002X" in mine.conversation[-1].data["text"]


async def test_citizen_tickets(world: World) -> None:
    first = await open_ticket(world)
    second = await open_ticket(world, at=sh(2026, 11, 25, 10))
    await open_ticket(world, citizen=world.other)
    async with world.factory() as session:
        svc = world.service(session)
        mine = await svc.citizen_tickets(await world.actor(session, 5001))
        assert mine.total == 2 and [t.id for t in mine.items] == [second, first]
        nobody = await svc.citizen_tickets(await world.actor(session, 4242))
        assert nobody.total == 0 and nobody.items == []
