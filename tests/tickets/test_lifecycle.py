"""The state machine, exhaustively: every (status, action) pair."""

from __future__ import annotations

import pytest

from handlers.errors import render_error
from tickets.errors import InvalidTransition
from tickets.lifecycle import (
    OPEN_STATUSES,
    TRANSITIONS,
    Action,
    Status,
    allowed_actions,
    transition,
)

N, P, W, A, C = "new", "in_progress", "waiting_citizen", "answered", "closed"

# The whole table, written out independently of the implementation:
# (status, action) -> (new status when assigned, new status when unassigned, event kind)
EXPECTED: dict[tuple[str, str], tuple[str, str, str]] = {
    (N, "take"): (P, P, "taken"),
    **{(s, "reply"): (A, A, "replied") for s in (N, P, W, A)},
    **{(s, "note"): (s, s, "note") for s in (N, P, W, A, C)},
    **{(s, "ask_info"): (W, W, "info_requested") for s in (N, P, W, A)},
    **{(s, "transfer"): (N, N, "transferred") for s in (N, P, W, A)},
    **{(s, "close"): (C, C, "closed") for s in (N, P, W, A)},
    (C, "reopen"): (P, N, "reopened"),
    (A, "reopen"): (P, N, "reopened"),
    **{(s, "extend"): (s, s, "extension_requested") for s in (N, P, W, A)},
    **{(s, "approve_extension"): (s, s, "extension_approved") for s in (N, P, W, A)},
    **{(s, "refuse_extension"): (s, s, "extension_refused") for s in (N, P, W, A)},
    (N, "follow_up"): (N, N, "citizen_message"),
    (P, "follow_up"): (P, P, "citizen_message"),
    (W, "follow_up"): (P, N, "citizen_message"),
    (A, "follow_up"): (P, N, "citizen_message"),
    (A, "confirm"): (C, C, "confirmed"),
    (A, "rate"): (A, A, "rated"),
    (C, "rate"): (C, C, "rated"),
    **{(s, "retype"): (s, s, "retyped") for s in (N, P, W, A)},
    **{(s, "mark_urgent"): (s, s, "urgency_changed") for s in (N, P, W, A)},
    (A, "comment_rating"): (A, A, "rating_commented"),
    (C, "comment_rating"): (C, C, "rating_commented"),
    **{(s, "reveal"): (s, s, "contact_revealed") for s in (N, P, W, A, C)},
    (N, "assign"): (P, P, "assigned"),
    **{(s, "assign"): (s, s, "assigned") for s in (P, W, A)},
    (A, "auto_close"): (C, C, "closed"),  # the system: no reaction to the answer in time
    **{(s, "callback_solved"): (s, s, "callback_solved") for s in (N, P, W, A, C)},
    **{(s, "callback_unsolved"): (s, s, "callback_unsolved") for s in (N, P, W, A, C)},
}

ALL_PAIRS = [(s.value, a.value) for s in Status for a in Action]


def test_every_pair_is_covered_by_the_expectation() -> None:
    assert len(ALL_PAIRS) == len(Status) * len(Action) == 5 * 21
    assert set(EXPECTED) <= set(ALL_PAIRS)
    assert set(TRANSITIONS) == set(EXPECTED)


@pytest.mark.parametrize(("status", "action"), ALL_PAIRS)
def test_transition(status: str, action: str) -> None:
    if (status, action) in EXPECTED:
        assigned_to, unassigned_to, kind = EXPECTED[(status, action)]
        tr = transition(status, action, assigned=True)
        assert (tr.old, tr.new, tr.event_kind) == (status, assigned_to, kind)
        tr = transition(status, action, assigned=False)
        assert (tr.new, tr.event_kind) == (unassigned_to, kind)
    else:
        with pytest.raises(InvalidTransition) as info:
            transition(status, action, number="2026-000001")
        err = info.value
        assert (err.current, err.action) == (status, action)
        zh, en = render_error(err, "zh"), render_error(err, "en")
        assert "2026-000001" in zh and "2026-000001" in en
        assert zh != en


def test_invalid_transition_message_names_status_and_action() -> None:
    with pytest.raises(InvalidTransition) as info:
        transition("closed", "reply", number="2026-000007")
    err = info.value
    assert render_error(err, "en") == "Cannot reply to ticket 2026-000007: it is closed."
    assert render_error(err, "zh") == "无法回复工单 2026-000007：当前状态为「已办结」。"


def test_closed_is_terminal_except_reopen_and_bookkeeping() -> None:
    assert set(allowed_actions("closed")) == {
        Action.NOTE,
        Action.REOPEN,
        Action.RATE,
        Action.COMMENT_RATING,
        Action.REVEAL,
        Action.CALLBACK_SOLVED,
        Action.CALLBACK_UNSOLVED,
    }
    assert Status.CLOSED not in OPEN_STATUSES and len(OPEN_STATUSES) == 4
