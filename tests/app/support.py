"""Helpers shared by the app and e2e tests: a recording aiogram session, a test FAQ, faults."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import GetMe, TelegramMethod
from aiogram.types import User
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.ext.asyncio import AsyncEngine

from faq import load_knowledge_base
from locales import t

UPDATES_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "telegram-updates"
TEST_TOKEN = "123456789:AAtest-token-for-citizen-desk-tests"
SECRET = "s3cret-token_for-tests"

FAQ_YAML = """\
department: civil-affairs
entries:
  - id: marriage-registration
    questions:
      - How do I register a marriage?
      - What documents do we need to register our marriage?
      - 结婚登记需要什么材料？
      - 怎么办理结婚登记？
    answer:
      en: Bring both ID cards and household registers to the civil affairs office.
      zh: 请双方携带身份证和户口簿到民政局婚姻登记处办理。
  - id: garbage-pickup
    questions:
      - When is bulky waste collected?
      - How do I get rid of an old sofa?
      - 大件垃圾什么时候收？
      - 旧沙发怎么扔？
    answer:
      en: Book a bulky waste pickup on the city hotline; it is collected on Saturdays.
      zh: 请拨打城市热线预约大件垃圾清运，每周六上门收取。
"""


def write_faq(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "civil.yaml").write_text(FAQ_YAML, encoding="utf-8")
    return folder


def faq_answer(folder: Path, entry_id: str, lang: str) -> str:
    """The citizen's FAQ answer to ``entry_id`` of the FAQ in ``folder``, from the catalogue."""
    loaded = load_knowledge_base(folder)
    assert loaded.kb is not None, loaded.problems
    entry = loaded.kb.get(entry_id)
    assert not entry.links  # the test FAQ has none: no "faq-links" part
    return t(lang, "faq-answer", answer=entry.answer_for(lang).strip(), links="")


def welcome_text(lang: str, first_name: str) -> str:
    """The /start welcome from the citizen catalogue, addressed to ``first_name``."""
    name = f"，{first_name}" if lang == "zh" else f" {first_name}"
    return t(lang, "welcome", name=name, privacy=t(lang, "privacy"), menu=t(lang, "menu"))


def buttons(markup: dict[str, Any] | None) -> list[list[tuple[str, str | None]]]:
    """(text, callback_data) of each inline button, row by row."""
    rows = (markup or {}).get("inline_keyboard", [])
    return [[(b["text"], b.get("callback_data")) for b in row] for row in rows]


def offer_buttons(lang: str, key: int) -> list[list[tuple[str, str | None]]]:
    """The "send it to a department?" buttons under a question without an answer."""
    return [
        [
            (t(lang, "btn-submit_question"), f"fq:t:{key}:0"),
            (t(lang, "btn-no_thanks"), f"fq:k:{key}:0"),
        ]
    ]


def helpful_buttons(lang: str, key: int) -> list[list[tuple[str, str | None]]]:
    """The "Did this help?" buttons under a FAQ answer."""
    return [
        [
            (t(lang, "btn-helpful_yes"), f"fq:y:{key}:0"),
            (t(lang, "btn-helpful_no"), f"fq:n:{key}:0"),
        ]
    ]


def sample_update(name: str, update_id: int) -> dict[str, Any]:
    data = json.loads((UPDATES_DIR / f"{name}.json").read_text(encoding="utf-8"))
    data["update_id"] = update_id
    return data


def all_sample_names() -> list[str]:
    return sorted(p.stem for p in UPDATES_DIR.glob("*.json"))


def text_update(
    update_id: int,
    text: str,
    *,
    chat_id: int = 5550001,
    lang: str | None = "en",
    chat_type: str = "private",
) -> dict[str, Any]:
    user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "Ada"}
    if lang is not None:
        user["language_code"] = lang
    chat: dict[str, Any] = {"id": chat_id if chat_type == "private" else -100123, "type": chat_type}
    if chat_type != "private":
        chat["title"] = "Some group"
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id % 100000,
            "from": user,
            "chat": chat,
            "date": 1760000000,
            "text": text,
        },
    }


class RecordingSession(BaseSession):
    """An aiogram session that never touches the network: records calls, answers True."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram signature
    ) -> Any:
        self.calls.append(method)
        if isinstance(method, GetMe):
            return User(id=123456789, is_bot=True, first_name="Desk", username="desk_bot")
        return True

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        yield b""

    async def close(self) -> None:
        return None


def recording_bot() -> tuple[Bot, RecordingSession]:
    session = RecordingSession()
    return Bot(TEST_TOKEN, session=session), session


class DatabaseFault:
    """Makes statements on an engine fail like a locked/unreachable database.

    Only statements containing ``match`` fail (default: recording an update), so the outbox
    sender's background queries do not take the injected failures.
    """

    def __init__(self, engine: AsyncEngine, match: str = "processed_update") -> None:
        self.match = match
        self.remaining = 0
        self.failures = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._before)

    def fail_next(self, count: int) -> None:
        self.remaining = count

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.remaining > 0 and self.match in statement:
            self.remaining -= 1
            self.failures += 1
            raise sa_exc.OperationalError(statement, {}, Exception("database is locked"))
