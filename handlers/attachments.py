"""How a ticket's attachments reach a Telegram staff chat (see
:data:`tickets.service.AttachmentCalls`): photos, then documents, then the location, each by
the file id Telegram gave the citizen's message (nothing is downloaded or stored but the id).
Photos a WeChat follower sent (``wechat:<MediaId>``) cannot be sent by id: one line says how
many there are and where to see them (the console fetches them from WeChat)."""

from __future__ import annotations

from typing import Any

from locales import choose_lang, t
from tickets.service import default_attachment_calls

__all__ = ["telegram_attachment_calls"]

OTHER_CHANNELS = ("wechat:",)  # file ids of other channels' attachments


def telegram_attachment_calls(
    details: dict[str, Any], caption: str
) -> list[tuple[str, dict[str, Any]]]:
    photos = [str(p) for p in details.get("photos") or []]
    elsewhere = [p for p in photos if p.startswith(OTHER_CHANNELS)]
    photos = [p for p in photos if not p.startswith(OTHER_CHANNELS)]
    calls = default_attachment_calls({"photos": photos}, caption)
    if elsewhere:
        note = t(choose_lang(None, None, caption), "wx-staff_photos", count=len(elsewhere))
        calls.append(("sendMessage", {"text": f"{caption}\n{note}"}))
    calls += [
        ("sendDocument", {"document": file_id, "caption": caption})
        for file_id in details.get("documents") or []
    ]
    calls += default_attachment_calls({"location": details.get("location")}, caption)
    return calls
