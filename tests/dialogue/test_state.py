"""The conversation state: typed, versioned, and readable from what older versions stored."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.dialogue.state import RECENT_QUESTIONS, Conversation, Draft, RecentQuestion


def test_a_round_trip_keeps_everything_and_stores_nothing_when_empty() -> None:
    empty = Conversation()
    assert empty.dump() == (None, {})
    c = Conversation(step="draft", draft=Draft(text="路灯坏了", dept="roads", photos=["p1"]))
    c.remember(7, RecentQuestion(text="路灯坏了", cands=["a", "b"], gap=3))
    c.since = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    step, data = c.dump()
    assert step == "draft" and data["v"] == 1
    again = Conversation.load(step, data)
    assert again == c


def test_version_0_as_written_by_the_aiogram_handlers_is_carried_over() -> None:
    data = {
        "questions": {"41": {"text": "how?", "lang": "en", "entry": "x", "score": 80.0, "cands": []}},
        "draft": {"text": "noise", "dept": None, "type": "complaint", "photos": [], "phone": False,
                  "location": {"latitude": 30.5, "longitude": 114.3}, "lang": "en"},
        "since": "2026-11-30T08:00:00+00:00",
    }  # fmt: skip
    c = Conversation.load("TicketForm:department", data)
    assert c.step == "department" and c.in_form
    assert c.draft is not None and c.draft.location is not None
    assert c.draft.location.latitude == 30.5
    assert c.recall(41) is not None and c.recall(41).entry == "x"  # type: ignore[union-attr]
    assert c.since == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert Conversation.load("CitizenStep:follow_up", {"ticket": 12}).ticket == 12


def test_unreadable_or_newer_state_starts_afresh() -> None:
    assert Conversation.load("draft", {"v": 1, "draft": "not a draft"}) == Conversation()
    assert Conversation.load("no-such-step", {}) == Conversation()
    assert Conversation.load("draft", {"v": 99, "draft": {"text": "x"}}) == Conversation()


def test_only_the_recent_questions_are_remembered() -> None:
    c = Conversation()
    for key in range(RECENT_QUESTIONS + 2):
        c.remember(key, RecentQuestion(text=f"q{key}"))
    assert [int(k) for k in c.questions] == list(range(2, RECENT_QUESTIONS + 2))
    c.remember(3, RecentQuestion(text="asked again"))  # moves to the end
    assert list(c.questions)[-1] == "3"
    c.forget(3)
    assert c.recall(3) is None
