"""How a ticket's attachments reach a Telegram staff chat (see
:data:`tickets.service.AttachmentCalls`): photos, then documents, then the location, each by
the file id Telegram gave the citizen's message (nothing is downloaded or stored but the id)."""

from __future__ import annotations

from typing import Any

from tickets.service import default_attachment_calls

__all__ = ["telegram_attachment_calls"]


def telegram_attachment_calls(
    details: dict[str, Any], caption: str
) -> list[tuple[str, dict[str, Any]]]:
    calls = default_attachment_calls({"photos": details.get("photos") or []}, caption)
    calls += [
        ("sendDocument", {"document": file_id, "caption": caption})
        for file_id in details.get("documents") or []
    ]
    calls += default_attachment_calls({"location": details.get("location")}, caption)
    return calls
