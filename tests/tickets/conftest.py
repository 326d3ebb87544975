"""Fixtures for the ticket-domain tests: a desk configuration, seeded people, a service."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db import SessionFactory, create_engine, create_session_factory
from handlers.notify import NotifySetup, OutboxNotifier
from tests.support.config import department
from tests.support.people import add_citizen
from tickets.authz import Actor, actor_for
from tickets.clock import FixedClock
from tickets.config.desk import DeskConfig
from tickets.models import Citizen, StaffMember
from tickets.people.citizens import find_citizen
from tickets.people.departments import sync_departments
from tickets.service import TicketService

from .helpers import SHANGHAI, sh

ADMIN = 999
HOUSING_CHAT = -1001
TRANSPORT_CHAT = -1002
PARKS_HEAD = 900


_dept = department


@pytest.fixture(scope="session")
def desk() -> DeskConfig:
    return DeskConfig(
        departments={
            "housing": _dept("housing", "住建局", "Housing Bureau", chat=HOUSING_CHAT),
            "transport": _dept(
                "transport",
                "交通局",
                "Transport Bureau",
                chat=TRANSPORT_CHAT,
                transfer_clock="restart",
            ),
            "parks": _dept("parks", "园林局", "Parks Bureau", chat=None, head=PARKS_HEAD),
            "water": _dept("water", "水务局", "Water Bureau", chat=None),
        }
    )


@dataclass
class World:
    """Seeded people (Telegram user ids) and a way to build services and actors."""

    factory: SessionFactory
    desk: DeskConfig
    clock: FixedClock
    dept_ids: dict[str, int]
    owner: Citizen
    other: Citizen
    # staff telegram ids
    clerk: int = 101
    clerk2: int = 102
    head: int = 103
    inactive: int = 104
    other_clerk: int = 201
    parks_clerk: int = 301
    admin: int = ADMIN

    def service(self, session, **kwargs) -> TicketService:  # type: ignore[no-untyped-def]
        kwargs.setdefault("admin_ids", (ADMIN,))
        kwargs.setdefault("notifier", OutboxNotifier(session, NotifySetup.of(self.desk, SHANGHAI)))
        return TicketService(session, clock=self.clock, config=self.desk, tz=SHANGHAI, **kwargs)

    async def actor(self, session, uid: int) -> Actor:  # type: ignore[no-untyped-def]
        """The Telegram user ``uid``: as staff, and as the citizen they are (if they are)."""
        staff = await actor_for(session, uid, (ADMIN,))
        citizen = await find_citizen(session, "telegram", uid)
        return dataclasses.replace(staff, citizen_id=citizen.id if citizen else None)


async def _seed(factory: SessionFactory, desk: DeskConfig, clock: FixedClock) -> World:
    async with factory() as session:
        await sync_departments(session, desk, now=clock.now())
        from sqlmodel import select

        from tickets.models import Department

        ids = {d.slug: d.id for d in (await session.exec(select(Department))).all()}
        staff = [
            (101, "housing", "clerk", "王小明", True),
            (102, "housing", "clerk", "李四", True),
            (103, "housing", "head", "赵科长", True),
            (104, "housing", "clerk", "钱五", False),
            (201, "transport", "clerk", "孙六", True),
            (301, "parks", "clerk", "周七", True),
        ]
        for uid, slug, role, name, active in staff:
            session.add(
                StaffMember(
                    telegram_user_id=uid,
                    department_id=ids[slug],
                    role=role,
                    display_name=name,
                    active=active,
                )
            )
        owner = await add_citizen(
            session, 5001, language="zh", display_name="张三", phone="13812345678"
        )
        other = await add_citizen(session, 5002, language="en", display_name="John Smith")
        await session.commit()
    return World(factory, desk, clock, ids, owner, other)  # type: ignore[arg-type]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(sh(2026, 11, 24, 10, 0))  # a Tuesday, working time


@pytest.fixture
async def lite_engine(sqlite_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(sqlite_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def world(lite_engine: AsyncEngine, desk: DeskConfig, clock: FixedClock) -> World:
    """A seeded SQLite database (most tests: fast)."""
    return await _seed(create_session_factory(lite_engine), desk, clock)


@pytest.fixture
async def any_world(session_factory: SessionFactory, desk: DeskConfig, clock: FixedClock) -> World:
    """A seeded database on SQLite and on PostgreSQL (parametrized by ``db_url``)."""
    return await _seed(session_factory, desk, clock)


async def open_ticket(
    w: World,
    *,
    dept: str = "housing",
    text: str = "楼道灯坏了，电话13812345678",
    demand_type: str = "help",
    urgent: bool = False,
    at: datetime | None = None,
    citizen: Citizen | None = None,
) -> int:
    """Create a ticket (committed) and return its id."""
    if at is not None:
        w.clock.set(at)
    async with w.factory() as session:
        svc = w.service(session)
        ticket = await svc.create_ticket(
            citizen or w.owner, dept, text, demand_type=demand_type, urgent=urgent, lang="zh"
        )
        await session.commit()
        assert ticket.id is not None
        return ticket.id
