"""Text features of the router: the FAQ's analysis plus two things routing needs.

- English words are written one way first (:data:`faq.lexicon.EN_SYNONYMS`: British and
  American spellings, irregular forms, everyday near-synonyms), and a long English word
  also gives its first letters as a feature (``x:marri`` for married / marriage,
  ``x:vacci`` for vaccine / vaccination), since the FAQ's light stemmer keeps them apart.
- Adjacent English content words also count as a pair (``w:street light``), as Chinese
  character bigrams do: "street light" is not "traffic light".
- Where / when words ("门口", "每天晚上": :data:`faq.lexicon.ZH_ROUTE_FILLER`) are left out.
- Negation is kept: "没有电" and "no electricity" are about electricity all the same.
"""

from __future__ import annotations

import re
from functools import cache

from faq.features import Analyzer, stem
from faq.lexicon import EN_STOP, EN_SYNONYMS, ZH_ROUTE_FILLER
from faq.text import normalize

PREFIX = 5  # letters of an English word's prefix feature
PREFIX_MIN = 6  # ... for words (stems) at least this long
PREFIX_WEIGHT = 0.6  # a prefix feature counts less than the word itself (1.0)
PAIR_WEIGHT = 1.0  # an English word pair, as a Chinese character bigram
_LATIN = re.compile("[a-z]")
_FILLER = re.compile("|".join(re.escape(w) for w in ZH_ROUTE_FILLER))
_LATIN_RUN = re.compile(r"[a-z]+(?:['’][a-z]+)?|[^a-z\s]+")


@cache
def _en_synonyms() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    table = {form: canon for canon, forms in EN_SYNONYMS.items() for form in forms}
    if not table:
        return None, table
    forms = sorted(table, key=len, reverse=True)  # longest form first
    return re.compile(r"\b(?:" + "|".join(re.escape(f) for f in forms) + r")\b"), table


def prepare(text: str) -> str:
    """Normalised text (NFKC, lower case, Simplified) with English synonyms written one way
    and the where / when words of :data:`faq.lexicon.ZH_ROUTE_FILLER` left out."""
    norm = _FILLER.sub("，", normalize(text))
    pattern, table = _en_synonyms()
    if pattern is None or _LATIN.search(norm) is None:
        return norm
    return pattern.sub(lambda m: table[m.group(0)], norm)


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
