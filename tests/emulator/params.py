"""Decoding Bot API request parameters the way Telegram does.

Clients send parameters as a query string, ``application/x-www-form-urlencoded``,
``multipart/form-data`` (aiogram always uses a form; multipart once a file is attached) or a
JSON body. In forms every value is a string, and aiogram serialises complex values (keyboards,
entities, commands, scopes...) as JSON strings, so they are decoded here by field name.
"""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import BodyPartReader, web

from .models import UploadedFile

JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "media",
        "allowed_updates",
        "link_preview_options",
        "reply_parameters",
        "menu_button",
        "results",
        "options",
        "explanation_entities",
        "question_entities",
        "prices",
        "reaction",
        "message_ids",
        "rights",
        "permissions",
        "button",
    }
)
INT_FIELDS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "max_connections",
        "message_thread_id",
        "cache_time",
        "reply_to_message_id",
        "live_period",
        "heading",
        "proximity_alert_radius",
        "duration",
        "width",
        "height",
        "until_date",
        "video_start_timestamp",
    }
)
FLOAT_FIELDS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
BOOL_FIELDS = frozenset(
    {
        "drop_pending_updates",
        "disable_notification",
        "protect_content",
        "allow_sending_without_reply",
        "show_alert",
        "disable_web_page_preview",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
        "allow_paid_broadcast",
        "revoke_messages",
        "only_if_banned",
        "for_channels",
        "remove_caption",
    }
)
_INT_RE = re.compile(r"^-?\d+$")


class ParamError(ValueError):
    """A parameter could not be decoded (answered with 400)."""


def coerce(name: str, value: Any) -> Any:
    """Turn one raw parameter into the value Telegram would understand."""
    if name in JSON_FIELDS and isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError as exc:
            raise ParamError(f"can't parse {name} JSON object") from exc
    if name in INT_FIELDS:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, str) and _INT_RE.match(value.strip()):
            return int(value.strip())
        if name in ("chat_id", "from_chat_id") and isinstance(value, str):
            return value  # "@channelusername"
        if isinstance(value, float) and value.is_integer():
            return int(value)
        raise ParamError(f"wrong parameter {name}: expected an Integer")
    if name in FLOAT_FIELDS:
        try:
            return float(value)
        except (TypeError, ValueError) as exc:
            raise ParamError(f"wrong parameter {name}: expected a Float") from exc
    if name in BOOL_FIELDS:
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
    return value


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Collect and decode the parameters of a Bot API request, plus uploaded files."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    content_type = request.content_type
    if request.can_read_body:
        if content_type == "application/json":
            try:
                body = await request.json()
            except json.JSONDecodeError as exc:
                raise ParamError("can't parse JSON body") from exc
            if not isinstance(body, dict):
                raise ParamError("JSON body must be an object")
            raw.update(body)
        elif content_type == "multipart/form-data":
            parts, files = await _read_parts(await request.multipart())
            raw.update(parts)
        elif content_type == "application/x-www-form-urlencoded":
            raw.update(await request.post())
    return decode(raw), files


def decode(raw: dict[str, Any]) -> dict[str, Any]:
    return {name: coerce(name, value) for name, value in raw.items()}


async def read_multipart_fields(reader: Any) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    """Read a multipart body (a webhook reply) into decoded params and files."""
    raw, files = await _read_parts(reader)
    return decode(raw), files


async def _read_parts(reader: Any) -> tuple[dict[str, Any], dict[str, UploadedFile]]:
    raw: dict[str, Any] = {}
    files: dict[str, UploadedFile] = {}
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.filename is not None:
            files[part.name] = UploadedFile(
                filename=part.filename,
                content=bytes(await part.read()),
                content_type=part.headers.get("Content-Type"),
            )
        else:
            raw[part.name] = await part.text()
    return raw, files
