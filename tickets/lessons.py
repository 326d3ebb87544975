"""Lessons for the department router, persisted: every transfer by staff and every
citizen's correction of the form's proposal says "a text like this belongs to B".

Recorded in the caller's session (with the transfer or the ticket it comes from, so both
land together or not at all); :class:`tickets.routing.LiveRouter` reads them back. The text
is kept with phone and ID numbers redacted, at most :data:`MAX_LESSON_TEXT` characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from faq.routing.lessons import Lesson
from tickets.models import RouteLesson
from tickets.privacy import redact_text

__all__ = [
    "MAX_LESSON_TEXT",
    "SOURCES",
    "citizen_actor",
    "fetch_lessons",
    "record_lesson",
    "staff_actor",
]

MAX_LESSON_TEXT = 500
SOURCES = ("transfer", "citizen")


def staff_actor(telegram_user_id: int | None) -> str:
    return f"staff:{telegram_user_id}"


def citizen_actor(citizen_id: int | None) -> str:
    return f"citizen:{citizen_id}"


async def record_lesson(
    session: AsyncSession,
    *,
    text: str,
    to_department: str,
    from_department: str | None,
    source: str,
    actor: str,
    now: datetime,
    ticket_id: int | None = None,
) -> RouteLesson | None:
    """Add a lesson to the session (the caller commits); None when there is nothing to learn
    (no text, or the department did not change)."""
    if source not in SOURCES:
        raise ValueError(f"unknown lesson source {source!r} (known: {', '.join(SOURCES)})")
    text = redact_text(" ".join(text.split()))[:MAX_LESSON_TEXT]
    if not text or to_department == from_department:
        return None
    row = RouteLesson(
        created_at=now,
        text=text,
        from_department=from_department,
        to_department=to_department,
        source=source,
        actor=actor[:64],
        ticket_id=ticket_id,
    )
    session.add(row)
    return row


def _lesson(row: RouteLesson) -> Lesson:
    return Lesson(
        id=row.id or 0,
        text=row.text,
        to_department=row.to_department,
        from_department=row.from_department,
        source=row.source,
        actor=row.actor,
        created_at=row.created_at,
    )


async def fetch_lessons(
    session: AsyncSession,
    *,
    since: datetime,
    after_id: int | None = None,
    ids: Iterable[int] = (),
    limit: int | None = None,
) -> list[Lesson]:
    """Lessons created at or after ``since``: all of them (the newest ``limit``), or only
    those with an id above ``after_id`` or among ``ids``; in id order."""
    stmt = select(RouteLesson).where(col(RouteLesson.created_at) >= since)
    wanted = list(ids)
    if after_id is not None:
        newer = col(RouteLesson.id) > after_id
        stmt = stmt.where(or_(newer, col(RouteLesson.id).in_(wanted)) if wanted else newer)
    stmt = stmt.order_by(col(RouteLesson.id).desc())
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = list((await session.exec(stmt)).all())
    return [_lesson(r) for r in reversed(rows)]
