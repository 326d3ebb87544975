"""The router the request forms use, live: rebuilt when the departments file or the FAQ is
replaced, and up to date with every lesson any instance has committed.

Lessons are read in the session of the update that asks for a proposal: the first proposal
loads the recent ones (``lesson_days``, the newest :data:`~faq.routing.lessons.MAX_LESSONS`),
each later one asks only for lessons with a higher id — an indexed query that finds nothing
almost always, so a transfer committed on one instance changes the next proposal on every
instance. Ids that a concurrent transaction had taken but not yet committed when a higher
one was read are asked for again for :data:`HOLE_SECONDS`.

The router itself is built in a worker thread the first time a (departments file, FAQ) pair
is used: a fraction of a second, calibration included.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from faq.models import Entry
from faq.routing import Lesson, LessonIndex, Router, RouterConfig, RouteResult
from faq.routing.lessons import MAX_LESSONS
from tickets.config.desk import DeskConfig
from tickets.lessons import fetch_lessons

__all__ = ["HOLE_SECONDS", "LiveRouter"]

log = logging.getLogger(__name__)

HOLE_SECONDS = 300
HOLE_WINDOW = 100  # only ids this close to the highest one read can still be committing
PRUNE_EVERY = timedelta(hours=1)


class LiveRouter:
    def __init__(
        self,
        config: RouterConfig | None = None,
        *,
        lesson_days: int = 180,
        max_lessons: int = MAX_LESSONS,
    ) -> None:
        self.config = config or RouterConfig()
        self.lesson_days = lesson_days
        self.lessons = LessonIndex(max_lessons)
        self._built: tuple[DeskConfig, Any, Router] | None = None
        self._lock = asyncio.Lock()
        self._loaded = False
        self._last_id = 0
        self._holes: dict[int, datetime] = {}  # lesson id -> when it was first missed
        self._pruned_at: datetime | None = None

    # ------------------------------------------------------------------ the router
    async def router(self, desk: DeskConfig, kb: Any = None) -> Router:
        """The router for this departments configuration and knowledge base (or None)."""
        built = self._built
        if built is not None and built[0] is desk and built[1] is kb:
            return built[2]
        async with self._lock:
            built = self._built
            if built is not None and built[0] is desk and built[1] is kb:
                return built[2]
            entries: Sequence[Entry] = kb.entries if kb is not None else ()
            router = await asyncio.to_thread(
                Router.build, list(desk.departments.values()), entries, self.config
            )
            log.info(
                "department router: %d departments, %d phrases; %s",
                len(router.slugs),
                len(router.phrases),
                router.thresholds.describe(),
            )
            self._built = (desk, kb, router)
            return router

    # ------------------------------------------------------------------ lessons
    async def refresh(self, session: AsyncSession, now: datetime) -> int:
        """Read the lessons committed since the last call; how many are new."""
        since = now - timedelta(days=self.lesson_days)
        if not self._loaded:
            found = await fetch_lessons(session, since=since, limit=self.lessons.max_lessons)
            self._loaded = True
        else:
            cutoff = now - timedelta(seconds=HOLE_SECONDS)
            self._holes = {i: t for i, t in self._holes.items() if t >= cutoff}
            found = await fetch_lessons(
                session, since=since, after_id=self._last_id, ids=sorted(self._holes)
            )
        added = self.lessons.extend(found)
        if found:
            self._note_holes(found, now)
        if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
            self.lessons.prune(since)
            self._pruned_at = now
        return added

    def _note_holes(self, found: list[Lesson], now: datetime) -> None:
        """Ids skipped between the lessons read (recent ones only) are asked for again."""
        top = max(lesson.id for lesson in found)
        seen = self._last_id
        for lesson in sorted(found, key=lambda x: x.id):
            if lesson.id > seen:
                for missing in range(max(seen + 1, top - HOLE_WINDOW), lesson.id):
                    self._holes.setdefault(missing, now)
                seen = lesson.id
            self._holes.pop(lesson.id, None)
        self._last_id = max(self._last_id, top)

    # ------------------------------------------------------------------ proposals
    async def propose(
        self,
        session: AsyncSession,
        text: str,
        lang: str | None = None,
        *,
        desk: DeskConfig,
        kb: Any = None,
        now: datetime,
    ) -> RouteResult:
        """The request form's proposal for ``text`` (``department`` None: offer the
        candidates), with every lesson committed so far. A router that cannot be built (a
        bug) leaves the form working: no proposal, the citizen chooses from the full list."""
        try:
            router = await self.router(desk, kb)
        except Exception:
            log.exception("department router could not be built; the form offers every department")
            return RouteResult(None, [])
        await self.refresh(session, now)
        return router.route(text, lang, self.lessons)
