"""The photos web chat visitors upload (``webchat_file``): a ticket keeps ``web:<id>`` in its
``details`` like a Telegram file id, and the console shows it from the database.

A photo that never reached a ticket (the visitor cancelled the form, or left it) is deleted by
:func:`prune_files` once it is older than the conversations' lifetime
(``CONVERSATION_TTL_DAYS``): by then the half-filled form that could still attach it is gone
too. A photo a ticket refers to is kept as long as the ticket.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, cast, delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.models import Ticket, WebchatFile

__all__ = ["PREFIX", "prune_files"]

PREFIX = "web:"
BATCH = 500


async def _referenced(session: AsyncSession) -> set[str]:
    """The ids of every web chat photo a ticket refers to (``details`` photos/documents)."""
    text = cast(col(Ticket.details), String)
    stmt = select(Ticket.details).where(text.contains(PREFIX))
    found: set[str] = set()
    for details in (await session.exec(stmt)).all():
        for kind in ("photos", "documents"):
            for file_id in (details or {}).get(kind) or []:
                if isinstance(file_id, str) and file_id.startswith(PREFIX):
                    found.add(file_id.removeprefix(PREFIX))
    return found


async def prune_files(session: AsyncSession, before: datetime) -> int:
    """Delete the uploaded photos older than ``before`` that no ticket refers to (in the
    caller's transaction); how many."""
    old = (
        await session.exec(
            select(WebchatFile.id).where(col(WebchatFile.created_at) < before).limit(BATCH * 20)
        )
    ).all()
    if not old:
        return 0
    keep = await _referenced(session)
    gone = [file_id for file_id in old if file_id not in keep]
    for start in range(0, len(gone), BATCH):
        await session.exec(
            delete(WebchatFile).where(col(WebchatFile.id).in_(gone[start : start + BATCH]))
        )
    return len(gone)
