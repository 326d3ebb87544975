"""The dialogue's outcome as web chat events (``{"from": "bot", "text", "actions"}``).

Each reply is one event: its text rendered in the outcome's language, its buttons as a flat
list of ``{"id", "label"}`` (the id is what the page posts back as ``{"action"}``). A reply
that offers the channel's way to leave a contact (``ask_contact``) gets ``"contact": true``
(the page shows its phone / e-mail field with the consent box) and a "No phone number"
button. The first event of a turn carries ``"echo"``: what the visitor wrote (or the label of
the button they pressed), so that a reload replays their side of the conversation too.

A few of the dialogue's texts speak of Telegram (its ID, its contact button): they are swapped
for the web chat's (:data:`WEB_TEXTS`); the dialogue itself stays channel-neutral.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.dialogue.model import Outcome, Raw, Text, Words, render
from locales import t

__all__ = ["NO_PHONE", "WEB_TEXTS", "from_outbox", "render_outcome"]

NO_PHONE = "web:nophone"  # the "No phone number" button of the contact field

WEB_TEXTS = {
    "privacy": "web-privacy",
    "data-show": "web-data_show",
    "data-lang_auto": "web-data_lang_auto",
    "delete-confirm": "web-delete_confirm",
    "flow-phone_consent": "web-phone_consent",
    "flow-phone_use_button": "web-phone_use_form",
    "flow-phone_not_own": "web-phone_use_form",
    "hint-contact": "web-hint_contact",
}


def _rewrite(words: Words, visitor: str) -> Words:
    if isinstance(words, Raw):
        return words
    params = {
        name: _rewrite(value, visitor) if isinstance(value, Text | Raw) else value
        for name, value in words.params.items()
    }
    if words.key == "data-show":
        params["user_id"] = visitor
    return Text(WEB_TEXTS.get(words.key, words.key), params)


def render_outcome(outcome: Outcome, *, visitor: str) -> list[dict[str, Any]]:
    lang = outcome.lang
    events: list[dict[str, Any]] = []
    ack = outcome.ack
    if ack is not None and ack.text is not None:
        events.append(
            {"from": "bot", "text": render(_rewrite(ack.text, visitor), lang), "actions": []}
        )
    for reply in outcome.replies:
        actions = [
            {"id": a.id, "label": render(a.label, lang)} for row in reply.actions for a in row
        ]
        event: dict[str, Any] = {
            "from": "bot",
            "text": render(_rewrite(reply.text, visitor), lang),
            "actions": actions,
        }
        if reply.ask_contact:
            event["contact"] = True
            actions.append({"id": NO_PHONE, "label": t(lang, "btn-no_phone")})
        events.append(event)
    return events


def from_outbox(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A queued ``message`` row (:func:`handlers.notify.channels.web_payload`) as an event."""
    actions = []
    for item in payload.get("actions") or []:
        if isinstance(item, Mapping) and item.get("id"):
            actions.append({"id": str(item["id"]), "label": str(item.get("label") or item["id"])})
    source = payload.get("from")
    event: dict[str, Any] = {
        "from": source if source in ("bot", "staff") else "bot",
        "text": str(payload.get("text") or ""),
        "actions": actions,
    }
    photos = [
        f["file_id"]
        for f in payload.get("files") or []
        if isinstance(f, Mapping) and f.get("kind") == "photo" and f.get("file_id")
    ]
    if photos:
        event["photos"] = len(photos)
    return event
