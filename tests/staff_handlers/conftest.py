"""A dispatcher with the real routers over a real database, fed raw updates.

Each ``feed`` runs one update in one transaction (like ``bot.processing``) and returns the
outbox rows it queued, so the tests assert on what would be sent.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

import handlers.telegram
from bot.db import SessionFactory, create_engine, create_session_factory
from handlers.deps import Deps
from handlers.telegram.outgoing import Outgoing
from tests.app.support import recording_bot
from tests.support.config import SHANGHAI, department, sh
from tests.support.outbox import callbacks, texts  # noqa: F401 - the tests import texts from here
from tests.support.people import add_citizen
from tickets.clock import FixedClock
from tickets.config.desk import (
    CannedReply,
    DeskConfig,
)
from tickets.config.live import DeskConfigHolder
from tickets.models import Citizen, Department, Outbox, StaffMember, TicketEvent
from tickets.people.departments import sync_departments

BOT_ID = 123456789  # tests.app.support.TEST_TOKEN
ADMIN = 999
HOUSING_CHAT = -1001
TRANSPORT_CHAT = -1002
PARKS_CHAT = -1003
HEAD_ID = 103

ROLES = {
    "citizen": 5001,
    "clerk": 101,
    "head": HEAD_ID,
    "inactive": 104,
    "other_clerk": 201,
    "parks_clerk": 301,
    "admin": ADMIN,
}


CANNED = (
    CannedReply(
        id="received",
        title={"zh": "已受理", "en": "Received"},
        text={
            "zh": "{name}您好，您的诉求（工单 {number}）已受理。",
            "en": "Dear {name}, your request (ticket {number}) has been accepted.",
        },
    ),
)


def _dept(slug: str, zh: str, en: str, chat: int, canned: tuple[CannedReply, ...] = ()) -> Any:
    return department(slug, zh, en, chat=chat, canned=canned)


DESK = DeskConfig(
    departments={
        "housing": _dept("housing", "住建局", "Housing Bureau", HOUSING_CHAT, CANNED),
        "transport": _dept("transport", "交通局", "Transport Bureau", TRANSPORT_CHAT),
        "parks": _dept("parks", "园林局", "Parks Bureau", PARKS_CHAT),
    }
)


@dataclass
class Desk:
    """The dispatcher, the database and the seeded people."""

    factory: SessionFactory
    dispatcher: Dispatcher
    bot: Bot
    deps: Deps
    clock: FixedClock
    owner: Citizen
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    sent: list[Outbox] = field(default_factory=list)

    # -- updates ---------------------------------------------------------------------------
    def user(self, uid: int, lang: str = "en") -> dict[str, Any]:
        return {"id": uid, "is_bot": False, "first_name": f"User{uid}", "language_code": lang}

    async def message(
        self,
        uid: int,
        text: str,
        *,
        chat: int | None = None,
        lang: str = "en",
        reply_to: dict[str, Any] | None = None,
        media: dict[str, Any] | None = None,
    ) -> list[Outbox]:
        """A message from ``uid``; with ``media`` (e.g. ``photo_of("id")``) ``text`` is its
        caption."""
        chat_id = uid if chat is None else chat
        chat_obj: dict[str, Any] = {"id": chat_id, "type": "private"}
        if chat_id < 0:
            chat_obj = {"id": chat_id, "type": "supergroup", "title": "Staff"}
        message: dict[str, Any] = {
            "message_id": next(self.ids) + 1000,
            "from": self.user(uid, lang),
            "chat": chat_obj,
            "date": 1760000000,
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if media is not None:
            message.update(media)
            message.pop("text")
            if text:
                message["caption"] = text
            if "entities" in message:
                message["caption_entities"] = message.pop("entities")
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return await self.feed({"message": message})

    def bot_post(self, chat: int, message_id: int, text: str = "post") -> dict[str, Any]:
        chat_obj: dict[str, Any] = {"id": chat, "type": "private"}
        if chat < 0:
            chat_obj = {"id": chat, "type": "supergroup", "title": "Staff"}
        return {
            "message_id": message_id,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Desk"},
            "chat": chat_obj,
            "date": 1760000000,
            "text": text,
        }

    async def press(
        self, uid: int, data: str, *, chat: int | None = None, message_id: int = 500, lang="en"
    ) -> list[Outbox]:
        chat_id = uid if chat is None else chat
        query = {
            "id": f"q{next(self.ids)}",
            "from": self.user(uid, lang),
            "chat_instance": "ci",
            "data": data,
            "message": self.bot_post(chat_id, message_id),
        }
        return await self.feed({"callback_query": query})

    async def feed(self, body: dict[str, Any]) -> list[Outbox]:
        update = Update.model_validate(
            {"update_id": next(self.ids), **body}, context={"bot": self.bot}
        )
        before = await self.last_outbox_id()
        async with self.factory() as session, session.begin():
            outgoing = Outgoing(session)
            await self.dispatcher.feed_update(
                self.bot, update, session=session, outgoing=outgoing, clock=self.clock
            )
        async with self.factory() as session:
            stmt = select(Outbox).where(col(Outbox.id) > before).order_by(col(Outbox.id))
            rows = list((await session.exec(stmt)).all())
        self.sent.extend(rows)
        return rows

    async def last_outbox_id(self) -> int:
        async with self.factory() as session:
            stmt = select(Outbox.id).order_by(col(Outbox.id).desc()).limit(1)
            return (await session.exec(stmt)).first() or 0

    # -- domain helpers ----------------------------------------------------------------------
    async def open_ticket(
        self, dept: str = "housing", text: str = "楼道灯坏了，电话13812345678"
    ) -> tuple[int, str]:
        async with self.factory() as session:
            svc = self.deps.tickets(session)
            ticket = await svc.create_ticket(self.owner, dept, text, demand_type="help", lang="zh")
            await session.commit()
            assert ticket.id is not None
            return ticket.id, ticket.number

    async def events(self, ticket_id: int) -> list[TicketEvent]:
        async with self.factory() as session:
            stmt = (
                select(TicketEvent)
                .where(TicketEvent.ticket_id == ticket_id)
                .order_by(col(TicketEvent.id))
            )
            return list((await session.exec(stmt)).all())

    async def state(self, uid: int, chat: int | None = None) -> str | None:
        from aiogram.fsm.storage.base import StorageKey

        key = StorageKey(bot_id=BOT_ID, chat_id=uid if chat is None else chat, user_id=uid)
        return await self.dispatcher.storage.get_state(key)


def photo_of(file_id: str) -> dict[str, Any]:
    """The ``photo`` of a message: two sizes, the larger last (as Telegram sends them)."""
    sizes = [(f"{file_id}-small", 90), (file_id, 1280)]
    return {
        "photo": [
            {"file_id": f, "file_unique_id": f"u-{f}", "width": w, "height": w} for f, w in sizes
        ]
    }


def document_of(file_id: str, name: str = "letter.pdf") -> dict[str, Any]:
    return {"document": {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_name": name}}


def toast(rows: list[Outbox]) -> dict[str, Any]:
    answers = [r.payload for r in rows if r.method == "answerCallbackQuery"]
    assert len(answers) == 1, rows
    return answers[0]


buttons = callbacks


async def seed(factory: SessionFactory, clock: FixedClock) -> Citizen:
    async with factory() as session:
        await sync_departments(session, DESK, now=clock.now())
        ids = {d.slug: d.id for d in (await session.exec(select(Department))).all()}
        for uid, slug, role, name, active in (
            (101, "housing", "clerk", "王小明", True),
            (HEAD_ID, "housing", "head", "赵科长", True),
            (104, "housing", "clerk", "钱五", False),
            (201, "transport", "clerk", "孙六", True),
            (301, "parks", "clerk", "周七", True),
        ):
            session.add(
                StaffMember(
                    telegram_user_id=uid,
                    department_id=ids[slug],
                    role=role,
                    display_name=name,
                    active=active,
                )
            )
        owner = await add_citizen(
            session, 5001, language="zh", display_name="张三", phone="13812345678"
        )
        await session.commit()
        await session.refresh(owner)
        return owner


async def make_desk(engine: AsyncEngine) -> Desk:
    factory = create_session_factory(engine)
    clock = FixedClock(sh(2026, 11, 24, 10, 0))  # a Tuesday, working time
    owner = await seed(factory, clock)
    deps = Deps(
        desk=DeskConfigHolder(SHANGHAI, config=DESK),
        kb=None,
        tz=SHANGHAI,
        admin_ids=(ADMIN,),
        clock=clock,
    )
    dispatcher = Dispatcher(storage=MemoryStorage())
    handlers.telegram.setup(dispatcher)
    dispatcher["deps"] = deps
    bot, _session = recording_bot()
    return Desk(factory, dispatcher, bot, deps, clock, owner)


@pytest.fixture
async def lite_engine(sqlite_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(sqlite_url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def desk(lite_engine: AsyncEngine) -> Desk:
    """Most tests: a seeded SQLite file."""
    return await make_desk(lite_engine)


@pytest.fixture
async def any_desk(engine: AsyncEngine) -> Desk:
    """SQLite and PostgreSQL (parametrized by ``db_url``)."""
    return await make_desk(engine)
