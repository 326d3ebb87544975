"""Lessons in the database and the live router the forms use (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import col, select

from bot.db import SessionFactory
from faq.routing import RouterConfig
from tickets.clock import FixedClock
from tickets.config.desk import DeskConfig
from tickets.lessons import MAX_LESSON_TEXT, record_lesson
from tickets.models import RouteLesson
from tickets.routing import LiveRouter

from .conftest import World, _seed, open_ticket

DUTIES = {
    "housing": ("楼道灯和楼道设施", "物业管理", "公租房"),
    "transport": ("公交线路和公交站", "道路交通"),
    "parks": ("公园和绿地", "树木修剪"),
    "water": ("停水和水压", "水费"),
}
LAMP = "楼道灯坏了好几天"


@pytest.fixture
def routed_desk(desk: DeskConfig) -> DeskConfig:
    """The tests' departments with duties."""
    return replace(
        desk,
        departments={
            slug: replace(d, duties=tuple(("zh", x) for x in DUTIES[slug]))
            for slug, d in desk.departments.items()
        },
    )


@pytest.fixture
async def routed_world(
    session_factory: SessionFactory, routed_desk: DeskConfig, clock: FixedClock
) -> World:
    return await _seed(session_factory, routed_desk, clock)


async def _lessons(w: World) -> list[RouteLesson]:
    async with w.factory() as session:
        stmt = select(RouteLesson).order_by(col(RouteLesson.id))
        return list((await session.exec(stmt)).all())


async def _transfer(w: World, ticket_id: int, uid: int, to: str) -> None:
    async with w.factory() as session:
        await w.service(session).transfer(ticket_id, await w.actor(session, uid), to, "不归我们管")
        await session.commit()


async def _propose(w: World, router: LiveRouter, text: str):  # type: ignore[no-untyped-def]
    async with w.factory() as session:
        return await router.propose(session, text, desk=w.desk, now=w.clock.now())


async def test_a_transfer_records_a_lesson(any_world: World) -> None:
    tid = await open_ticket(any_world, text="楼道灯坏了，电话13812345678")
    await _transfer(any_world, tid, any_world.clerk, "transport")
    [row] = await _lessons(any_world)
    assert (row.from_department, row.to_department) == ("housing", "transport")
    assert (row.source, row.actor, row.ticket_id) == ("transfer", "staff:101", tid)
    assert row.text == "楼道灯坏了，电话138****5678"  # phone numbers redacted
    assert row.created_at == any_world.clock.now()


async def test_nothing_to_learn(world: World) -> None:
    async with world.factory() as session:
        now = world.clock.now()
        kw = {"source": "citizen", "actor": "citizen:1", "now": now}
        same = await record_lesson(
            session, text="x", to_department="parks", from_department="parks", **kw
        )
        empty = await record_lesson(
            session, text="  ", to_department="parks", from_department=None, **kw
        )
        long = await record_lesson(
            session, text="树" * 900, to_department="parks", from_department=None, **kw
        )
        assert same is None and empty is None
        assert long is not None and len(long.text) == MAX_LESSON_TEXT
        with pytest.raises(ValueError, match="unknown lesson source"):
            await record_lesson(
                session, text="x", to_department="a", from_department=None, source="x",
                actor="a", now=now,
            )  # fmt: skip


async def test_a_transfer_changes_the_next_proposal_on_every_instance(
    routed_world: World,
) -> None:
    w = routed_world
    here, there = LiveRouter(), LiveRouter()  # two service instances
    shelter = "公交站旁边的垃圾桶满了没人清"
    before = await _propose(w, here, shelter)
    assert before.department == "transport"
    await _propose(w, there, shelter)  # loaded its lessons before the transfer
    tid = await open_ticket(w, dept="transport", text="公交站旁边的垃圾桶满了好几天")
    w.clock.advance(timedelta(minutes=5))
    async with w.factory() as session:
        transport_clerk = await w.actor(session, w.other_clerk)
        await w.service(session).transfer(tid, transport_clerk, "parks", "环卫归园林")
        await session.commit()
    for router in (here, there):
        after = await _propose(w, router, shelter)
        assert after.first == "parks", after


async def test_one_clerk_bounded_two_people_decide(routed_world: World) -> None:
    """The careless clerk sends every stairway-lamp ticket to Parks: Parks comes first for
    such texts, but is not pre-selected until a second person agrees."""
    w = routed_world
    router = LiveRouter()
    assert (await _propose(w, router, LAMP)).department == "housing"
    for text in ("楼道灯坏了", "楼道里的灯不亮了", "三楼楼道灯坏了一周", "楼道灯又坏了"):
        tid = await open_ticket(w, text=text)
        await _transfer(w, tid, w.clerk, "parks")
    careless = await _propose(w, router, LAMP)
    assert careless.first == "parks" and careless.department is None
    tid = await open_ticket(w, text="楼道灯坏了没人修")
    await _transfer(w, tid, w.clerk2, "parks")
    assert (await _propose(w, router, LAMP)).department == "parks"


async def test_ids_committed_out_of_order_are_read(any_world: World) -> None:
    w = any_world
    router = LiveRouter()
    now = w.clock.now()

    async def add(lesson_id: int) -> None:
        async with w.factory() as session:
            session.add(
                RouteLesson(
                    id=lesson_id, created_at=now, text=f"公交站{lesson_id}", to_department="parks",
                    source="transfer", actor=f"staff:{lesson_id}",
                )
            )  # fmt: skip
            await session.commit()

    await add(1)
    await add(3)
    async with w.factory() as session:
        assert await router.refresh(session, now) == 2
    await add(2)  # its transaction had taken id 2 before id 3 committed
    async with w.factory() as session:
        assert await router.refresh(session, now) == 1
        assert await router.refresh(session, now) == 0
    assert sorted(x.id for x in router.lessons.lessons) == [1, 2, 3]


async def test_old_lessons_are_not_used(world: World) -> None:
    w = world
    async with w.factory() as session:
        await record_lesson(
            session, text="公交站", to_department="parks", from_department=None,
            source="transfer", actor="staff:1", now=w.clock.now() - timedelta(days=200),
        )  # fmt: skip
        await session.commit()
    async with w.factory() as session:
        assert await LiveRouter(lesson_days=180).refresh(session, w.clock.now()) == 0
        assert await LiveRouter(lesson_days=365).refresh(session, w.clock.now()) == 1


async def test_the_router_is_rebuilt_when_the_file_changes(
    desk: DeskConfig, routed_desk: DeskConfig
) -> None:
    live = LiveRouter(RouterConfig(margin=50.0))
    first = await live.router(desk)
    assert await live.router(desk) is first
    rebuilt = await live.router(routed_desk)
    assert rebuilt is not first and rebuilt.thresholds.margin == 50.0
    assert "公租房" in {p.text for p in rebuilt.phrases}


async def test_a_router_that_cannot_be_built_leaves_the_form_working(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from faq.routing import Router

    def broken(*_args: object, **_kwargs: object) -> Router:
        raise RuntimeError("bug")

    monkeypatch.setattr(Router, "build", broken)
    result = await _propose(world, LiveRouter(), LAMP)
    assert result.department is None and result.candidates == []
