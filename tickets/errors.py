"""Errors of the ticket domain.

Each error carries an i18n key and its parameters, so a handler shows it in the user's
language with ``err.render(lang)`` (see :mod:`locales`). ``str(err)`` is English, for logs.

Privacy rule: :class:`NotAllowed` is raised both when a ticket exists but the actor may not see
it and when it does not exist at all (for anyone but an administrator), with the same text, so
the message never confirms that a ticket exists.
"""

from __future__ import annotations

from typing import Any

from locales import t

__all__ = [
    "Conflict",
    "InvalidTransition",
    "NotAllowed",
    "NotFound",
    "TicketError",
    "ValidationError",
]


class TicketError(Exception):
    """Base class: ``key`` is a message-catalogue key, ``params`` its parameters."""

    default_key = "error-generic"

    def __init__(self, key: str | None = None, **params: Any) -> None:
        self.key = key or self.default_key
        self.params = params
        super().__init__(self.render("en"))

    def render(self, lang: str | None) -> str:
        """The message in ``lang`` (falls back to zh, the city's default language)."""
        return t(lang, self.key, **self.params)


class NotFound(TicketError):
    """No such ticket (only raised to administrators, who may see every ticket)."""

    default_key = "error-unavailable"


class NotAllowed(TicketError):
    """The actor may not do this. For ticket access, says nothing about the ticket's existence."""

    default_key = "error-unavailable"


class Conflict(TicketError):
    """Someone else changed the ticket first (e.g. lost the race to /take it)."""

    default_key = "error-conflict"


class ValidationError(TicketError):
    """Bad input (empty text, rating out of range, unknown department...)."""

    default_key = "error-invalid"


class InvalidTransition(TicketError):
    """The action is not possible in the ticket's current status."""

    default_key = "error-invalid_transition"

    def __init__(self, current: str, action: str, number: str = "") -> None:
        self.current = current
        self.action = action
        super().__init__(self.default_key, current=current, action=action, number=number)

    def render(self, lang: str | None) -> str:
        return t(
            lang,
            self.key,
            number=self.params.get("number", ""),
            status=t(lang, f"status-{self.current}"),
            action=t(lang, f"action-{self.action}"),
        )
