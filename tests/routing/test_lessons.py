"""Lessons: a transfer or a correction teaches the router at once, bounded per person."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path

from faq.routing import Lesson, LessonIndex
from faq.routing.lessons import MAX_ACTORS
from tests.routing.conftest import toy_router

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)
_ids = itertools.count(1)


def lesson(text: str, to: str, actor: str = "staff:101", source: str = "transfer", **kw) -> Lesson:  # type: ignore[no-untyped-def]
    return Lesson(
        id=kw.get("id", next(_ids)),
        text=text,
        to_department=to,
        from_department=kw.get("from_department"),
        source=source,
        actor=actor,
        created_at=kw.get("created_at", T0),
    )


# Bus shelters: no department's duties name them, so the city teaches the router.
SHELTER = "公交站的候车亭玻璃碎了"


def test_one_transfer_teaches_an_unknown_topic_at_once(tmp_path: Path) -> None:
    router = toy_router(tmp_path)
    assert router.route(SHELTER).department is None
    index = LessonIndex()
    index.add(lesson(SHELTER, "roads"))
    assert router.route(SHELTER, lessons=index).department == "roads"
    # A similar text, worded differently, is taught too; an unrelated one is not.
    assert router.route("候车亭的玻璃碎了一地", lessons=index).first == "roads"
    assert router.route("公园的树倒了", lessons=index).first == "parks"


def test_one_clerk_cannot_retarget_a_topic(tmp_path: Path) -> None:
    """A careless clerk sends street-light demands to Parks, again and again: they put Parks
    first for such texts but never make it the proposal; a second person agreeing does."""
    router = toy_router(tmp_path)
    demand = "小区门口的路灯不亮了"
    assert router.route(demand).department == "roads"
    careless = LessonIndex()
    for text in ("小区门口的路灯不亮了", "路灯不亮了好几天", "门口路灯坏了", "小区路灯不亮"):
        for _ in range(5):
            careless.add(lesson(text, "parks", actor="staff:101"))
    once = LessonIndex()
    once.add(lesson("小区门口的路灯不亮了", "parks", actor="staff:101"))
    many = router.route(demand, lessons=careless)
    assert many.first == "parks" and many.department is None
    assert many.candidates == router.route(demand, lessons=once).candidates  # 20 = 1
    careless.add(lesson("小区门口路灯不亮", "parks", actor="staff:102"))
    assert router.route(demand, lessons=careless).department == "parks"


def test_votes_one_per_person_at_most_three_people_and_citizens_count_half(
    tmp_path: Path,
) -> None:
    router = toy_router(tmp_path)
    index = LessonIndex()
    for n in range(5):
        index.add(lesson(SHELTER, "roads", actor=f"staff:{n}"))
        index.add(lesson(SHELTER, "roads", actor=f"staff:{n}"))
    assert index.votes(SHELTER, router.idf) == {"roads": MAX_ACTORS}
    citizen = LessonIndex()
    citizen.add(lesson(SHELTER, "parks", actor="citizen:7", source="citizen"))
    assert citizen.votes(SHELTER, router.idf) == {"parks": 0.5}
    unrelated = LessonIndex()
    unrelated.add(lesson("电费怎么交", "power"))
    assert unrelated.votes(SHELTER, router.idf) == {}


def test_old_lessons_are_pruned_and_the_newest_kept(tmp_path: Path) -> None:
    index = LessonIndex(max_lessons=3)
    for day in range(5):
        index.add(
            lesson(f"{SHELTER}{day}", "roads", id=100 + day, created_at=T0 + timedelta(days=day))
        )
    assert sorted(x.id for x in index.lessons) == [102, 103, 104]
    assert not index.add(lesson(SHELTER, "roads", id=104))  # known already
    assert index.prune(T0 + timedelta(days=4)) == 2
    assert [x.id for x in index.lessons] == [104] and 104 in index and len(index) == 1
    router = toy_router(tmp_path)
    assert router.route(SHELTER, lessons=index).department == "roads"


def test_lessons_for_unknown_departments_are_ignored(tmp_path: Path) -> None:
    router = toy_router(tmp_path)
    index = LessonIndex()
    index.add(lesson(SHELTER, "abolished-bureau"))
    assert router.route(SHELTER, lessons=index).candidates == router.route(SHELTER).candidates
