"""Ticket numbers: sequential per local year, atomic."""

from __future__ import annotations

import asyncio

import pytest

from bot.db import create_engine, create_session_factory
from tickets.numbering import next_number, parse_ticket_ref

from .helpers import SHANGHAI, sh


async def test_sequential_and_per_year_in_city_time(any_world) -> None:  # type: ignore[no-untyped-def]
    w = any_world
    from .conftest import open_ticket

    first = await open_ticket(w, at=sh(2026, 3, 2, 10))
    second = await open_ticket(w, at=sh(2026, 3, 2, 11))
    # New Year's Eve 23:30 in Shanghai is 15:30 UTC: still 2026.
    eve = await open_ticket(w, at=sh(2026, 12, 31, 23, 30))
    assert w.clock.now().hour == 15 and w.clock.now().day == 31
    # 00:10 on 1 January in Shanghai is 16:10 UTC on 31 December: already 2027.
    new_year = await open_ticket(w, at=sh(2027, 1, 1, 0, 10))
    assert w.clock.now().year == 2026
    then = await open_ticket(w, at=sh(2027, 1, 2, 9))
    async with w.factory() as session:
        from tickets.models import Ticket

        numbers = [
            (await session.get(Ticket, i)).number  # type: ignore[union-attr]
            for i in (first, second, eve, new_year, then)
        ]
    assert numbers == ["2026-000001", "2026-000002", "2026-000003", "2027-000001", "2027-000002"]


@pytest.mark.postgres
async def test_concurrent_numbers_are_distinct_on_postgres(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    factory = create_session_factory(engine)
    at = sh(2031, 5, 6, 10)  # a year no other test uses

    async def one() -> str:
        async with factory() as session:
            number = await next_number(session, at, SHANGHAI)
            await session.commit()
            return number

    try:
        numbers = await asyncio.gather(*(one() for _ in range(8)))
    finally:
        await engine.dispose()
    assert sorted(numbers) == [f"2031-{i:06d}" for i in range(1, 9)]


def test_parse_ticket_ref() -> None:
    at = sh(2026, 5, 1)
    assert parse_ticket_ref(42, at, SHANGHAI) == 42
    assert parse_ticket_ref("#2025-000123", at, SHANGHAI) == "2025-000123"
    assert parse_ticket_ref(" 123 ", at, SHANGHAI) == "2026-000123"
    with pytest.raises(ValueError):
        parse_ticket_ref("abc", at, SHANGHAI)
