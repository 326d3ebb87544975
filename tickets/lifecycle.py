"""The ticket state machine.

Statuses::

    new ──take──▶ in_progress ──reply──▶ answered ──confirm/close──▶ closed
     │                 │  ▲                 │  ▲                       │
     │           ask_info  follow_up        │  reply    auto_close     │ reopen
     │                 ▼  │                 │                          ▼
     │           waiting_citizen            └──reopen/follow_up──▶ in_progress (or new)
     └──transfer──▶ new (in the other department, unassigned)

:func:`transition` is the single source of truth: for a ``(status, action)`` pair it returns
the new status and the audit-event kind, or raises :class:`~tickets.errors.InvalidTransition`.
Actions that do not change the status (note, extend, rate, comment on a rating, retype, mark
urgent, reveal, the citizen's answer to the post-closure question) are listed too, so
every action is checked against the current status in one place. The service
(:mod:`tickets.service`) applies the result with a conditional UPDATE on ``Ticket.version`` and
appends the event to the audit trail (``TicketEvent``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from tickets.errors import InvalidTransition

__all__ = [
    "DEMAND_TYPES",
    "OPEN_STATUSES",
    "TRANSITIONS",
    "Action",
    "Status",
    "Transition",
    "allowed_actions",
    "transition",
]


DEMAND_TYPES = ("consultation", "help", "complaint", "report", "suggestion")
"""What a citizen's demand is (the 12345 hotlines' categories): 咨询, 求助, 投诉, 举报, 建议."""


class Status(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    WAITING_CITIZEN = "waiting_citizen"
    ANSWERED = "answered"
    CLOSED = "closed"


OPEN_STATUSES: tuple[str, ...] = (
    Status.NEW,
    Status.IN_PROGRESS,
    Status.WAITING_CITIZEN,
    Status.ANSWERED,
)


class Action(StrEnum):
    TAKE = "take"
    REPLY = "reply"
    NOTE = "note"
    ASK_INFO = "ask_info"
    TRANSFER = "transfer"
    CLOSE = "close"
    REOPEN = "reopen"
    EXTEND = "extend"  # request an extension (status unchanged)
    APPROVE_EXTENSION = "approve_extension"  # head decides (status unchanged)
    REFUSE_EXTENSION = "refuse_extension"
    FOLLOW_UP = "follow_up"  # citizen message (resumes a paused ticket)
    CONFIRM = "confirm"  # citizen: "resolved"
    RATE = "rate"
    RETYPE = "retype"  # staff corrects the demand type
    MARK_URGENT = "mark_urgent"  # staff sets or clears the urgent flag
    COMMENT_RATING = "comment_rating"  # citizen adds a comment to the rating given
    REVEAL = "reveal"  # staff reveals the citizen's contact
    ASSIGN = "assign"  # a head or an administrator assigns the ticket to a named clerk
    AUTO_CLOSE = "auto_close"  # the system: answered, and the citizen did not react in time
    CALLBACK_SOLVED = "callback_solved"  # citizen: "really solved?" after closure -> yes
    CALLBACK_UNSOLVED = "callback_unsolved"  # ... -> no (a closed ticket is then reopened)


# Sentinel targets resolved by :func:`transition`.
_SAME = "=same"  # status unchanged
_BACK = "=back"  # in_progress when someone is assigned, else new

N, P, W, A, C = (
    Status.NEW,
    Status.IN_PROGRESS,
    Status.WAITING_CITIZEN,
    Status.ANSWERED,
    Status.CLOSED,
)

# (status, action) -> (target, event kind). Pairs not listed are invalid.
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (N, Action.TAKE): (P, "taken"),
    **{(s, Action.REPLY): (A, "replied") for s in (N, P, W, A)},
    **{(s, Action.NOTE): (_SAME, "note") for s in (N, P, W, A, C)},
    **{(s, Action.ASK_INFO): (W, "info_requested") for s in (N, P, A)},
    (W, Action.ASK_INFO): (W, "info_requested"),
    **{(s, Action.TRANSFER): (N, "transferred") for s in (N, P, W, A)},
    **{(s, Action.CLOSE): (C, "closed") for s in (N, P, W, A)},
    (C, Action.REOPEN): (_BACK, "reopened"),
    (A, Action.REOPEN): (_BACK, "reopened"),  # citizen: "not resolved"
    **{(s, Action.EXTEND): (_SAME, "extension_requested") for s in (N, P, W, A)},
    **{(s, Action.APPROVE_EXTENSION): (_SAME, "extension_approved") for s in (N, P, W, A)},
    **{(s, Action.REFUSE_EXTENSION): (_SAME, "extension_refused") for s in (N, P, W, A)},
    (N, Action.FOLLOW_UP): (N, "citizen_message"),
    (P, Action.FOLLOW_UP): (P, "citizen_message"),
    (W, Action.FOLLOW_UP): (_BACK, "citizen_message"),  # the clock resumes
    (A, Action.FOLLOW_UP): (_BACK, "citizen_message"),
    (A, Action.CONFIRM): (C, "confirmed"),
    (A, Action.RATE): (_SAME, "rated"),
    (C, Action.RATE): (_SAME, "rated"),
    **{(s, Action.RETYPE): (_SAME, "retyped") for s in (N, P, W, A)},
    **{(s, Action.MARK_URGENT): (_SAME, "urgency_changed") for s in (N, P, W, A)},
    (A, Action.COMMENT_RATING): (_SAME, "rating_commented"),
    (C, Action.COMMENT_RATING): (_SAME, "rating_commented"),
    **{(s, Action.REVEAL): (_SAME, "contact_revealed") for s in (N, P, W, A, C)},
    (N, Action.ASSIGN): (P, "assigned"),
    **{(s, Action.ASSIGN): (_SAME, "assigned") for s in (P, W, A)},
    (A, Action.AUTO_CLOSE): (C, "closed"),
    **{(s, Action.CALLBACK_SOLVED): (_SAME, "callback_solved") for s in (N, P, W, A, C)},
    **{(s, Action.CALLBACK_UNSOLVED): (_SAME, "callback_unsolved") for s in (N, P, W, A, C)},
}


@dataclass(frozen=True, slots=True)
class Transition:
    old: str
    new: str
    event_kind: str

    @property
    def changes_status(self) -> bool:
        return self.old != self.new


def transition(status: str, action: str, *, assigned: bool = True, number: str = "") -> Transition:
    """Where ``action`` takes a ticket in ``status``; raises :class:`InvalidTransition`.

    ``assigned`` tells whether the ticket has an assignee (a reopened or followed-up ticket
    goes back to ``in_progress`` when it has one, to ``new`` otherwise).
    """
    try:
        target, kind = TRANSITIONS[(str(status), str(action))]
    except KeyError:
        raise InvalidTransition(str(status), str(action), number) from None
    if target == _SAME:
        new = str(status)
    elif target == _BACK:
        new = Status.IN_PROGRESS if assigned else Status.NEW
    else:
        new = target
    return Transition(str(status), str(new), kind)


def allowed_actions(status: str) -> list[Action]:
    """The actions possible in ``status`` (for building menus)."""
    return [a for a in Action if (str(status), str(a)) in TRANSITIONS]
