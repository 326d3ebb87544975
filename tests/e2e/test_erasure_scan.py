"""``/deleteme`` then a scan of the whole database: the person is nowhere.

A new citizen goes through everything that stores or copies personal data (the welcome with
their name, a question the FAQ cannot answer, the request form with a phone number typed and
one shared, a staff reply naming them, ``/ticket`` and the ``/contact`` reveal to staff, a
rating with a comment, ``/mydata``), then erases their data. Once the erasure confirmation has
been delivered (and so deleted), every column of every table of the schema, JSON payloads as
text, is searched for their Telegram id, names and phone numbers, raw and masked. The scan
walks ``SQLModel.metadata``, so a table added later is searched too.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, col, func, select

from bot.db import SessionFactory
from bot.outbox import Rate, RateLimiter, RateLimits
from locales import t
from tests.e2e.conftest import StartApp
from tests.e2e.test_announcements import NOON, _step
from tests.e2e.test_citizen_flow import expect, press, say
from tests.emulator import BotAPIEmulator
from tickets.announce import create_announcement
from tickets.models import (
    AnnouncementDelivery,
    Department,
    Outbox,
    StaffMember,
    Subscription,
    Ticket,
    TicketEvent,
)
from tickets.privacy import mask_phone

pytestmark = pytest.mark.e2e

HOUSING = -100301
DEPARTMENTS = f"""\
departments:
  - slug: housing
    name: {{zh: 住建局, en: Housing Bureau}}
    staff_chat_id: {HOUSING}
    keywords: [dog, barking]
  - slug: parks
    name: {{zh: 园林局, en: Parks Bureau}}
    staff_chat_id: -100302
topics:
  - id: dog-news
    name: {{zh: 养犬通知, en: Dog news}}
    department: housing
"""

CITIZEN_ID = 7_123_456_789
FIRST, LAST = "Zebedee", "Quixotewright"
TYPED_PHONE = "139 8765 4321"
SHARED_PHONE = "+8613512345678"


def _digits_joined(text: str) -> str:
    """Spaces and dashes between digits dropped: ``139 8765-4321`` -> ``13987654321``."""
    return re.sub(r"(?<=\d)[ \-](?=\d)", "", text)


def _as_text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


NEEDLES = (
    str(CITIZEN_ID),
    FIRST.lower(),
    LAST.lower(),
    "13987654321",
    "13512345678",
    mask_phone(TYPED_PHONE),
    mask_phone(SHARED_PHONE),
)


async def scan(session_factory: SessionFactory) -> list[str]:
    """``table.column (row n): needle`` for every trace of the person in the database."""
    found = []
    async with session_factory() as session:
        connection = await session.connection()
        for table in SQLModel.metadata.sorted_tables:
            rows = (await connection.execute(sa.select(table))).mappings().all()
            for number, row in enumerate(rows):
                for column, value in row.items():
                    if value is None:
                        continue
                    text = _digits_joined(_as_text(value)).lower()
                    found += [
                        f"{table.name}.{column} (row {number}): {needle} in {text[:200]!r}"
                        for needle in NEEDLES
                        if needle in text
                    ]
    return found


async def test_after_deleteme_the_database_holds_nothing_of_the_person(
    emu: BotAPIEmulator, start_app: StartApp, session_factory: SessionFactory, tmp_path: Path
) -> None:
    path = tmp_path / "departments.yaml"
    path.write_text(DEPARTMENTS, encoding="utf-8")
    app = await start_app(departments_file=path)
    sender = app.runtime.sender
    assert sender is not None
    fast = Rate(1000, timedelta(seconds=1))
    sender.limiter = RateLimiter(RateLimits(overall=fast, per_chat=fast, per_group=fast))

    citizen = emu.user(id=CITIZEN_ID, first_name=FIRST, last_name=LAST, language_code="en")
    clerk = emu.user(id=6101, first_name="Wang", language_code="en")
    housing = emu.group(id=HOUSING, title="Housing staff", members=[clerk])
    async with session_factory() as session:
        dept = (await session.exec(select(Department).where(Department.slug == "housing"))).one()
        session.add(
            StaffMember(telegram_user_id=clerk.id, department_id=dept.id, display_name="王小明")
        )
        await session.commit()

    # Start, a question nobody answers, the form with a typed and a shared phone number.
    await say(emu, citizen, "/start")
    await expect(emu, citizen, f"Hello {FIRST}")
    await say(emu, citizen, "/start sub-dog-news")  # an announcement topic, and one delivered
    confirm = await expect(emu, citizen, "📣 Subscribe")
    await press(emu, citizen, confirm, t("en", "sub-btn-yes"))
    await expect(emu, citizen, "✅ Subscribed")
    async with session_factory() as session:
        topic = app.runtime.desk.holder.config.topics["dog-news"]
        await create_announcement(
            session, topic, text_zh=None, text_en="Leash law", now=NOON, author="cli"
        )
        await session.commit()
    assert await _step(app, NOON) == 1
    await expect(emu, citizen, "📣")
    await say(emu, citizen, f"The barking dog of {LAST} next door; call me on {TYPED_PHONE}")
    offer = await expect(emu, citizen, t("en", "faq-none"))
    await press(emu, citizen, offer, t("en", "btn-submit_question"))
    draft = await expect(emu, citizen, "📋 Please check your request")
    assert TYPED_PHONE in draft["text"]  # the summary shows what they typed
    await press(emu, citizen, draft, t("en", "btn-share_phone"))
    await expect(emu, citizen, t("en", "flow-phone_consent")[:20])
    await (await emu.send_contact(citizen, SHARED_PHONE)).delivered()
    draft = await expect(emu, citizen, "📋 Please check your request")
    await press(emu, citizen, draft, t("en", "btn-submit"))
    await expect(emu, citizen, "Your request is registered as ticket")
    post = await emu.next_message(housing)
    async with session_factory() as session:
        number = (await session.exec(select(Ticket.number))).one()
    assert number in post["text"] and mask_phone(SHARED_PHONE) in post["text"]

    # Staff: a reply naming the citizen, the ticket's view, the contact reveal.
    reply = f"Dear {FIRST} {LAST}, an inspector will call {TYPED_PHONE} tomorrow."
    await (await emu.send_message(clerk, f"/reply {number} {reply}", chat=housing)).delivered()
    answer = await expect(emu, citizen, "💬")
    await (await emu.send_message(clerk, f"/ticket {number}", chat=housing)).delivered()
    await (await emu.send_message(clerk, f"/contact {number}", chat=housing)).delivered()
    revealed = await emu.next_message(clerk)
    assert "13512345678" in revealed["text"] and str(CITIZEN_ID) in revealed["text"]

    # The citizen: resolved, a rating with a comment, /mydata, /deleteme.
    await press(emu, citizen, answer, t("en", "btn-resolved"))
    closed = await expect(emu, citizen, f"✅ Your ticket {number} is closed.")
    await press(emu, citizen, closed, "⭐⭐⭐⭐")
    await expect(emu, citizen, t("en", "tk-comment_prompt", stars="⭐⭐⭐⭐"))
    await say(emu, citizen, f"Thanks from {FIRST}, reach me at 13512345678")
    await expect(emu, citizen, t("en", "tk-comment_thanks"))
    await say(emu, citizen, "/mydata")
    data = await expect(emu, citizen, "🗂 What we store about you")
    assert str(CITIZEN_ID) in data["text"] and "13512345678" in data["text"]
    assert await scan(session_factory)  # the scan does see the person before the erasure

    await say(emu, citizen, "/deleteme")
    confirm = await expect(emu, citizen, "Do you really want to erase")
    await press(emu, citizen, confirm, t("en", "btn-delete_yes"))
    await expect(emu, citizen, t("en", "delete-done", tickets=1))

    async def undelivered_or_transient() -> int:
        async with session_factory() as session:
            stmt = (
                select(func.count())
                .select_from(Outbox)
                .where(
                    sa.or_(col(Outbox.transient), col(Outbox.status).in_(("pending", "sending")))
                )
            )
            return int((await session.exec(stmt)).one())

    # Delivered, then deleted: the confirmation keeps nothing either.
    for _ in range(200):
        if await undelivered_or_transient() == 0:
            break
        sender.wake()
        await asyncio.sleep(0.05)
    assert await undelivered_or_transient() == 0
    assert await scan(session_factory) == []
    async with session_factory() as session:  # ids of the desk's own, not Telegram's: by table
        for table in (Subscription, AnnouncementDelivery):
            left = await session.exec(select(func.count()).select_from(table))
            assert left.one() == 0, table.__tablename__

    # Kept: the ticket (for the statistics) and the audit record that a reveal happened.
    async with session_factory() as session:
        ticket = (await session.exec(select(Ticket))).one()
        log = await session.exec(select(TicketEvent).order_by(col(TicketEvent.id)))
        kinds = [e.kind for e in log.all()]
    assert ticket.citizen_id is None and ticket.rating == 4 and "barking dog" in ticket.text
    assert "contact_revealed" in kinds and kinds[-1] == "citizen_erased"
