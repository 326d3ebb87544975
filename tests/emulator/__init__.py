"""A Telegram Bot API emulator for end-to-end tests (see README.md in this folder)."""

from .core import ApiError
from .models import (
    BotState,
    ChatState,
    Delivery,
    DeliveryAttempt,
    EmuUser,
    RecordedCall,
    StoredFile,
    UploadedFile,
)
from .server import BotAPIEmulator, as_dict, make_token

__all__ = [
    "ApiError",
    "BotAPIEmulator",
    "BotState",
    "ChatState",
    "Delivery",
    "DeliveryAttempt",
    "EmuUser",
    "RecordedCall",
    "StoredFile",
    "UploadedFile",
    "as_dict",
    "make_token",
]
