"""Ticket buttons: their ids (``tk:<action>:<ticket_id>``) and the button sets under notices.

Every ticket button carries the id ``tk:<action>:<ticket_id>`` (at most 64 bytes, Telegram's
``callback_data`` limit: the longest action is 8 ASCII characters and an id of 19 digits still
fits). On Telegram it is the button's ``callback_data``; on the web chat and WeChat it is the
action's ``id`` (``[{"id": "tk:resolved:12", "label": "…"}]``), posted back when pressed. The
handlers parse it with :func:`parse_callback`. Actions:

==============  ===========================================  ============================
action          button                                       who presses it
==============  ===========================================  ============================
``take``        Take                                         staff (department chat)
``reply``       Reply (the handler asks for the text)        staff
``transfer``    Transfer (the handler lists departments)     staff
``extok``       Approve extension                            head / admin
``extno``       Refuse extension                             head / admin
``view``        Open (under reminders, nags, digests)        staff
``resolved``    Resolved                                     citizen
``followup``    Follow up / Add information (asks for text)  citizen
``reopen``      Reopen (after a reply: "not resolved")       citizen
``rate1``..``rate5``  1 to 5 stars                           citizen
``solved``      "Really solved?" after closure -> yes        citizen
``unsolved``    ... -> no: reopen                            citizen
==============  ===========================================  ============================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from locales import t

__all__ = [
    "CALLBACK_ACTIONS",
    "CALLBACK_PREFIX",
    "MAX_CALLBACK_BYTES",
    "Button",
    "Rows",
    "add_info_buttons",
    "callback",
    "closure_callback_buttons",
    "extension_buttons",
    "parse_callback",
    "parse_subscription",
    "rating_buttons",
    "reply_buttons",
    "staff_ticket_buttons",
    "subscription_id",
    "unsubscribe_buttons",
    "view_buttons",
]

CALLBACK_PREFIX = "tk"
CALLBACK_ACTIONS = (
    "take",
    "reply",
    "transfer",
    "extok",
    "extno",
    "resolved",
    "followup",
    "reopen",
    "rate1",
    "rate2",
    "rate3",
    "rate4",
    "rate5",
    "view",  # staff: open the ticket (scheduler nags, digests)
    "solved",  # citizen: "really solved?" after closure -> yes
    "unsolved",  # ... -> no, reopen
)
MAX_CALLBACK_BYTES = 64


def callback(action: str, ticket_id: int) -> str:
    """``tk:<action>:<ticket_id>``; raises ``ValueError`` for an unknown action or > 64 bytes."""
    if action not in CALLBACK_ACTIONS:
        raise ValueError(f"unknown ticket callback action {action!r}")
    data = f"{CALLBACK_PREFIX}:{action}:{int(ticket_id)}"
    if len(data.encode()) > MAX_CALLBACK_BYTES:  # pragma: no cover - ids are < 2**63
        raise ValueError(f"callback data longer than {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def parse_callback(data: str) -> tuple[str, int] | None:
    """``"tk:take:42"`` -> ``("take", 42)``; ``None`` for anything else (a stale/forged button)."""
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != CALLBACK_PREFIX or parts[1] not in CALLBACK_ACTIONS:
        return None
    if not parts[2].isdigit() or len(parts[2]) > 19:
        return None
    return parts[1], int(parts[2])


@dataclass(frozen=True, slots=True)
class Button:
    """A button: its label and its id (``tk:<action>:<ticket_id>``)."""

    label: str
    id: str

    def telegram(self) -> dict[str, str]:
        return {"text": self.label, "callback_data": self.id}

    def action(self) -> dict[str, str]:
        """As an action of the web chat and WeChat (see :mod:`handlers.notify.channels`)."""
        return {"id": self.id, "label": self.label}


Rows = tuple[tuple[Button, ...], ...]


def _button(lang: str | None, key: str, action: str, ticket_id: int, **params: Any) -> Button:
    return Button(t(lang, key, **params), callback(action, ticket_id))


def staff_ticket_buttons(lang: str | None, ticket_id: int) -> Rows:
    """[Take] [Reply] [Transfer] under a ticket post in a staff chat."""
    return (
        (
            _button(lang, "btn-take", "take", ticket_id),
            _button(lang, "btn-reply", "reply", ticket_id),
            _button(lang, "btn-transfer", "transfer", ticket_id),
        ),
    )


def reply_buttons(lang: str | None, ticket_id: int) -> Rows:
    """[Resolved] [Follow up] [Reopen] under a staff reply sent to the citizen."""
    return (
        (
            _button(lang, "btn-resolved", "resolved", ticket_id),
            _button(lang, "btn-follow_up", "followup", ticket_id),
            _button(lang, "btn-reopen", "reopen", ticket_id),
        ),
    )


def add_info_buttons(lang: str | None, ticket_id: int) -> Rows:
    """[Add information] under a request for information."""
    return ((_button(lang, "btn-add_info", "followup", ticket_id),),)


def rating_buttons(lang: str | None, ticket_id: int, *, with_reopen: bool = True) -> Rows:
    """⭐1..5 (and [Reopen]) under the closing notice."""
    stars = [_button(lang, "btn-rate", f"rate{n}", ticket_id, stars="⭐" * n) for n in range(1, 6)]
    rows: list[tuple[Button, ...]] = [tuple(stars[:3]), tuple(stars[3:])]
    if with_reopen:
        rows.append((_button(lang, "btn-reopen", "reopen", ticket_id),))
    return tuple(rows)


def extension_buttons(lang: str | None, ticket_id: int) -> Rows:
    """[Approve] [Refuse] for the department head."""
    return (
        (
            _button(lang, "btn-approve", "extok", ticket_id),
            _button(lang, "btn-refuse", "extno", ticket_id),
        ),
    )


def closure_callback_buttons(lang: str | None, ticket_id: int) -> Rows:
    """[Solved] [Not solved] under the post-closure question."""
    return (
        (
            _button(lang, "btn-solved", "solved", ticket_id),
            _button(lang, "btn-unsolved", "unsolved", ticket_id),
        ),
    )


def view_buttons(lang: str | None, tickets: list[tuple[int, str]]) -> Rows:
    """[Open N] per ticket (id, number), two per row (under reminders and nags)."""
    buttons = [_button(lang, "btn-view", "view", tid, number=number) for tid, number in tickets]
    return tuple(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2))


# --- subscriptions (announcements): ``sub:<verb>:<topic id>`` --------------------------------
SUBSCRIPTION_PREFIX = "sub"
SUBSCRIPTION_VERBS = ("on", "off", "yes", "no")  # toggle on/off; deep link confirm yes/no


def subscription_id(verb: str, topic: str) -> str:
    """``sub:on:road-closures``: subscribe (on), unsubscribe (off), confirm a deep link (yes,
    no); topic ids have at most 48 characters, so it fits Telegram's 64 bytes."""
    if verb not in SUBSCRIPTION_VERBS:
        raise ValueError(f"unknown subscription verb {verb!r}")
    data = f"{SUBSCRIPTION_PREFIX}:{verb}:{topic}"
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data longer than {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def parse_subscription(data: str) -> tuple[str, str] | None:
    """``"sub:off:road-closures"`` -> ``("off", "road-closures")``; None for anything else."""
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != SUBSCRIPTION_PREFIX or parts[1] not in SUBSCRIPTION_VERBS:
        return None
    if not parts[2] or len(parts[2]) > 48:
        return None
    return parts[1], parts[2]


def unsubscribe_buttons(lang: str | None, topic: str) -> Rows:
    """[Unsubscribe] under every announcement."""
    return ((Button(t(lang, "btn-unsubscribe"), subscription_id("off", topic)),),)
