"""What an update may hold before it reaches the dispatcher and the database.

Telegram's updates nest a dozen levels at most and every integer in them (ids, dates, sizes)
fits a signed 64-bit column. Anything else is hostile or broken input: it must be refused
with a 4xx (the webhook) or skipped (long polling), never reach SQLite (``OverflowError``) or
PostgreSQL (``DataError``), and never make the service answer 5xx, which Telegram redelivers
forever. ``json.loads`` itself raises ``RecursionError`` near a thousand levels; the webhook
turns that into a 400 too.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["INT64_MAX", "INT64_MIN", "MAX_DEPTH", "find_update_id", "problem"]

MAX_DEPTH = 64  # levels of objects and arrays (a real update has about 10)
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

_UPDATE_ID = re.compile(r'"update_id"\s*:\s*(-?\d{1,19})(?!\d)')


def problem(value: Any, max_depth: int = MAX_DEPTH) -> str | None:
    """Why ``value`` (decoded JSON, or an update's ``model_dump()``) is refused, or None.

    Walks the structure without recursion, in document order: nesting deeper than
    ``max_depth`` and integers outside the signed 64-bit range are problems (the path of the
    first one is named).
    """
    stack: list[tuple[Any, int, str]] = [(value, 1, "")]
    while stack:
        node, depth, path = stack.pop()
        if isinstance(node, dict):
            items: Any = reversed(node.items())
        elif isinstance(node, list | tuple):
            items = reversed(list(enumerate(node)))
        else:
            if (
                isinstance(node, int)
                and not isinstance(node, bool)
                and not INT64_MIN <= node <= INT64_MAX
            ):
                return f"integer out of the 64-bit range at {path or 'the top'}"
            continue
        if depth > max_depth:
            return f"nested deeper than {max_depth} levels"
        for key, child in items:
            if isinstance(child, dict | list | tuple) or type(child) is int:
                stack.append((child, depth + 1, f"{path}.{key}" if path else str(key)))
    return None


def find_update_id(raw: Any) -> int | None:
    """The first ``update_id`` in what ``getUpdates`` answered (text or decoded JSON), when a
    batch could not be decoded or validated; None when there is none in the 64-bit range."""
    if isinstance(raw, dict):
        result = raw.get("result")
        first = result[0] if isinstance(result, list) and result else None
        value = first.get("update_id") if isinstance(first, dict) else None
        if type(value) is int and INT64_MIN <= value <= INT64_MAX:
            return value
        return None
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8", "replace")
    if not isinstance(raw, str):
        return None
    match = _UPDATE_ID.search(raw)
    if match is None:
        return None
    value = int(match.group(1))
    return value if INT64_MIN <= value <= INT64_MAX else None
