"""The citizen conversation driven through the real dispatcher, one transaction per update
(``bot.processing.UpdateProcessor``), over the real database fixtures (SQLite and PostgreSQL).

``Chat`` plays one citizen: ``send`` / ``photo`` / ``document`` / ``location`` / ``contact`` /
``press`` feed updates and return the Bot API calls the handlers queued in the outbox for that
update; ``reply_to`` makes a message a Telegram reply to one of the bot's messages.
"""

from __future__ import annotations

import itertools
import textwrap
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram import Bot, Dispatcher
from aiogram.types import Update
from sqlmodel import col, select

import handlers.telegram
from bot.db import SessionFactory
from bot.fsm import DatabaseStorage, TransactionalStorage
from bot.metrics import Metrics
from bot.processing import Result, UpdateProcessor
from faq import KnowledgeBase, load_knowledge_base
from handlers.deps import Deps
from tickets.clock import FixedClock
from tickets.config.desk import DeskConfig, load_desk_config
from tickets.config.live import DeskConfigHolder
from tickets.models import Outbox
from tickets.people.departments import sync_departments

SHANGHAI = ZoneInfo("Asia/Shanghai")
TOKEN = "123456789:AAcitizen-tests-token-xxxxxxxxxxxxxxx"
BOT_ID = 123456789
HOUSING_CHAT = -1001
ROADS_CHAT = -1002
PARKS_CHAT = -1003

DEPARTMENTS = f"""\
departments:
  - slug: housing
    name: {{zh: 住房保障局, en: Housing Bureau}}
    staff_chat_id: {HOUSING_CHAT}
    keywords: [公租房, 物业, public housing, landlord]
  - slug: roads
    name: {{zh: 市政道路管理处, en: Roads Office}}
    staff_chat_id: {ROADS_CHAT}
    keywords: [路灯, 井盖, 坑, streetlight, pothole, manhole]
  - slug: parks
    name: {{zh: 园林绿化局, en: Parks Department}}
    staff_chat_id: {PARKS_CHAT}
    keywords: [公园, 树木, park, tree]
"""

FAQ = """\
department: housing
entries:
  - id: public-housing-apply
    questions:
      - How do I apply for public rental housing?
      - Where can I apply for public housing?
      - 怎么申请公租房？
      - 公租房在哪里申请？
    answer:
      en: Apply online on the housing portal with your ID card and income certificate.
      zh: 请携带身份证和收入证明在住房保障网上申请。
    links: ["https://housing.example.gov/apply"]
  - id: public-housing-rent
    questions:
      - How much is the rent for public rental housing?
      - 公租房租金是多少？
    answer:
      en: Rent is 60% of the market rent of the area.
      zh: 公租房租金为同地段市场租金的60%。
  - id: property-fee
    questions:
      - How do I complain about my property management fee?
      - 物业费太高怎么投诉？
    answer:
      en: Property fee disputes go to the housing bureau's property office.
      zh: 物业费纠纷请向住房保障局物业科反映。
"""


def write_config(folder: Path) -> tuple[DeskConfig, KnowledgeBase]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "departments.yaml").write_text(textwrap.dedent(DEPARTMENTS), encoding="utf-8")
    faq_dir = folder / "faq"
    faq_dir.mkdir(exist_ok=True)
    (faq_dir / "housing.yaml").write_text(FAQ, encoding="utf-8")
    desk = load_desk_config(folder / "departments.yaml")
    assert desk.config is not None, desk.problems
    loaded = load_knowledge_base(faq_dir)
    assert loaded.kb is not None, loaded.problems
    return desk.config, loaded.kb


class LiveKB:
    def __init__(self, kb: KnowledgeBase | None) -> None:
        self.current = kb


@dataclass
class Call:
    method: str
    chat_id: int
    payload: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.payload.get("text", ""))

    @property
    def buttons(self) -> list[tuple[str, str]]:
        markup = self.payload.get("reply_markup") or {}
        return [
            (b["text"], b.get("callback_data", ""))
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]

    def data_for(self, label_part: str) -> str:
        for text, data in self.buttons:
            if label_part in text:
                return data
        raise AssertionError(f"no button with {label_part!r} in {self.buttons}")


@dataclass
class Desk:
    """The dispatcher, the database and the clock of one test."""

    processor: UpdateProcessor
    factory: SessionFactory
    clock: FixedClock
    deps: Deps
    kb: LiveKB
    update_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1000))
    # Rows already returned: (id, created_at), since SQLite may reuse the id of a deleted row
    # (an erasure deletes the newest rows of the citizen's chat).
    seen: set[tuple[int, datetime]] = field(default_factory=set)

    async def feed(self, update: dict[str, Any]) -> tuple[Result, list[Call]]:
        result = await self.processor.process(Update.model_validate(update))
        return result, await self.new_calls()

    async def new_calls(self) -> list[Call]:
        async with self.factory() as session:
            rows = (await session.exec(select(Outbox).order_by(col(Outbox.id)))).all()
        fresh = [r for r in rows if (r.id or 0, r.created_at) not in self.seen]
        self.seen.update((r.id or 0, r.created_at) for r in fresh)
        return [Call(r.method, r.chat_id, dict(r.payload)) for r in fresh]

    def chat(self, user_id: int = 7001, lang: str | None = "en", first_name: str = "Ada") -> Chat:
        return Chat(self, user_id, lang, first_name)


@dataclass
class Chat:
    desk: Desk
    user_id: int
    lang: str | None
    first_name: str
    message_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    last_result: Result | None = None
    step: float = 2.0  # seconds between the citizen's updates (a person typing)

    def _user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.lang is not None:
            user["language_code"] = self.lang
        return user

    def message_update(self, **content: Any) -> dict[str, Any]:
        message = {
            "message_id": next(self.message_ids),
            "date": int(self.desk.clock.now().timestamp()),
            "chat": {"id": self.user_id, "type": "private", "first_name": self.first_name},
            "from": self._user(),
            **content,
        }
        return {"update_id": next(self.desk.update_ids), "message": message}

    async def _feed(self, update: dict[str, Any]) -> list[Call]:
        self.desk.clock.advance(timedelta(seconds=self.step))
        self.last_result, calls = await self.desk.feed(update)
        assert self.last_result.outcome != "error", self.last_result
        return calls

    def bot_message(self, message_id: int, text: str = "…") -> dict[str, Any]:
        """One of the bot's messages in this chat (for ``reply_to``)."""
        return {
            "message_id": message_id,
            "date": int(self.desk.clock.now().timestamp()),
            "chat": {"id": self.user_id, "type": "private", "first_name": self.first_name},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Desk"},
            "text": text,
        }

    async def send(self, text: str, reply_to: int | None = None) -> list[Call]:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            content["reply_to_message"] = self.bot_message(reply_to)
        return await self._feed(self.message_update(**content))

    async def document(
        self,
        file_id: str = "doc-1",
        caption: str | None = None,
        reply_to: int | None = None,
    ) -> list[Call]:
        content: dict[str, Any] = {
            "document": {
                "file_id": file_id,
                "file_unique_id": f"{file_id}-u",
                "file_name": "lease.pdf",
                "mime_type": "application/pdf",
            }
        }
        if caption:
            content["caption"] = caption
        if reply_to is not None:
            content["reply_to_message"] = self.bot_message(reply_to)
        return await self._feed(self.message_update(**content))

    async def photo(self, file_id: str = "photo-1", caption: str | None = None) -> list[Call]:
        sizes = [
            {
                "file_id": f"{file_id}-small",
                "file_unique_id": f"{file_id}-s",
                "width": 90,
                "height": 90,
            },
            {"file_id": file_id, "file_unique_id": f"{file_id}-l", "width": 800, "height": 800},
        ]
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        return await self._feed(self.message_update(**content))

    async def location(self, lat: float = 31.23, lon: float = 121.47) -> list[Call]:
        return await self._feed(self.message_update(location={"latitude": lat, "longitude": lon}))

    async def contact(
        self, phone: str = "+8613812345678", user_id: int | None = None
    ) -> list[Call]:
        contact = {
            "phone_number": phone,
            "first_name": self.first_name,
            "user_id": self.user_id if user_id is None else user_id,
        }
        return await self._feed(self.message_update(contact=contact))

    async def sticker(self) -> list[Call]:
        sticker = {
            "file_id": "stk",
            "file_unique_id": "stk-u",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return await self._feed(self.message_update(sticker=sticker))

    async def press(
        self, data: str, message_id: int = 1, markup: dict[str, Any] | None = None
    ) -> list[Call]:
        """Press a button with ``data`` on the bot's message ``message_id`` (whose keyboard,
        when given, is ``markup``)."""
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(self.desk.clock.now().timestamp()),
            "chat": {"id": self.user_id, "type": "private", "first_name": self.first_name},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Desk"},
            "text": "…",
        }
        if markup is not None:
            message["reply_markup"] = markup
        update = {
            "update_id": next(self.desk.update_ids),
            "callback_query": {
                "id": f"cq-{next(self.message_ids)}",
                "from": self._user(),
                "chat_instance": "ci",
                "data": data,
                "message": message,
            },
        }
        return await self._feed(update)


def messages(calls: list[Call], chat_id: int | None = None) -> list[Call]:
    return [
        c for c in calls if c.method == "sendMessage" and (chat_id is None or c.chat_id == chat_id)
    ]


def last_message(calls: list[Call], chat_id: int | None = None) -> Call:
    sent = messages(calls, chat_id)
    assert sent, f"no message in {calls}"
    return sent[-1]


NOW = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)  # a Tuesday, working time


@pytest.fixture
async def desk(session_factory: SessionFactory, tmp_path: Path) -> Desk:
    config, kb = write_config(tmp_path / "config")
    clock = FixedClock(NOW)
    async with session_factory() as session:
        await sync_departments(session, config, now=clock.now())
        await session.commit()
    live = LiveKB(kb)
    deps = Deps(
        desk=DeskConfigHolder(SHANGHAI, config=config),
        kb=live,
        tz=SHANGHAI,
        clock=clock,
        citizen_reopen_days=7,
    )
    # as in the app without Redis: the conversation lives in the database
    dispatcher = Dispatcher(
        storage=TransactionalStorage(DatabaseStorage(session_factory, clock=clock))
    )
    handlers.telegram.setup(dispatcher)
    processor = UpdateProcessor(
        dispatcher,
        Bot(TOKEN),
        session_factory,
        metrics=Metrics(),
        clock=clock,
        data={"deps": deps},
    )
    return Desk(processor, session_factory, clock, deps, live)


def advance(desk: Desk, seconds: float) -> None:
    desk.clock.advance(timedelta(seconds=seconds))
