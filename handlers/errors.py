"""Domain errors in words: a :class:`~tickets.errors.TicketError` carries a catalogue key and
its parameters as data; this renders it in the user's language, for every channel."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from handlers.notify.format import format_time
from locales import t
from tickets.errors import InvalidTransition, TicketError

__all__ = ["render_error"]


def render_error(exc: TicketError, lang: str | None, tz: tzinfo | None = None) -> str:
    """The message of ``exc`` in ``lang`` (zh, the city's language, for anything else).

    Datetime parameters are shown in ``tz`` (the city's time zone; without it, as given), a
    missing one as "none"; an invalid transition names the status and the action in words."""
    if isinstance(exc, InvalidTransition):
        return t(
            lang,
            exc.key,
            number=exc.params.get("number", ""),
            status=t(lang, f"status-{exc.current}"),
            action=t(lang, f"action-{exc.action}"),
        )
    params: dict[str, Any] = dict(exc.params)
    if exc.key == "error-same_urgency":
        urgent = bool(params.pop("urgent", False))
        params["state"] = t(lang, "label-urgent_yes" if urgent else "label-urgent_no")
    for name, value in params.items():
        if isinstance(value, datetime):
            params[name] = format_time(value, tz or value.tzinfo or UTC, lang)
    if exc.key == "error-deadline_passed" and params.get("deadline") is None:
        params["deadline"] = format_time(None, tz or UTC, lang)  # "none"
    return t(lang, exc.key, **params)
