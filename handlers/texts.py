"""The message catalogue of the basic conversation, in Chinese and English."""

from __future__ import annotations

from typing import Literal

from aiogram.types import Update, User

Lang = Literal["zh", "en"]

TEXTS: dict[str, dict[Lang, str]] = {
    "text_only": {
        "zh": "抱歉，目前只能处理文字消息。请用文字描述您的问题。",
        "en": "Sorry, for now we can only read text messages. Please describe your question in text.",
    },
    "edited": {
        "zh": "我们看不到对已发送消息的修改。如需补充或更正，请发送一条新消息。",
        "en": "We do not see edits to sent messages. To add or correct something, please send a new message.",
    },
    "no_payments": {
        "zh": "市民服务台不接受任何付款。",
        "en": "The citizen desk does not accept payments.",
    },
    "apology": {
        "zh": "抱歉，处理您的消息时出了问题。我们已记录此错误，请稍后再试。",
        "en": "Sorry, something went wrong while handling your message. We logged the error; please try again later.",
    },
}


def lang_of(source: Update | User | str | None) -> Lang:
    """``zh`` for Chinese language codes (zh, zh-hans, zh-TW...), otherwise ``en``."""
    if isinstance(source, Update):
        event = source.event if _has_event(source) else None
        source = getattr(event, "from_user", None)
    code = source.language_code if isinstance(source, User) else source
    return "zh" if code and code.lower().startswith("zh") else "en"


def _has_event(update: Update) -> bool:
    try:
        update.event_type  # noqa: B018 - raises for unknown kinds
    except Exception:
        return False
    return True


def text_for(key: str, lang: str | None) -> str:
    entry = TEXTS[key]
    return entry["zh"] if lang == "zh" else entry["en"]
