"""One rendered message, as each channel's outbox rows.

A renderer (:mod:`handlers.notify.render`) turns an event into :class:`Part` s for one
recipient: texts with buttons, and files. Each channel writes them its own way:

* **telegram** (staff chats, and citizens on Telegram): a text is ``sendMessage``
  ``{"chat_id", "text", "reply_markup": {"inline_keyboard": [[{"text", "callback_data"}]]}}``
  (no ``reply_markup`` without buttons); a file is ``sendPhoto`` ``{"photo", "caption"}`` or
  ``sendDocument`` ``{"document", "caption"}`` (the file id is reused, nothing is downloaded);
  a location ``sendLocation`` ``{"latitude", "longitude"}``.
* **web** and **wechat** (citizens; rows addressed by the identity's ``address``, no
  ``chat_id``): method ``"message"`` with the payload
  ``{"text": "...", "actions": [{"id": "tk:resolved:12", "label": "✅ Resolved"}, ...]}``:
  plain text and the buttons as a flat list of actions (``id`` is what the channel posts back
  when the citizen picks one, the same ``tk:<action>:<ticket_id>`` as Telegram's callback data;
  ``actions`` is always present, possibly empty). Files staff sent with a reply are listed
  under ``"files": [{"kind": "photo" | "document", "file_id": "..."}]`` (Telegram file ids the
  channel may fetch through the Bot API) on the message they follow; a location is not sent.
  The web chat's rows also say who speaks: ``"from": "staff"`` for a staff member's words (a
  reply, a request for information), ``"bot"`` for the desk's (:func:`web_payload`); its
  sender writes each row as an event of the visitor's stream (:mod:`bot.webchat`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.notify.actions import Rows

__all__ = [
    "FilePart",
    "LocationPart",
    "Part",
    "TextPart",
    "telegram_call",
    "text_payload",
    "web_payload",
]

TELEGRAM_TEXT_MAX = 4096
# How each file kind reaches a Telegram chat: (Bot API method, its file parameter).
TELEGRAM_FILES = {"photo": ("sendPhoto", "photo"), "document": ("sendDocument", "document")}


@dataclass(frozen=True, slots=True)
class TextPart:
    """A text; ``rows`` the buttons (None: no keyboard at all); ``limit``: cut the text to
    Telegram's length (the scheduler's digests and lists)."""

    text: str
    rows: Rows | None = None
    limit: bool = False


@dataclass(frozen=True, slots=True)
class FilePart:
    kind: str  # photo | document
    file_id: str
    caption: str
    rows: Rows | None = None  # buttons under the file (an announcement's photo)


@dataclass(frozen=True, slots=True)
class LocationPart:
    latitude: float
    longitude: float


Part = TextPart | FilePart | LocationPart


def telegram_call(part: Part) -> tuple[str, dict[str, Any]]:
    """The Bot API method and payload of a part (``chat_id`` is added by the outbox)."""
    if isinstance(part, TextPart):
        text = part.text[:TELEGRAM_TEXT_MAX] if part.limit else part.text
        payload: dict[str, Any] = {"text": text}
        if part.rows is not None:
            payload["reply_markup"] = {
                "inline_keyboard": [[b.telegram() for b in row] for row in part.rows]
            }
        return "sendMessage", payload
    if isinstance(part, FilePart):
        method, field_name = TELEGRAM_FILES[part.kind]
        payload = {field_name: part.file_id, "caption": part.caption}
        if part.rows is not None:
            payload["reply_markup"] = {
                "inline_keyboard": [[b.telegram() for b in row] for row in part.rows]
            }
        return method, payload
    return "sendLocation", {"latitude": part.latitude, "longitude": part.longitude}


def text_payload(parts: list[Part]) -> list[dict[str, Any]]:
    """The web chat's / WeChat's ``message`` payloads of a rendering: one per text, with the
    files that follow it (locations are left out)."""
    out: list[dict[str, Any]] = []
    for part in parts:
        if isinstance(part, TextPart):
            actions = [b.action() for row in part.rows or () for b in row]
            out.append({"text": part.text, "actions": actions})
        elif isinstance(part, FilePart) and out:
            out[-1].setdefault("files", []).append({"kind": part.kind, "file_id": part.file_id})
        elif isinstance(part, FilePart):  # a file with its caption (an announcement's photo)
            actions = [b.action() for row in part.rows or () for b in row]
            file = {"kind": part.kind, "file_id": part.file_id}
            out.append({"text": part.caption, "actions": actions, "files": [file]})
    return out


def web_payload(payloads: list[dict[str, Any]], *, staff: bool) -> list[dict[str, Any]]:
    """The web chat's rows: :func:`text_payload`'s with who speaks (``from``)."""
    return [{**p, "from": "staff" if staff else "bot"} for p in payloads]
