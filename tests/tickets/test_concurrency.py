"""Two clerks press [Take] at the same moment on PostgreSQL: exactly one wins."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from handlers.notify import NotifySetup, OutboxNotifier
from tickets.errors import Conflict
from tickets.models import Ticket
from tickets.service import TicketService

from .conftest import World, open_ticket
from .helpers import events


@pytest.mark.postgres
@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)  # SQLite has one connection
async def test_concurrent_take_exactly_one_wins(any_world: World) -> None:
    w = any_world
    tid = await open_ticket(w)
    barrier = asyncio.Barrier(2)

    class Racing(TicketService):
        async def _update(self, ticket: Ticket, **changes: Any) -> None:
            # both clerks have read the ticket (version 1) before either writes
            if changes.get("status") == "in_progress":
                await barrier.wait()
            await super()._update(ticket, **changes)

    async def take(uid: int) -> str:
        async with w.factory() as session:
            notifier = OutboxNotifier(session, NotifySetup.of(w.desk, "Asia/Shanghai"))
            svc = Racing(
                session, clock=w.clock, config=w.desk, tz="Asia/Shanghai", notifier=notifier
            )
            actor = await w.actor(session, uid)
            try:
                await svc.take(tid, actor)
            except Conflict as exc:
                await session.rollback()
                return exc.key
            await session.commit()
            return "won"

    results = await asyncio.gather(take(w.clerk), take(w.clerk2))
    assert sorted(results) == ["error-already_taken", "won"]
    async with w.factory() as session:
        ticket = await session.get(Ticket, tid)
        assert ticket is not None and ticket.status == "in_progress" and ticket.version == 2
        kinds = [e.kind for e in await events(session, tid)]
        assert kinds == ["created", "taken"]
