"""The schema: migrations match the models, and the column types behave on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import SQLModel

from bot.migrate import current_revision, head_revision, include_name
from tickets.models import Citizen, Department, Outbox, ProcessedUpdate


def _diff(connection):  # type: ignore[no-untyped-def]
    ctx = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": include_name}
    )
    return compare_metadata(ctx, SQLModel.metadata)


async def test_migrations_reach_head_and_match_models(engine):
    assert await current_revision(engine) == head_revision()
    async with engine.connect() as conn:
        diff = await conn.run_sync(_diff)
    assert diff == [], f"models and migrations differ: {diff}"


async def test_datetimes_come_back_aware_utc(session_factory):
    shanghai = timezone(timedelta(hours=8))
    local = datetime(2026, 2, 16, 9, 30, tzinfo=shanghai)
    async with session_factory() as session:
        session.add(Citizen(consent_at=local))
        await session.commit()
    async with session_factory() as session:
        citizen = (await session.exec(select(Citizen))).scalars().one()  # type: ignore[call-overload]
    assert citizen.consent_at == local
    assert citizen.consent_at.tzinfo is not None
    assert citizen.consent_at.utcoffset() == timedelta(0)
    assert citizen.consent_at.hour == 1


async def test_naive_datetime_is_rejected(session_factory):
    async with session_factory() as session:
        session.add(Citizen(consent_at=datetime(2026, 1, 1)))
        with pytest.raises(StatementError, match="naive datetime"):
            await session.commit()


async def test_telegram_ids_are_64_bit_and_json_round_trips(session_factory):
    group_id = -1001234567890
    async with session_factory() as session:
        session.add(
            Department(
                slug="health",
                name_zh="卫健委",
                name_en="Health",
                staff_chat_id=group_id,
                settings={"response": "4h", "canned": ["你好，{name}"]},
            )
        )
        session.add(
            Outbox(
                method="sendMessage",
                chat_id=group_id,
                payload={"text": "新工单 🆕", "reply_markup": None},
            )
        )
        await session.commit()
    async with session_factory() as session:
        dept = (await session.exec(select(Department))).scalars().one()  # type: ignore[call-overload]
        box = (await session.exec(select(Outbox))).scalars().one()  # type: ignore[call-overload]
    assert dept.staff_chat_id == group_id
    assert dept.settings == {"response": "4h", "canned": ["你好，{name}"]}
    assert box.payload["text"] == "新工单 🆕"
    assert box.status == "pending"
    assert box.next_attempt_at <= datetime.now(UTC)


async def test_processed_update_id_is_unique(session_factory):
    async with session_factory() as session:
        session.add(ProcessedUpdate(update_id=2**40, kind="message"))
        await session.commit()
    async with session_factory() as session:
        session.add(ProcessedUpdate(update_id=2**40, kind="message"))
        with pytest.raises(IntegrityError):
            await session.commit()
