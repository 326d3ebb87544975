"""Text from outside that every database can store: no NUL characters (PostgreSQL refuses
them in text columns) and no lone surrogates (a JSON ``"\\ud800"`` escape decodes to one; no
UTF-8 encoder accepts it). Used by every channel that parses what a client sent."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["has_nul", "valid_unicode", "without_nul"]


def has_nul(value: Any) -> bool:
    """Some string in ``value`` (dicts and lists too) holds a NUL character."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(v) for v in value.values())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


def without_nul(value: Any) -> Any:
    """``value`` with NUL characters removed from every string in it (dicts and lists too)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {k: without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    return value


def valid_unicode(value: Any) -> bool:
    """No lone surrogate in the strings of a parsed JSON value."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
