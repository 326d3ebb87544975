"""Domain errors as people read them: in their language, rendered at the edge."""

from __future__ import annotations

from tickets.errors import TicketError

__all__ = ["render_error"]


def render_error(exc: TicketError, lang: str | None) -> str:
    """The message of ``exc`` in ``lang`` (the city's language when unknown)."""
    return exc.render(lang)
