"""Text features of the router: the FAQ's analysis plus two things routing needs.

- English words are written one way first (:data:`faq.lexicon.EN_SYNONYMS`: British and
  American spellings, irregular forms, everyday near-synonyms), and a long English word
  also gives its first letters as a feature (``x:marri`` for married / marriage,
  ``x:vacci`` for vaccine / vaccination), since the FAQ's light stemmer keeps them apart.
- Adjacent English content words also count as a pair (``w:street light``), as Chinese
  character bigrams do: "street light" is not "traffic light".
- English words lose their endings (:func:`lemma`: "parked", "parking" -> ``park``) and
  accents ("fiancée" -> "fiancee").
- Where / when words ("门口", "每天晚上", "outside": :data:`faq.lexicon.ZH_ROUTE_FILLER`,
  :data:`faq.lexicon.EN_ROUTE_FILLER`) and what every demand says ("希望相关部门尽快处理",
  "problem": :data:`faq.lexicon.ZH_ROUTE_BOILERPLATE`) are left out.
- Negation is kept: "没有电" and "no electricity" are about electricity all the same.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from faq.features import Analyzer, stem
from faq.lexicon import (
    EN_ROUTE_FILLER,
    EN_STOP,
    EN_SYNONYMS,
    ZH_ROUTE_BOILERPLATE,
    ZH_ROUTE_FILLER,
)
from faq.text import normalize, split_pinyin

PREFIX = 5  # letters of an English word's prefix feature
PREFIX_MIN = 6  # ... for words (stems) at least this long
PREFIX_WEIGHT = 0.6  # a prefix feature counts less than the word itself (1.0)
PAIR_WEIGHT = 1.0  # an English word pair, as a Chinese character bigram
_LATIN = re.compile("[a-z]")
_FILLER = re.compile(
    "|".join(
        re.escape(w)
        for w in sorted({*ZH_ROUTE_FILLER, *ZH_ROUTE_BOILERPLATE}, key=len, reverse=True)
    )
)
_LATIN_RUN = re.compile(r"[a-z]+(?:['’][a-z]+)?|[^a-z\s]+")
_ACCENTED = re.compile("[\u00c0-\u024f]")
_WORD = re.compile(r"[a-z]+")
_VOWEL = re.compile("[aeiouy]")
_UNDOUBLE = frozenset("bdgmnprt")  # stopped -> stop, but filled -> fill, missed -> miss
LEMMA_MIN = 5  # shorter English words keep their form


@cache
def _en_synonyms() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    table = {form: canon for canon, forms in EN_SYNONYMS.items() for form in forms}
    if not table:
        return None, table
    forms = sorted(table, key=len, reverse=True)  # longest form first
    return re.compile(r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")\b"), table


def lemma(word: str) -> str:
    """An English word without its inflection or final e, the same for every form:
    "charged", "charges", "charge" -> ``charg``; "parking", "parked" -> ``park``. Stop words
    and short words keep their form, and a word that reads as pinyin ("gongche") its final e
    (pinyin never ends in -s or -ed; a pinyin word in -ing loses it: rare in demands)."""
    if len(word) < LEMMA_MIN or word in EN_STOP:
        return word
    base = word
    if word.endswith(("ies", "ied")):
        base = word[:-3] + "y"
    elif word.endswith("ing") and len(word) > LEMMA_MIN:
        base = word[:-3]
    elif word.endswith("ed") and not word.endswith("eed"):
        base = word[:-2]
    else:
        base = stem(word)
    if _VOWEL.search(base[:-1] if len(base) > 1 else "") is None or len(base) < 3:
        return word
    if base != word and len(base) > 3 and base[-1] == base[-2] and base[-1] in _UNDOUBLE:
        base = base[:-1]
    if len(base) > 3 and base.endswith("e") and split_pinyin(base) is None:
        base = base[:-1]
    return base


@cache
def _en_filler() -> frozenset[str]:
    return frozenset(lemma(w) for w in EN_ROUTE_FILLER)


def _english(match: re.Match[str]) -> str:
    base = lemma(match.group(0))
    return "," if base in _en_filler() else base


def _unaccent(match: re.Match[str]) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", match.group(0)) if not unicodedata.combining(c)
    )


def prepare(text: str) -> str:
    """Normalised text (NFKC, lower case, Simplified) with English synonyms written one way,
    English words as their :func:`lemma`, and the where / when / boilerplate words
    (:data:`faq.lexicon.ZH_ROUTE_FILLER`, :data:`faq.lexicon.ZH_ROUTE_BOILERPLATE`,
    :data:`faq.lexicon.EN_ROUTE_FILLER`) left out."""
    norm = _FILLER.sub("，", normalize(text))
    if _LATIN.search(norm) is None:
        return norm
    norm = _ACCENTED.sub(_unaccent, norm)
    pattern, table = _en_synonyms()
    if pattern is not None:
        norm = pattern.sub(lambda m: table[m.group(0)], norm)
    return _WORD.sub(_english, norm)


def features(analyzer: Analyzer, text: str) -> dict[str, float]:
    """Feature -> kind weight of a text (see the module docstring)."""
    prepared = prepare(text)
    feats = analyzer.analyze(prepared).features
    out = dict(feats)
    for f in feats:
        if f[0] == "e" and len(f) - 2 >= PREFIX_MIN and f[2:].isalpha():
            out.setdefault("x:" + f[2 : 2 + PREFIX], PREFIX_WEIGHT)
    if _LATIN.search(prepared) is not None:
        prev = ""
        for token in _LATIN_RUN.findall(prepared):
            if not token[0].isalpha() or token in EN_STOP:
                prev = ""  # punctuation, digits, Han text or a stop word end a pair
                continue
            word = stem(token)
            if prev:
                out.setdefault(f"w:{prev} {word}", PAIR_WEIGHT)
            prev = word
    return out
