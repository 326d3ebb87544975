"""Files staff send to a citizen with a reply (a photo of the repaired lamp, a scanned letter).

The domain keeps only what it needs to record and resend them: the kind and the channel's file
id (Telegram file ids are reused, nothing is downloaded). Rendering them for a channel (which
Bot API method sends a photo or a document) belongs to the interaction layer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tickets.errors import ValidationError

__all__ = ["ATTACHMENT_KINDS", "MAX_ATTACHMENTS", "Attachment", "check_attachments"]

ATTACHMENT_KINDS = ("photo", "document")
MAX_ATTACHMENTS = 10
MAX_FILE_ID = 256


@dataclass(frozen=True, slots=True)
class Attachment:
    kind: str  # one of ATTACHMENT_KINDS
    file_id: str

    def as_data(self) -> dict[str, str]:
        """As recorded in the ticket's event (``{"kind": ..., "file_id": ...}``)."""
        return {"kind": self.kind, "file_id": self.file_id}


def check_attachments(attachments: Iterable[Attachment]) -> tuple[Attachment, ...]:
    """The attachments, validated: known kinds, plausible file ids, not too many."""
    items = tuple(attachments)
    if len(items) > MAX_ATTACHMENTS:
        raise ValidationError("error-too_many_attachments", max=MAX_ATTACHMENTS)
    for item in items:
        if (
            item.kind not in ATTACHMENT_KINDS
            or not isinstance(item.file_id, str)
            or not 0 < len(item.file_id) <= MAX_FILE_ID
        ):
            raise ValidationError("error-bad_attachment")
    return items
