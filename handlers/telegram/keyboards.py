"""Inline keyboards of the staff interface and their callback data.

Ticket buttons under posts use ``tk:<action>:<ticket_id>`` (:mod:`handlers.notify.actions`).
The staff interface's own buttons use ``sf:<action>:...`` (always under 64 bytes):

================================  =================================================
``sf:q:<page>:<slug>``            queue page (slug empty: own department, ``*``: all)
``sf:cr:<ticket_id>:<index>``     show canned reply number ``index`` of the department
``sf:send:<ticket_id>``           send the canned reply shown as is
``sf:tr:<ticket_id>:<slug>``      transfer to that department (then asks the reason)
``sf:cancel``                     cancel the reply / transfer in progress
================================  =================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from locales import t
from tickets.config.desk import CannedReply, DepartmentConfig

__all__ = [
    "PREFIX",
    "StaffCallback",
    "cancel_keyboard",
    "canned_keyboard",
    "departments_keyboard",
    "parse_staff_callback",
    "queue_keyboard",
    "send_keyboard",
]

PREFIX = "sf"
MAX_BYTES = 64
ACTIONS = ("q", "cr", "send", "tr", "cancel", "an")


@dataclass(frozen=True, slots=True)
class StaffCallback:
    action: str
    args: tuple[str, ...]


def _data(*parts: object) -> str | None:
    data = ":".join(str(p) for p in (PREFIX, *parts))
    return data if len(data.encode()) <= MAX_BYTES else None


def parse_staff_callback(data: str | None) -> StaffCallback | None:
    """``"sf:cr:12:0"`` -> ``StaffCallback("cr", ("12", "0"))``; None for anything else."""
    if not data:
        return None
    parts = data.split(":")
    if len(parts) < 2 or parts[0] != PREFIX or parts[1] not in ACTIONS:
        return None
    return StaffCallback(parts[1], tuple(parts[2:]))


def _button(text: str, data: str) -> dict[str, str]:
    return {"text": text, "callback_data": data}


def cancel_keyboard(lang: str) -> dict[str, Any]:
    return {"inline_keyboard": [[_button(t(lang, "sh-btn-cancel"), "sf:cancel")]]}


def canned_keyboard(
    lang: str, ticket_id: int, replies: tuple[CannedReply, ...] | list[CannedReply]
) -> dict[str, Any]:
    """One button per canned reply of the department, then [Cancel]."""
    rows: list[list[dict[str, str]]] = []
    for index, reply in enumerate(replies):
        data = _data("cr", ticket_id, index)
        if data is not None:
            rows.append([_button(reply.title_for(lang)[:60], data)])
    rows.append([_button(t(lang, "sh-btn-cancel"), "sf:cancel")])
    return {"inline_keyboard": rows}


def send_keyboard(lang: str, ticket_id: int) -> dict[str, Any]:
    return {
        "inline_keyboard": [
            [
                _button(t(lang, "sh-btn-send"), f"sf:send:{ticket_id}"),
                _button(t(lang, "sh-btn-cancel"), "sf:cancel"),
            ]
        ]
    }


def departments_keyboard(
    lang: str, ticket_id: int, departments: list[DepartmentConfig]
) -> dict[str, Any]:
    """Two departments per row (skipping a slug too long for callback data), then [Cancel]."""
    buttons = []
    for dept in departments:
        data = _data("tr", ticket_id, dept.slug)
        if data is not None:
            buttons.append(_button(dept.name_for(lang)[:60], data))
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_button(t(lang, "sh-btn-cancel"), "sf:cancel")])
    return {"inline_keyboard": rows}


def queue_keyboard(lang: str, page: int, pages: int, slug: str) -> dict[str, Any] | None:
    """◀ ▶ between queue pages (None when everything fits on one page)."""
    row = []
    if page > 1:
        data = _data("q", page - 1, slug)
        if data is not None:
            row.append(_button(t(lang, "sh-btn-prev"), data))
    if page < pages:
        data = _data("q", page + 1, slug)
        if data is not None:
            row.append(_button(t(lang, "sh-btn-next"), data))
    return {"inline_keyboard": [row]} if row else None
