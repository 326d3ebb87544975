"""Notification texts and inline keyboards for tickets (Bot API JSON, no Telegram library).

Callback data
-------------
Every ticket button carries ``callback_data = "tk:<action>:<ticket_id>"`` (at most 64 bytes:
the longest action is 8 ASCII characters and an id of 19 digits still fits). The aiogram
handlers parse it with ``CallbackData`` prefix ``"tk"`` and fields ``action: str`` and
``ticket_id: int`` (or with :func:`parse_callback`). Actions:

==============  ===========================================  ============================
action          button                                       who presses it
==============  ===========================================  ============================
``take``        Take                                         staff (department chat)
``reply``       Reply (the handler asks for the text)        staff
``transfer``    Transfer (the handler lists departments)     staff
``extok``       Approve extension                            head / admin
``extno``       Refuse extension                             head / admin
``resolved``    Resolved                                     citizen
``followup``    Follow up / Add information (asks for text)  citizen
``reopen``      Reopen (after a reply: "not resolved")       citizen
``rate1``..``rate5``  1 to 5 stars                           citizen
==============  ===========================================  ============================

Times are shown in the city's time zone as ``2026-11-24 17:30``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from locales import t

__all__ = [
    "CALLBACK_ACTIONS",
    "CALLBACK_PREFIX",
    "Notice",
    "add_info_keyboard",
    "callback",
    "citizen_reply_keyboard",
    "extension_keyboard",
    "format_time",
    "parse_callback",
    "rating_keyboard",
    "staff_ticket_keyboard",
]

CALLBACK_PREFIX = "tk"
CALLBACK_ACTIONS = (
    "take",
    "reply",
    "transfer",
    "extok",
    "extno",
    "resolved",
    "followup",
    "reopen",
    "rate1",
    "rate2",
    "rate3",
    "rate4",
    "rate5",
    "view",  # staff: open the ticket (scheduler nags, digests)
    "solved",  # citizen: "really solved?" after closure -> yes
    "unsolved",  # ... -> no, reopen
)
MAX_CALLBACK_BYTES = 64


def format_time(dt: datetime | None, tz: tzinfo, lang: str | None = None) -> str:
    """``2026-11-24 17:30`` in the city's time zone (``none``/``无`` for a missing time)."""
    if dt is None:
        return t(lang, "label-none")
    return dt.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def callback(action: str, ticket_id: int) -> str:
    """``tk:<action>:<ticket_id>``; raises ``ValueError`` for an unknown action or > 64 bytes."""
    if action not in CALLBACK_ACTIONS:
        raise ValueError(f"unknown ticket callback action {action!r}")
    data = f"{CALLBACK_PREFIX}:{action}:{int(ticket_id)}"
    if len(data.encode()) > MAX_CALLBACK_BYTES:  # pragma: no cover - ids are < 2**63
        raise ValueError(f"callback data longer than {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def parse_callback(data: str) -> tuple[str, int] | None:
    """``"tk:take:42"`` -> ``("take", 42)``; ``None`` for anything else (a stale/forged button)."""
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != CALLBACK_PREFIX or parts[1] not in CALLBACK_ACTIONS:
        return None
    if not parts[2].isdigit() or len(parts[2]) > 19:
        return None
    return parts[1], int(parts[2])


def _button(
    lang: str | None, key: str, action: str, ticket_id: int, **params: Any
) -> dict[str, str]:
    return {"text": t(lang, key, **params), "callback_data": callback(action, ticket_id)}


def staff_ticket_keyboard(lang: str | None, ticket_id: int) -> dict[str, Any]:
    """[Take] [Reply] [Transfer] under a ticket post in a staff chat."""
    return {
        "inline_keyboard": [
            [
                _button(lang, "btn-take", "take", ticket_id),
                _button(lang, "btn-reply", "reply", ticket_id),
                _button(lang, "btn-transfer", "transfer", ticket_id),
            ]
        ]
    }


def citizen_reply_keyboard(lang: str | None, ticket_id: int) -> dict[str, Any]:
    """[Resolved] [Follow up] [Reopen] under a staff reply sent to the citizen."""
    return {
        "inline_keyboard": [
            [
                _button(lang, "btn-resolved", "resolved", ticket_id),
                _button(lang, "btn-follow_up", "followup", ticket_id),
                _button(lang, "btn-reopen", "reopen", ticket_id),
            ]
        ]
    }


def add_info_keyboard(lang: str | None, ticket_id: int) -> dict[str, Any]:
    """[Add information] under a request for information."""
    return {"inline_keyboard": [[_button(lang, "btn-add_info", "followup", ticket_id)]]}


def rating_keyboard(
    lang: str | None, ticket_id: int, *, with_reopen: bool = True
) -> dict[str, Any]:
    """⭐1..5 (and [Reopen]) under the closing notice."""
    stars = [_button(lang, "btn-rate", f"rate{n}", ticket_id, stars="⭐" * n) for n in range(1, 6)]
    rows: list[list[dict[str, str]]] = [stars[:3], stars[3:]]
    if with_reopen:
        rows.append([_button(lang, "btn-reopen", "reopen", ticket_id)])
    return {"inline_keyboard": rows}


def extension_keyboard(lang: str | None, ticket_id: int) -> dict[str, Any]:
    """[Approve] [Refuse] for the department head."""
    return {
        "inline_keyboard": [
            [
                _button(lang, "btn-approve", "extok", ticket_id),
                _button(lang, "btn-refuse", "extno", ticket_id),
            ]
        ]
    }


@dataclass(frozen=True, slots=True)
class Notice:
    """A message to queue: recipient, text, optional inline keyboard."""

    chat_id: int
    text: str
    reply_markup: dict[str, Any] | None = None

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"text": self.text}
        if self.reply_markup is not None:
            body["reply_markup"] = self.reply_markup
        return body
