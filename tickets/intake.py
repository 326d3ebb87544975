"""Ticket intake rules: which department and which demand type a citizen's text suggests.

Pure functions over the departments configuration; the citizen can always change the guess.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from tickets.deptconfig import DEMAND_TYPES, DeskConfig

__all__ = [
    "DEMAND_TYPE_WORDS",
    "MATCH_TEXT_MAX",
    "MAX_TICKET_TEXT",
    "DepartmentGuess",
    "append_text",
    "guess_demand_type",
    "guess_department",
    "text_for_matching",
]

MAX_TICKET_TEXT = 4000  # TicketService's limit: a longer message is kept up to this
MATCH_TEXT_MAX = 500  # the FAQ matcher sees at most this many characters
TRUNCATED = " […]"

# Checked in this order: the first type with a word in the text wins; consultation otherwise.
DEMAND_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "report": (
        "举报",
        "违法",
        "违规",
        "偷排",
        "非法",
        "黑作坊",
        "诈骗",
        "illegal",
        "illegally",
        "violation",
        "fraud",
        "whistle",
        "bribe",
        "dumping",
    ),
    "complaint": (
        "投诉",
        "不满",
        "态度差",
        "态度恶劣",
        "太差",
        "扰民",
        "不作为",
        "乱收费",
        "complain",
        "complaint",
        "rude",
        "unacceptable",
        "overcharged",
        "disgrace",
    ),
    "suggestion": (
        "建议",
        "提议",
        "希望能",
        "能否增加",
        "能不能增加",
        "意见",
        "suggest",
        "suggestion",
        "proposal",
        "propose",
        "would be nice",
        "should add",
    ),
    "help": (
        "求助",
        "帮忙",
        "帮帮",
        "救助",
        "坏了",
        "漏水",
        "停水",
        "停电",
        "堵了",
        "损坏",
        "困难",
        "help",
        "broken",
        "leak",
        "leaking",
        "not working",
        "blocked",
        "stuck",
        "damaged",
    ),
}
assert set(DEMAND_TYPE_WORDS) | {"consultation"} == set(DEMAND_TYPES)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _has(text: str, word: str) -> bool:
    if word.isascii():
        padded = f" {''.join(c if c.isalnum() else ' ' for c in text)} "
        return f" {word} " in padded
    return word in text


def guess_demand_type(text: str) -> str:
    """``consultation`` unless the text has a word of another type (see DEMAND_TYPE_WORDS)."""
    folded = _fold(text)
    for demand_type, words in DEMAND_TYPE_WORDS.items():
        if any(_has(folded, w) for w in words):
            return demand_type
    return "consultation"


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
