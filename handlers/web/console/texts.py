"""How the console shows figures; its texts are in the one catalogue (``locales/*/console.ftl``,
keys ``con-*``; statuses, types, events and errors reuse the existing keys)."""

from __future__ import annotations

__all__ = ["percent"]


def percent(value: float | None) -> str:
    """``0.756`` -> ``75.6%``; None -> ``—`` (nothing to count, never 0 % or 100 %)."""
    return "—" if value is None else f"{value * 100:.1f}%"
