"""The language of a Telegram user, by the one language rule (:func:`locales.choose_lang`)."""

from __future__ import annotations

from aiogram.types import Update, User

from locales import Lang, choose_lang

__all__ = ["Lang", "lang_of"]


def lang_of(source: Update | User | str | None) -> Lang:
    """``zh`` or ``en`` for the sender of an update (or a user, or a language code)."""
    if isinstance(source, Update):
        event = source.event if _has_event(source) else None
        source = getattr(event, "from_user", None)
    code = source.language_code if isinstance(source, User) else source
    return choose_lang(code=code)


def _has_event(update: Update) -> bool:
    try:
        update.event_type  # noqa: B018 - raises for unknown kinds
    except Exception:
        return False
    return True
