"""Errors of the ticket domain.

Each error carries a message-catalogue key and its parameters (data: numbers, names,
datetimes); the interaction layer renders it in the user's language (``handlers.errors.
render_error``). ``str(err)`` is the key and the parameters, for logs.

Privacy rule: :class:`NotAllowed` is raised both when a ticket exists but the actor may not see
it and when it does not exist at all (for anyone but an administrator), with the same text, so
the message never confirms that a ticket exists.
"""

from __future__ import annotations

from typing import Any

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
        shown = ", ".join(f"{k}={v!r}" for k, v in params.items())
        super().__init__(f"{self.key} ({shown})" if shown else self.key)


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
    """The action is not possible in the ticket's current status (``current``, ``action``:
    the status and the action, rendered by their catalogue labels)."""

    default_key = "error-invalid_transition"

    def __init__(self, current: str, action: str, number: str = "") -> None:
        self.current = current
        self.action = action
        super().__init__(self.default_key, current=current, action=action, number=number)
