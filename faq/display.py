"""How an entry is shown to a citizen: which of its questions to put on a suggestion button."""

from __future__ import annotations

from rapidfuzz import fuzz, utils

from faq.models import Entry
from faq.text import detect_language

__all__ = ["question_for"]


def question_for(entry: Entry, lang: str, query: str | None = None) -> str:
    """The entry's question in ``lang`` closest to ``query`` (the first one without a query);
    any language when the entry has no question in ``lang``."""
    same = [q for q in entry.questions if detect_language(q) == lang] or list(entry.questions)
    if not query or len(same) == 1:
        return same[0]
    return max(
        same,
        key=lambda q: fuzz.partial_ratio(query, q, processor=utils.default_process),
    )
