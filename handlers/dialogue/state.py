"""The conversation's state between two messages: typed and versioned.

One :class:`Conversation` per person and channel: the step they are in (a request form's
step, a follow-up, a rating's comment), the draft of a request, the recent questions behind
the "did this help?" buttons, attachments sent before a request, the open information request
they chose to skip. Channels store it as ``(step, data)`` (:meth:`Conversation.dump`,
:meth:`Conversation.load`): Telegram in aiogram's FSM (the database by default, Redis when
configured; written with the update's transaction), the web chat and WeChat in the database.

Version 1. Version 0 (the untyped FSM data written before this module, with aiogram state names
such as ``TicketForm:describe``) is read and carried over; anything unreadable starts a fresh
conversation (logged), never an error the person would see.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = [
    "RECENT_QUESTIONS",
    "Conversation",
    "Draft",
    "Pending",
    "RecentQuestion",
    "Step",
]

log = logging.getLogger(__name__)

VERSION = 1
RECENT_QUESTIONS = 5  # questions whose buttons still work
Step = Literal["describe", "department", "draft", "phone", "follow_up", "rating_comment"]
FORM_STEPS: tuple[Step, ...] = ("describe", "department", "draft", "phone")
_LEGACY_STEPS: dict[str, Step] = {
    "TicketForm:describe": "describe",
    "TicketForm:department": "department",
    "TicketForm:draft": "draft",
    "TicketForm:phone": "phone",
    "CitizenStep:follow_up": "follow_up",
    "CitizenStep:rating_comment": "rating_comment",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", validate_assignment=False)


class Location(_Model):
    latitude: float
    longitude: float


class RecentQuestion(_Model):
    """A question asked, what it matched, and what happened since (its gap-report row)."""

    text: str
    lang: str = "zh"
    entry: str | None = None  # the entry answered (or picked)
    score: float | None = None
    cands: list[str] = Field(default_factory=list)  # the entries suggested
    gap: int | None = None  # its unanswered_question row, once recorded
    feedback: bool = False  # 👍/👎 recorded for the answer shown


class Pending(_Model):
    """Attachments sent before a request: "Submit a request" attaches them."""

    photos: list[str] = Field(default_factory=list)
    documents: list[str] = Field(default_factory=list)
    location: Location | None = None


class Draft(_Model):
    """A request being written."""

    text: str = ""
    dept: str | None = None
    type: str = "consultation"
    urgent: bool = False
    type_chosen: bool = False
    urgent_chosen: bool = False
    photos: list[str] = Field(default_factory=list)
    documents: list[str] = Field(default_factory=list)
    location: Location | None = None
    phone: bool = False  # the person shared their phone for this request
    faq_entry: str | None = None
    gap_id: int | None = None
    lang: str = "zh"
    route: list[str] | None = None  # the router's candidates, best first (None: not asked)


class Conversation(_Model):
    """Everything a person's conversation keeps between messages (see the module doc)."""

    v: int = VERSION
    step: Step | None = None
    draft: Draft | None = None
    questions: dict[str, RecentQuestion] = Field(default_factory=dict)
    pending: Pending | None = None
    ticket: int | None = None  # the ticket a follow-up or a rating comment is for
    score: int | None = None  # the rating the comment goes with
    since: datetime | None = None  # when the current step began
    answers_off: datetime | None = None  # open info requests asked up to then are skipped

    # -- the steps --------------------------------------------------------------------------
    @property
    def in_form(self) -> bool:
        return self.step in FORM_STEPS and self.draft is not None

    def end_form(self) -> None:
        """Leave the form (and any step), keeping the recent questions."""
        self.step = None
        self.draft = None
        self.pending = None
        self.ticket = None
        self.score = None
        self.since = None

    # -- recent questions -------------------------------------------------------------------
    def remember(self, key: int, question: RecentQuestion) -> None:
        self.questions.pop(str(key), None)
        self.questions[str(key)] = question
        while len(self.questions) > RECENT_QUESTIONS:
            self.questions.pop(next(iter(self.questions)))

    def recall(self, key: int) -> RecentQuestion | None:
        return self.questions.get(str(key))

    def forget(self, key: int) -> None:
        self.questions.pop(str(key), None)

    def gap_ids(self) -> list[int]:
        """The gap-report rows of the recent questions and of the open draft (erasure)."""
        ids = [q.gap for q in self.questions.values()]
        if self.draft is not None:
            ids.append(self.draft.gap_id)
        return [i for i in ids if isinstance(i, int)]

    # -- storage ----------------------------------------------------------------------------
    def dump(self) -> tuple[str | None, dict[str, Any]]:
        """``(step, data)`` to store; ``(None, {})`` when there is nothing to keep."""
        data = self.model_dump(mode="json", exclude_defaults=True, exclude={"step"})
        if not data and self.step is None:
            return None, {}
        data["v"] = VERSION
        return self.step, data

    @classmethod
    def load(cls, step: str | None, data: dict[str, Any] | None) -> Conversation:
        """The conversation stored as ``(step, data)``, from any version."""
        raw = dict(data or {})
        version = raw.pop("v", 0)
        if version > VERSION:
            log.warning(
                "conversation state version %s is newer than %s: starting afresh", version, VERSION
            )
            return cls()
        step = _LEGACY_STEPS.get(step or "", step)
        if version == 0:
            raw = _from_v0(raw)
        try:
            return cls.model_validate({**raw, "step": step or None})
        except ValidationError as exc:
            log.warning("unreadable conversation state, starting afresh: %s", exc.errors()[:1])
            return cls()


def _from_v0(raw: dict[str, Any]) -> dict[str, Any]:
    """Version 0: the same names, but loosely typed (``since``/``answers_off`` as strings,
    questions without ``feedback``, drafts with ``location`` dicts) — pydantic reads them;
    only values pydantic would refuse are dropped here."""
    questions = raw.get("questions")
    if isinstance(questions, dict):
        raw["questions"] = {k: q for k, q in questions.items() if isinstance(q, dict)}
    else:
        raw.pop("questions", None)
    for key in ("draft", "pending"):
        if not isinstance(raw.get(key), dict):
            raw.pop(key, None)
    return raw
