"""Human ticket numbers: ``<year>-<6 digits>`` (``2026-000123``), sequential per year.

The year is the city's local year at creation: a ticket filed at 23:30 on New Year's Eve in
Shanghai (15:30 UTC) belongs to the old year; one filed at 00:10 on 1 January local time
(16:10 UTC on 31 December) already starts the new year's count. The counter is bumped
with a single ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING`` so concurrent transactions
never get the same number, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel.ext.asyncio.session import AsyncSession

from tickets.models import TicketCounter

__all__ = ["NUMBER_RE", "format_number", "next_number", "parse_ticket_ref", "ticket_year"]

NUMBER_RE = re.compile(r"^(\d{4})-(\d{6,})$")


def ticket_year(at: datetime, tz: tzinfo) -> int:
    """The city's local year of the instant ``at``."""
    return at.astimezone(tz).year


def format_number(year: int, seq: int) -> str:
    return f"{year:04d}-{seq:06d}"


async def next_number(session: AsyncSession, at: datetime, tz: tzinfo) -> str:
    """Atomically take the next number of ``at``'s local year."""
    year = ticket_year(at, tz)
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = TicketCounter.__table__  # type: ignore[attr-defined]
    stmt = (
        insert(table)
        .values(year=year, last=1)
        .on_conflict_do_update(index_elements=["year"], set_={"last": table.c.last + 1})
        .returning(table.c.last)
    )
    seq = (await session.exec(stmt)).scalar_one()
    return format_number(year, int(seq))


def parse_ticket_ref(ref: int | str, at: datetime, tz: tzinfo) -> int | str:
    """What a user typed to name a ticket -> a ticket id (int) or a full number (str).

    An ``int`` is a ticket id (from a button). Text: ``"2026-000123"`` (``#`` and spaces
    ignored) is a number; bare digits ``"123"`` mean that number in the current local year.
    Raises ``ValueError`` for anything else.
    """
    if isinstance(ref, int) and not isinstance(ref, bool):
        return ref
    text = str(ref).strip().lstrip("#").strip()
    m = NUMBER_RE.match(text)
    if m:
        return format_number(int(m[1]), int(m[2]))
    if text.isdigit() and len(text) <= 9:
        return format_number(ticket_year(at, tz), int(text))
    raise ValueError(f"not a ticket number: {ref!r}")
