"""Department profiles: the phrases that say what each department handles.

A profile is built from the signals a city has (weights in :data:`SOURCE_WEIGHT`):

- ``duty``: the department's responsibilities (``duties:`` in the departments file, a
  权责清单 of short phrases in zh and en) — strong;
- ``keyword``: the department's keywords — strong;
- ``faq`` / ``faq-keyword``: the questions and keywords of the FAQ entries assigned to the
  department — medium;
- ``name``: the department's own names — weak.

The router (:mod:`faq.routing.router`) analyses every phrase with the FAQ's text pipeline
(:mod:`faq.routing.text`); a feature's weight in a department is the strongest source that
has it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from faq.features import Analyzer, english_vocabulary
from faq.models import Entry
from faq.routing.text import prepare

SOURCE_WEIGHT: dict[str, float] = {
    "duty": 1.0,
    "keyword": 1.0,
    "faq": 0.7,
    "faq-keyword": 0.7,
    "name": 0.5,
}
# The pieces of a duty or keyword (split at punctuation and "和 / and / or") of at most this
# many Han characters or English words are also whole-phrase features (``k:``): a demand
# that says one word for word ("垃圾分类", "street light") is strong evidence.
PIECE_MAX_ZH = 8
PIECE_MAX_EN = 3
# Shorter pieces are features already (a character bigram, an English word): not twice.
PIECE_MIN_ZH = 3
PIECE_MIN_EN = 2
# English words shorter than this are not typo-corrected ("over" is no slip for "cover").
CORRECT_MIN = 5
_PIECE_SPLIT = re.compile(r"[,，、;；:：()（）/·.。!?！？]|\s+(?:and|or)\s+|[和及与或]")
# The words that join the items of a duty or keyword list ("变更和注销", "电梯、锅炉等特种设备"):
# no character pair across them is a word of the department ("更和", "炉等").
_LIST_JOINERS = re.compile("[和及与或等]")
LIST_SOURCES = frozenset({"duty", "keyword"})


class DepartmentLike(Protocol):
    """What the router needs of a department (``tickets.config.desk.DepartmentConfig`` fits)."""

    @property
    def slug(self) -> str: ...

    @property
    def name(self) -> Mapping[str, str]: ...

    @property
    def keywords(self) -> Sequence[str]: ...

    @property
    def duty_phrases(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Phrase:
    """One piece of a department's profile."""

    slug: str
    source: str  # duty | keyword | faq | faq-keyword | name
    text: str


def profile_phrases(
    departments: Iterable[DepartmentLike], entries: Iterable[Entry] = ()
) -> list[Phrase]:
    """Every phrase of every department's profile, in a stable order."""
    out: list[Phrase] = []
    known: set[str] = set()
    for dept in departments:
        known.add(dept.slug)
        out.extend(Phrase(dept.slug, "duty", d) for d in dept.duty_phrases)
        out.extend(Phrase(dept.slug, "keyword", k) for k in dept.keywords)
        out.extend(Phrase(dept.slug, "name", n) for n in dict.fromkeys(dept.name.values()))
    for entry in entries:
        slug = entry.department
        if slug is None or slug not in known:
            continue
        out.extend(Phrase(slug, "faq", q) for q in entry.questions)
        out.extend(Phrase(slug, "faq-keyword", k) for k in entry.keywords)
    return out


def indexed_text(phrase: Phrase) -> str:
    """The text of a phrase as it is analysed: a duty's or keyword's list joiners are breaks."""
    if phrase.source in LIST_SOURCES:
        return _LIST_JOINERS.sub("，", phrase.text)
    return phrase.text


def pieces(text: str) -> list[str]:
    """The short pieces of a phrase: "路灯不亮和路灯维修" -> 路灯不亮, 路灯维修."""
    out = []
    for piece in _PIECE_SPLIT.split(text):
        piece = piece.strip()
        if not piece:
            continue
        if piece.isascii():
            if PIECE_MIN_EN <= len(piece.split()) <= PIECE_MAX_EN:
                out.append(piece)
        elif PIECE_MIN_ZH <= len(piece) <= PIECE_MAX_ZH:
            out.append(piece)
    return out


def build_analyzer(phrases: Sequence[Phrase]) -> Analyzer:
    """The FAQ analyzer, knowing the profiles' short pieces and English words (typos of
    words of :data:`CORRECT_MIN` letters or more are corrected to them), keeping negated
    words."""
    short: dict[str, None] = {}
    for phrase in phrases:
        if phrase.source != "faq" or len(phrase.text) <= PIECE_MAX_ZH:
            short.update(dict.fromkeys(prepare(p) for p in pieces(phrase.text)))
    vocab = english_vocabulary(prepare(p.text) for p in phrases)
    return Analyzer(keywords=short, english_vocab=vocab, negation=False, correct_min=CORRECT_MIN)
