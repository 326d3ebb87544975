"""A second, recall-oriented retrieval channel for suggestions (never for answers).

The precise matcher (:mod:`faq.knowledge_base`) scores a message against each entry's
*questions*; a long colloquial message that describes a situation often shares little
with them but a good deal with the entry's *answer* (which names the offices, documents
and everyday words of the service). This index treats each entry as one document made
of three fields (questions, keywords, answer) and scores a message with BM25 over the
same features the analyser produces (character bigrams and unigrams, pinyin bigrams,
English stems, keywords, intents), with field weights.

Its ranking fills the suggestion slots the precise matcher leaves free, and offers
suggestions when the precise matcher would say nothing, provided the evidence is real:
the best entry shares informative features with the message (an IDF mass calibrated
nowhere near stop words). It never answers, so it cannot add a wrong answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from faq.features import Analysis, Analyzer

# Field weights: a feature in an entry's questions or keywords says more than one in its
# answer (answers are longer and mention neighbouring services).
FIELD_WEIGHT = {"q": 1.0, "k": 1.0, "a": 0.45}
# Feature kinds and their weight in this channel (unigrams are weak evidence alone; intents
# are generic and count for the ranking, never as evidence).
# Pinyin bigrams (p:) are not used: they repeat the bigrams and measured no gain here.
KIND = {"b": 1.0, "u": 0.25, "k": 1.3, "e": 1.0, "i": 0.3}
K1 = 1.2
B = 0.5
# Suggestions need the best entry's evidence (the score without the generic intents) to
# reach this share of what one feature unique to an entry weighs (its IDF): a single
# common character is no evidence; one rare bigram, or a few weaker hits, are.
MIN_EVIDENCE = 0.8
MIN_IDF = 0.4  # features in about two thirds of the entries or more are not indexed
# A query skips features whose posting list is longer than this (or 5% of a large base):
# they weigh little and would make a 10,000-entry base slow.
MAX_POSTINGS = 256


@dataclass(frozen=True)
class Hit:
    entry: int
    score: float
    evidence: float  # the score without the intents: what the message shares with the entry


class RecallIndex:
    """Entry-level field-weighted BM25 over questions, keywords and answer."""

    def __init__(
        self,
        analyzer: Analyzer,
        fields: Sequence[tuple[Sequence[str], Sequence[str], Sequence[str]]],
    ) -> None:
        n = len(fields)
        docs: list[dict[str, float]] = []
        lengths: list[float] = []
        for questions, keywords, answers in fields:
            weights: dict[str, float] = {}
            for name, texts in (("q", questions), ("k", keywords), ("a", answers)):
                fw = FIELD_WEIGHT[name]
                for text in texts:
                    a = analyzer.analyze(text, situations=False)
                    for f in a.features:
                        if f[0] in KIND and fw > weights.get(f, 0.0):
                            weights[f] = fw
            docs.append(weights)
            lengths.append(float(sum(1 for f in weights if f[0] == "b")) or 1.0)
        df: dict[str, int] = {}
        for weights in docs:
            for f in weights:
                df[f] = df.get(f, 0) + 1
        avg = sum(lengths) / max(1, n)
        idf = {f: math.log(1.0 + (n - c + 0.5) / (c + 0.5)) for f, c in df.items()}
        postings: dict[str, list[tuple[int, float]]] = {}
        for e, weights in enumerate(docs):
            norm = K1 * (1 - B + B * lengths[e] / avg)
            for f, w in weights.items():
                if idf[f] < MIN_IDF:  # in most entries: no evidence, only cost
                    continue
                # A binary-tf BM25 term with the field weight as the term frequency, times
                # the kind weight and the IDF (precomputed: a query only adds them up).
                tf = w * (K1 + 1) / (w + norm)
                postings.setdefault(f, []).append((e, KIND[f[0]] * idf[f] * tf))
        self._postings = {f: tuple(p) for f, p in postings.items()}
        self.size = n
        self._cap = max(MAX_POSTINGS, n // 20)
        self.min_evidence = MIN_EVIDENCE * math.log(1.0 + (n - 0.5) / 1.5)

    def search(self, analysis: Analysis, limit: int = 5, exclude: int | None = None) -> list[Hit]:
        scores: dict[int, float] = {}
        generic: dict[int, float] = {}  # the intents' share of the score (no evidence)
        postings = self._postings
        cap = self._cap
        for f in analysis.features:
            plist = postings.get(f)
            if plist is None or len(plist) > cap:
                continue
            acc = generic if f[0] == "i" else scores
            for e, w in plist:
                acc[e] = acc.get(e, 0.0) + w
        if exclude is not None:
            scores.pop(exclude, None)
            generic.pop(exclude, None)
        total = dict(scores)
        for e, w in generic.items():
            total[e] = total.get(e, 0.0) + w
        best = sorted(total, key=total.__getitem__, reverse=True)[:limit]
        return [Hit(e, total[e], scores.get(e, 0.0)) for e in best]
