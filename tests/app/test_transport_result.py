"""The outbox transport turns Bot API results into JSON, aiogram's placeholders included."""

from __future__ import annotations

from aiogram.types import Message

from bot.telegram import _jsonable


def test_a_message_echoing_link_preview_options_is_jsonable() -> None:
    message = Message.model_validate(
        {
            "message_id": 7,
            "date": 1760000000,
            "chat": {"id": 1, "type": "private"},
            "text": "https://example.org",
            "link_preview_options": {"is_disabled": True},
        }
    )
    result = _jsonable(message)
    assert result["message_id"] == 7 and result["link_preview_options"]["is_disabled"] is True
    assert isinstance(result["date"], str | int)
