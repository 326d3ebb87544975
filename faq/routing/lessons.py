"""What the router learns: staff transfers and citizens' corrections, bounded per person.

Every transfer by staff (A -> B) and every correction a citizen makes in the request form is
a :class:`Lesson`: "a text like this belongs to B". The :class:`LessonIndex` keeps the recent
ones in memory (an inverted index over their features) and, for a demand, turns the similar
ones into votes per department:

- similarity is the F1 of the IDF-weighted features both texts share (1.0 for the same
  text, 0.5-0.8 for a paraphrase); below :data:`MIN_SIMILARITY` a lesson does not count, from
  there its vote ramps up to a whole one at :data:`FULL_SIMILARITY`;
- **one person, one vote per department**: an actor's lessons for a department count as
  their most similar one, however many there are (a clerk who transfers a hundred street-light
  tickets to the wrong department still casts one vote); a citizen's vote counts half
  (:data:`SOURCE_FACTOR`);
- at most :data:`MAX_ACTORS` people's votes count per department.

The router adds ``votes x (best static evidence + prior)`` to the department's evidence: one
person's lesson about the very same text puts its department first but leaves the form
unsure when the rest of the profile disagrees (the citizen chooses among the buttons); two
people agreeing make it the proposal (:mod:`faq.routing.router`).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from faq.features import Analyzer
from faq.routing.text import features

MIN_SIMILARITY = 0.3
FULL_SIMILARITY = 0.6  # a paraphrase: the lesson's vote is whole from here on
SOURCE_FACTOR: dict[str, float] = {"transfer": 1.0, "citizen": 0.5}
MAX_ACTORS = 3
MAX_LESSONS = 5000  # the most recent ones are kept in memory
SHORTLIST = 32  # lessons scored exactly per demand, out of those its features reach
_RETRIEVAL_KINDS = frozenset("bekx")  # selective feature kinds used to find lessons


@dataclass(frozen=True)
class Lesson:
    id: int
    text: str
    to_department: str
    from_department: str | None
    source: str  # transfer | citizen
    actor: str  # "staff:<telegram id>", "citizen:<citizen id>"
    created_at: datetime


@cache
def _analyzer() -> Analyzer:
    # No knowledge of any profile: a lesson's features do not depend on the departments
    # file or the FAQ, so the index survives their reloads.
    return Analyzer(negation=False)


def lesson_features(text: str) -> dict[str, float]:
    """Features of a lesson's text or of a demand compared with lessons (no pinyin)."""
    return {f: w for f, w in features(_analyzer(), text).items() if f[0] != "p"}


@dataclass(frozen=True)
class _Indexed:
    lesson: Lesson
    features: dict[str, float]


class LessonIndex:
    """Recent lessons, most recent :data:`MAX_LESSONS` kept; see the module docstring."""

    def __init__(self, max_lessons: int = MAX_LESSONS) -> None:
        self.max_lessons = max_lessons
        self._items: dict[int, _Indexed] = {}
        self._postings: dict[str, set[int]] = {}

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, lesson_id: object) -> bool:
        return lesson_id in self._items

    @property
    def lessons(self) -> list[Lesson]:
        return [i.lesson for i in self._items.values()]

    def add(self, lesson: Lesson) -> bool:
        """Index a lesson (False when it is known already)."""
        if lesson.id in self._items:
            return False
        feats = lesson_features(lesson.text)
        self._items[lesson.id] = _Indexed(lesson, feats)
        for f in feats:
            if f[0] in _RETRIEVAL_KINDS:
                self._postings.setdefault(f, set()).add(lesson.id)
        if len(self._items) > self.max_lessons:
            oldest = sorted(self._items, key=lambda i: self._items[i].lesson.created_at)
            self._drop(oldest[: len(self._items) - self.max_lessons])
        return True

    def extend(self, lessons: Iterable[Lesson]) -> int:
        return sum(self.add(lesson) for lesson in lessons)

    def prune(self, before: datetime) -> int:
        """Forget the lessons created before ``before``; how many."""
        old = [i for i, item in self._items.items() if item.lesson.created_at < before]
        self._drop(old)
        return len(old)

    def _drop(self, ids: Iterable[int]) -> None:
        for lesson_id in ids:
            item = self._items.pop(lesson_id, None)
            if item is None:
                continue
            for f in item.features:
                posting = self._postings.get(f)
                if posting is not None:
                    posting.discard(lesson_id)
                    if not posting:
                        del self._postings[f]

    def similar(self, text: str, weight: Callable[[str], float]) -> list[tuple[float, Lesson]]:
        """(similarity, lesson) of the lessons at least MIN_SIMILARITY like ``text``,
        most similar first. ``weight`` gives a feature's IDF (the router's)."""
        if not self._items:
            return []
        idf: dict[str, float] = {}  # memo: lessons share most of their features

        def w(f: str) -> float:
            v = idf.get(f)
            if v is None:
                v = idf[f] = weight(f)
            return v

        query = {f: kw * w(f) for f, kw in lesson_features(text).items()}
        q_total = sum(query.values())
        if q_total <= 0:
            return []
        limit = max(50, len(self._items) // 20)  # a feature in more lessons finds none
        reach: dict[int, float] = {}
        for f, qw in query.items():
            posting = self._postings.get(f)
            if posting is None or len(posting) > limit:
                continue
            for lesson_id in posting:
                reach[lesson_id] = reach.get(lesson_id, 0.0) + qw
        out: list[tuple[float, Lesson]] = []
        for lesson_id in heapq.nlargest(SHORTLIST, reach, key=reach.__getitem__):
            item = self._items[lesson_id]
            l_total = 0.0
            l_common = 0.0
            q_common = 0.0
            for f, kw in item.features.items():
                lw = kw * w(f)
                l_total += lw
                common = query.get(f)
                if common is not None:
                    l_common += lw
                    q_common += common
            if l_common <= 0:
                continue
            qcov = q_common / q_total
            lcov = l_common / l_total
            sim = 2 * qcov * lcov / (qcov + lcov)
            if sim >= MIN_SIMILARITY:
                out.append((sim, item.lesson))
        out.sort(key=lambda p: -p[0])
        return out

    def votes(self, text: str, weight: Callable[[str], float]) -> dict[str, float]:
        """Department -> votes (0..MAX_ACTORS) of the lessons like ``text``."""
        best: dict[tuple[str, str], float] = {}  # (department, actor) -> vote
        for sim, lesson in self.similar(text, weight):
            vote = min(1.0, (sim - MIN_SIMILARITY) / (FULL_SIMILARITY - MIN_SIMILARITY))
            vote *= SOURCE_FACTOR.get(lesson.source, SOURCE_FACTOR["citizen"])
            key = (lesson.to_department, lesson.actor)
            if vote > best.get(key, 0.0):
                best[key] = vote
        per_dept: dict[str, list[float]] = {}
        for (dept, _actor), vote in best.items():
            per_dept.setdefault(dept, []).append(vote)
        return {
            dept: sum(sorted(v, reverse=True)[:MAX_ACTORS]) for dept, v in per_dept.items() if v
        }
