"""Web chat photos that never reached a ticket are deleted once older than the conversations'
lifetime; those a ticket refers to stay (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import select

from handlers.web.chat.files import prune_files
from tests.scheduler.helpers import add_department, add_ticket
from tickets.models import WebchatFile

NOW = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=40)


async def test_orphaned_old_photos_go_and_a_tickets_photos_stay(session_factory: Any) -> None:
    async with session_factory() as session:
        for file_id, at in (
            ("kept-photo", OLD),
            ("kept-document", OLD),
            ("orphan-old", OLD),
            ("orphan-new", NOW - timedelta(days=2)),
        ):
            session.add(WebchatFile(id=file_id, mime="image/png", data=b"\x89PNG", created_at=at))
        dept = await add_department(session, "roads", chat=-100)
        await add_ticket(
            session,
            dept,
            details={
                "photos": ["AgACAgtelegram", "web:kept-photo"],
                "documents": ["web:kept-document"],
            },
        )
        await add_ticket(session, dept, details={"location": {"latitude": 1.0, "longitude": 2.0}})
        await session.commit()
    async with session_factory() as session:
        assert await prune_files(session, NOW - timedelta(days=31)) == 1
        await session.commit()
    async with session_factory() as session:
        left = sorted((await session.exec(select(WebchatFile.id))).all())
        assert left == ["kept-document", "kept-photo", "orphan-new"]
        assert await prune_files(session, NOW - timedelta(days=31)) == 0  # nothing more
