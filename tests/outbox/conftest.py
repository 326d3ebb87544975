"""Fixtures for the outbox tests: a scriptable fake transport and a fixed clock."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.db import SessionFactory
from bot.outbox import OutboxSender, Rate, RateLimits
from tickets.clock import FixedClock
from tickets.models import Department, Ticket

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

Script = Callable[[str, dict[str, Any]], Any]


@dataclass
class Call:
    method: str
    payload: dict[str, Any]
    at: datetime

    @property
    def chat_id(self) -> int:
        return int(self.payload["chat_id"])


@dataclass
class FakeTransport:
    """Records every call (with the clock's time) and answers like the Bot API.

    ``failures`` is a queue of exceptions raised by the next calls (per chat id when keyed
    by one, else for any call); after it the call succeeds with a Message dict."""

    clock: FixedClock
    calls: list[Call] = field(default_factory=list)
    failures: dict[int | None, list[BaseException]] = field(default_factory=dict)
    hold: asyncio.Event | None = None
    called: asyncio.Event = field(default_factory=asyncio.Event)  # set by every call
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))

    def fail(self, *errors: BaseException, chat_id: int | None = None) -> None:
        self.failures.setdefault(chat_id, []).extend(errors)

    async def call(self, method: str, payload: dict[str, Any]) -> Any:
        self.calls.append(Call(method, dict(payload), self.clock.now()))
        self.called.set()
        await asyncio.sleep(0)  # let concurrent senders interleave
        if self.hold is not None:
            await self.hold.wait()
        for key in (payload["chat_id"], None):
            queue = self.failures.get(key)
            if queue:
                raise queue.pop(0)
        if method.startswith("edit"):
            return True
        return {
            "message_id": next(self._ids),
            "date": int(self.clock.now().timestamp()),
            "chat": {"id": payload["chat_id"], "type": "private"},
            "text": payload.get("text"),
        }

    def sent_to(self, chat_id: int) -> list[str]:
        return [c.payload.get("text", "") for c in self.calls if c.chat_id == chat_id]


SECOND = timedelta(seconds=1)
WIDE_OPEN = RateLimits(Rate(10_000, SECOND), Rate(10_000, SECOND), Rate(10_000, SECOND))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def transport(clock: FixedClock) -> FakeTransport:
    return FakeTransport(clock)


@pytest.fixture
def make_sender(
    session_factory: SessionFactory, transport: FakeTransport, clock: FixedClock
) -> Callable[..., OutboxSender]:
    def make(**kwargs: Any) -> OutboxSender:
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("transport", transport)
        return OutboxSender(session_factory, **kwargs)

    return make


async def make_ticket(session_factory: SessionFactory) -> int:
    """A department and a ticket (TicketMessage rows need a real ticket)."""
    async with session_factory() as session:
        department = Department(slug="roads", name_zh="道路", name_en="Roads", staff_chat_id=-100)
        session.add(department)
        await session.flush()
        assert department.id is not None
        ticket = Ticket(number="2026-000001", department_id=department.id, text="pothole")
        session.add(ticket)
        await session.commit()
        assert ticket.id is not None
        return ticket.id
