"""Ticket intake rules: which department, which demand type and whether urgency a citizen's
text suggests.

Pure functions of the text (and the departments configuration); the citizen can always change
the guess in the form, and staff later with ``/type`` and ``/urgent``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from tickets.config.desk import DeskConfig
from tickets.demand_cues import analyse
from tickets.demand_model import load_model
from tickets.lifecycle import DEMAND_TYPES
from tickets.urgency import URGENT_SCORE

__all__ = [
    "MATCH_TEXT_MAX",
    "MAX_TICKET_TEXT",
    "DepartmentGuess",
    "append_text",
    "demand_type_scores",
    "guess_demand_type",
    "guess_department",
    "guess_urgent",
    "text_for_matching",
]

MAX_TICKET_TEXT = 4000  # TicketService's limit: a longer message is kept up to this
MATCH_TEXT_MAX = 500  # the FAQ matcher sees at most this many characters
TRUNCATED = " […]"

# -- demand type and urgency ------------------------------------------------------------------
# The type is the demand model's best guess (tickets/demand_model.py: a logistic regression over
# the structural cues of tickets/demand_cues.py — what the sentence does: asks how or where,
# voices dissatisfaction, denounces someone else's wrongdoing, states a difficulty, proposes —
# and character n-grams, trained on tickets/data/demand_training.jsonl), except that a person
# in danger (a gas smell, a fire, someone trapped, missing, unconscious, threatening suicide,
# water rising indoors) is always a call for help. Urgency comes from the danger lexicon of
# tickets/urgency.py. Measured on labelled sets the rules and the model never saw
# (tests/tickets/data/; ``python -m tests.tickets.demand_eval``).
_PERSON_DANGER = (
    "gas",
    "fire",
    "trapped",
    "missing",
    "gone",
    "medical",
    "suicide",
    "water",
    "supply",
)
_PUBLIC_HAZARD = ("electric", "structure")  # a sparking box, a fallen tree: a report


def demand_type_scores(text: str) -> dict[str, float]:
    """The probability of each demand type for ``text`` according to the demand model."""
    return load_model().scores(text)


def guess_demand_type(text: str) -> str:
    """The demand type the text reads as (one of DEMAND_TYPES)."""
    danger = analyse(text).danger
    strong = {name for name, value in danger.items() if value >= URGENT_SCORE}
    if strong & set(_PERSON_DANGER) and not strong & set(_PUBLIC_HAZARD):
        return "help"
    scores = demand_type_scores(text)
    return max(DEMAND_TYPES, key=lambda kind: scores.get(kind, 0.0))


def guess_urgent(text: str) -> bool:
    """Whether the text describes an emergency (danger to people, a gas leak, a fire, someone
    trapped or missing, a live wire down, no heating in the cold for a vulnerable person...):
    the form proposes the urgent flag, the citizen decides."""
    return sum(analyse(text).danger.values()) >= URGENT_SCORE


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _has(text: str, word: str) -> bool:
    if word.isascii():
        padded = f" {''.join(c if c.isalnum() else ' ' for c in text)} "
        return f" {word} " in padded
    return word in text


@dataclass(frozen=True)
class DepartmentGuess:
    slug: str | None
    source: str  # "faq" | "keywords" | "none"


def guess_department(
    text: str, config: DeskConfig, faq_department: str | None = None
) -> DepartmentGuess:
    """The closest FAQ entry's department when configured; else the department whose keywords
    the text mentions most (a tie means no guess); else none (the citizen chooses)."""
    if faq_department and config.get(faq_department) is not None:
        return DepartmentGuess(faq_department, "faq")
    folded = _fold(text)
    scores: dict[str, int] = {}
    for slug, dept in config.departments.items():
        hits = sum(1 for k in dept.keywords if k and _has(folded, _fold(k)))
        if hits:
            scores[slug] = hits
    if scores:
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            return DepartmentGuess(ranked[0][0], "keywords")
    return DepartmentGuess(None, "none")


def _cap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - len(TRUNCATED)].rstrip() + TRUNCATED


def text_for_matching(text: str) -> str:
    """A very long message is matched on its beginning (the question is usually there)."""
    return text.strip()[:MATCH_TEXT_MAX]


def append_text(current: str, addition: str, limit: int = MAX_TICKET_TEXT) -> str:
    """The ticket text with the citizen's next message added, within the ticket's limit."""
    addition = addition.strip()
    combined = f"{current.rstrip()}\n{addition}" if current.strip() else addition
    return _cap(combined, limit)


def cap_ticket_text(text: str, limit: int = MAX_TICKET_TEXT) -> str:
    return _cap(text.strip(), limit)
