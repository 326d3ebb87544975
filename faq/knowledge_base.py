"""The immutable knowledge base: entries plus the index built once at load.

Scoring (all weights are IDF x kind weight, see :mod:`faq.features`):

- ``dcov``: the share of an entry's best-covered question that the query covers,
- ``qcov``: the share of the query that the entry (its questions and keywords) covers,
- ``sim = F_beta(dcov, qcov)`` with a length-adaptive beta: once the message is more than
  ``LONG_RATIO`` times as long as the question, beta^2 grows with the ratio (up to
  ``MAX_BETA2``) so a long chatty message that contains the question still scores high,
- penalties: an action intent the entry lacks (either way), and a feature the message
  explicitly rules out ("不是补办，是第一次办") found in the entry,
- then blended with rapidfuzz ``ratio`` on the normalised texts for the few best entries.

The decision compares the best score and its lead over the runner-up with thresholds
calibrated from the knowledge base itself (:mod:`faq.calibration`) unless set. A direct
answer also needs fixed conditions (:attr:`Scored.answerable`): the entry explains at
least half of the message (``qcov``, where an intent phrase also counts as its intent),
it has at least half of the knowledge-base keywords the message names (``kcov``: a
message about 公积金 is not answered by a 社保 entry however alike the rest), and the
message asks no action the entry lacks, and no topic swap: the message names a topic
family (a term in the keywords of ``FAMILY_ENTRIES`` or more entries: 社保, 公积金) the
entry lacks while the entry's best question has such a term the message lacks
("灵活就业人员怎么交社保" is not "…缴存公积金"), and no near miss: what the message asks
names nothing the entry never speaks of (:mod:`faq.nearmiss`: "养猫需要办登记吗" is not the
dog entry's question, "…可以提前还吗" not the loan application's).

A long message (``LONG_FACTOR`` times its best question) explains little of itself, so
it is answered instead when it names the entry, covers ``Thresholds.long_coverage`` of
one question (calibrated on chatter-wrapped probes) and leads by ``LONG_MARGIN``.
Suggestions keep free slots for entries whose keywords the message names.

When the decision is not an answer, the recall channel (:mod:`faq.retrieval`: BM25 over
each entry's questions, keywords and answer) fills the free suggestion slots, and the best
entry is answered after all when both channels agree on it (:meth:`KnowledgeBase.agreeable`)
within the calibrated ``Thresholds.agree_slack`` under the answer score.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import NamedTuple

from rapidfuzz.distance import Indel

from faq.features import KIND_WEIGHT, Analysis, Analyzer, english_vocabulary, stem
from faq.lexicon import is_chitchat
from faq.models import Candidate, Entry, MatcherConfig, MatchResult, Thresholds
from faq.nearmiss import Scope
from faq.retrieval import Hit, RecallIndex
from faq.semantic import SemanticIndex
from faq.text import canonical, normalize

log = logging.getLogger(__name__)

BETA2 = 1.0
MAX_BETA2 = 4.0
LONG_RATIO = 1.5  # a message this many times longer than the question counts as long
RATIO_WEIGHT = 0.2
RERANK = 5  # entries re-ranked with rapidfuzz
# Entries scored exactly (phase 2) out of those the selective features reach. 12 or 16 gave
# the same decisions on the dev, held-out and perturbation sets and cost ~20% less per
# query, but moved the calibrated thresholds of the synthetic 10,000-entry base (fewer
# confusable entries scored, fewer false-answer probes): kept at 24 until a large real
# knowledge base shows what it does there.
PHASE2 = 24
# Topic families: keyword features (keywords, their bigrams, pinyin, English words) that
# the keywords of FAMILY_ENTRIES or more entries share (with 2, a dev paraphrase lost its
# direct answer; 3 caught the swap on perturbation sets with no loss).
TOPIC_TERM_KINDS = "kbep"
FAMILY_ENTRIES = 3
TOPIC_KINDS = "k"  # feature kinds that name a topic for kcov (k: = declared keywords)
MIN_ANSWER_KCOV = 0.5  # ... and name the entry's topic: half of its keywords (by weight)
LONG_FACTOR = 2.0  # a message this many times longer than its best question is long
LONG_MARGIN = 15.0  # lead a long message needs when answered on entry coverage (12 let a
# confusable through on the held-out set: 暖气费交过了，但是暖气一直不热 -> the fee entry)
# ... and its score may be this much under the answer score: chatter dilutes the score of
# a long message, not the lead of the entry it names over the others.
LONG_SCORE_SLACK = 10.0
MIN_ANSWER_QCOV = 0.5  # an answer must explain at least this share of the message
# When the recall channel (faq.retrieval) names the same best entry, leading its runner-up
# AGREE_RATIO times, the message may be explained a little less (AGREE_QCOV) and the score
# be Thresholds.agree_slack (calibrated) under the answer score.
AGREE_QCOV = 0.4
AGREE_RATIO = 2.0
# Entry-level evidence: message words the best question lacks but another question or the
# keywords of the same entry have raise dcov by SUPPORT_WEIGHT x their share of the message,
# at most MAX_SUPPORT, when the entry explains SUPPORT_MIN_QCOV of the message and the
# message names one of its keywords (without both, near-miss siblings got answered).
SUPPORT_WEIGHT = 0.5
MAX_SUPPORT = 0.3
SUPPORT_MIN_QCOV = 0.6
NEGATED_PENALTY = 0.7  # the entry's question is about what the message rules out
INTENT_PENALTY = 0.8  # per direction: the message asks an action the entry lacks, or v.v.
ACTION_INTENTS = frozenset(
    "i:" + c
    for c in (
        "lost damaged expire first pay query transfer cancel change book complain withdraw "
        "outage fine reimburse subsidy refund"
    ).split()
)  # entries scored exactly after the first, approximate pass


@dataclass(frozen=True)
class _Doc:
    entry: int
    features: dict[str, float]  # feature -> weight (kind x IDF)
    total: float
    text: str
    is_keywords: bool
    question: int  # index in the entry's questions, -1 for the keywords document
    actions: frozenset[str]  # action intents of this question
    content: int  # informative characters of the question


class Scored(NamedTuple):
    """One ranked entry (a named tuple: built for every candidate of every query)."""

    entry: int
    score: float  # 0..100
    dcov: float
    qcov: float
    conflict: bool = False  # the message asks for an action this entry does not cover
    kcov: float = 1.0  # share of the message's knowledge-base keywords this entry has
    named: bool = False  # the message names one of this entry's keywords
    swapped: bool = False  # topic swap (see the module docstring)
    long: bool = False  # the message is LONG_FACTOR times as long as its best question
    near_miss: bool = False  # the message asks what the entry never speaks of (faq.nearmiss)

    def rescored(self, score: float) -> Scored:
        # tuple.__new__ directly: NamedTuple._replace costs more than the rest of a re-rank.
        return tuple.__new__(Scored, (self[0], score, *self[2:]))

    def covers_question(self, margin: float, coverage: float) -> bool:
        """A long message around one question: it names the entry, covers ``coverage``
        of one of its questions and leads by far, though chatter leaves qcov low."""
        return (
            self.long
            and self.dcov >= coverage
            and margin >= LONG_MARGIN
            and self.named
            and self.kcov >= MIN_ANSWER_KCOV
            and not self.conflict
            and not self.swapped
            and not self.near_miss
        )

    @property
    def answerable(self) -> bool:
        """Fixed conditions of a direct answer, before the calibrated thresholds."""
        return (
            self.qcov >= MIN_ANSWER_QCOV
            and self.kcov >= MIN_ANSWER_KCOV
            and not self.conflict
            and not self.swapped
            and not self.near_miss
        )


class KnowledgeBase:
    """Entries and their index. Immutable once built; share it freely between tasks."""

    def __init__(
        self,
        entries: Sequence[Entry],
        analyzer: Analyzer,
        docs: list[_Doc],
        idf: dict[str, float],
        unknown_idf: float,
        postings: dict[str, tuple[int, ...]],
        config: MatcherConfig,
        source: Path | None,
    ) -> None:
        self._entries = tuple(entries)
        self._by_id = {e.id: i for i, e in enumerate(self._entries)}
        self._analyzer = analyzer
        self._docs = docs
        self._entry_docs: list[list[int]] = [[] for _ in self._entries]
        self._entry_actions: list[set[str]] = [set() for _ in self._entries]
        self._entry_feats: list[set[str]] = [set() for _ in self._entries]
        for i, d in enumerate(docs):
            self._entry_docs[d.entry].append(i)
            self._entry_feats[d.entry].update(d.features)
            self._entry_actions[d.entry].update(f for f in d.features if f in ACTION_INTENTS)
        self._idf = idf
        self._unknown_idf = unknown_idf
        self._postings = postings
        entry_postings: dict[str, tuple[int, ...]] = {}
        for f, plist in postings.items():
            entry_postings[f] = tuple(dict.fromkeys(docs[d].entry for d in plist))
        self._entry_postings = entry_postings
        self._selective = max(64, len(self._entries) // 40)
        # Topic terms: what the administrators' keywords are made of (keywords, their
        # Chinese bigrams and English words).
        family: dict[str, int] = {}
        for d in docs:
            if d.is_keywords:
                for f in d.features:
                    if f[0] in TOPIC_TERM_KINDS:
                        family[f] = family.get(f, 0) + 1
        self._topic = frozenset(f for f, c in family.items() if c >= FAMILY_ENTRIES)
        # Per question: its topic terms (the swap check runs for every candidate); only
        # the questions that have some, to keep the index small.
        topic = self._topic
        self._doc_topic: dict[int, tuple[str, ...]] = {}
        for i, d in enumerate(docs):
            if d.is_keywords:  # never a best question
                continue
            terms = tuple(f for f in d.features if f in topic)
            if terms:
                self._doc_topic[i] = terms
        self._scopes: list[Scope | None] = [None] * len(self._entries)  # built in build()
        # Entries with an expiry date (an expired entry is offered, never answered).
        self._expires = {i: e.expires for i, e in enumerate(self._entries) if e.expires}
        self.recall: RecallIndex | None = None  # faq.retrieval, built in build()
        self.semantic: SemanticIndex | None = None  # faq.semantic, when configured
        self.semantic_error: str | None = None
        self.config = config
        self.source = source
        self.thresholds = Thresholds(70.0, 35.0, 8.0, "default")

    # ------------------------------------------------------------------ building
    @classmethod
    def build(
        cls,
        entries: Sequence[Entry],
        config: MatcherConfig | None = None,
        source: Path | None = None,
    ) -> KnowledgeBase:
        config = config or MatcherConfig()
        keywords = [k for e in entries for k in e.keywords]
        vocab = english_vocabulary([q for e in entries for q in e.questions] + keywords)
        analyzer = Analyzer(
            keywords=keywords,
            english_vocab=vocab,
            zh_texts=[q for e in entries for q in e.questions],
        )
        raw: list[tuple[int, Analysis, int]] = []
        for i, entry in enumerate(entries):
            for j, q in enumerate(entry.questions):
                raw.append((i, analyzer.analyze(q, situations=False), j))
            if entry.keywords:
                raw.append((i, analyzer.analyze(" , ".join(entry.keywords), situations=False), -1))
        # Document frequency counts entries, not questions.
        df: dict[str, int] = {}
        per_entry: list[set[str]] = [set() for _ in entries]
        for i, a, _ in raw:
            per_entry[i].update(a.features)
        for seen in per_entry:
            for f in seen:
                df[f] = df.get(f, 0) + 1
        n = max(1, len(entries))
        idf = {f: math.log(1.0 + n / c) for f, c in df.items()}
        unknown_idf = math.log(1.0 + n / 0.5)
        docs: list[_Doc] = []
        postings: dict[str, list[int]] = {}
        for i, a, j in raw:
            feats = {f: w * idf[f] for f, w in a.features.items()}
            if not feats:
                continue
            for f in feats:
                postings.setdefault(f, []).append(len(docs))
            actions = frozenset(f for f in feats if f in ACTION_INTENTS)
            docs.append(
                _Doc(i, feats, sum(feats.values()), a.text, j < 0, j, actions, a.content_chars)
            )
        kb = cls(
            entries,
            analyzer,
            docs,
            idf,
            unknown_idf,
            {f: tuple(p) for f, p in postings.items()},
            config,
            source,
        )
        # What each entry speaks of (faq.nearmiss), built now rather than on a citizen's
        # first question about it (~75 µs an entry; a few KB each as strings).
        for i in range(len(entries)):
            kb.scope(i)
        if config.recall:
            kb.recall = RecallIndex(
                analyzer, [(e.questions, e.keywords, tuple(e.answer.values())) for e in entries]
            )
        from faq.calibration import resolve_thresholds

        kb.thresholds = resolve_thresholds(kb, config)
        if config.semantic:
            kb._build_semantic(config)
        return kb

    def _build_semantic(self, config: MatcherConfig) -> None:
        from faq.semantic import build_index

        questions = [(i, q) for i, e in enumerate(self._entries) for q in e.questions]
        try:
            self.semantic = build_index(questions, config.embedder)  # type: ignore[arg-type]
        except ImportError as exc:
            self.semantic_error = (
                f"semantic matching needs the [semantic] extra (pip install "
                f"citizen-desk[semantic]): {exc}"
            )
            log.warning("%s; matching lexically only", self.semantic_error)

    # ------------------------------------------------------------------ access
    @property
    def entries(self) -> tuple[Entry, ...]:
        return self._entries

    def get(self, entry_id: str) -> Entry:
        return self._entries[self._by_id[entry_id]]

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    def __len__(self) -> int:
        return len(self._entries)

    def departments(self) -> set[str]:
        return {e.department for e in self._entries if e.department}

    @property
    def question_count(self) -> int:
        return sum(len(e.questions) for e in self._entries)

    # ------------------------------------------------------------------ matching
    def analyze(self, text: str) -> Analysis:
        return self._analyzer.analyze(text)

    def rank(
        self,
        analysis: Analysis,
        exclude_docs: Iterable[int] = (),
        exclude_entry: int | None = None,
    ) -> list[Scored]:
        """Entries scored against an analysed query, best first (only entries with a hit)."""
        qf = analysis.features
        if not qf:
            return []
        idf = self._idf
        unknown = self._unknown_idf
        qw: dict[str, float] = {}
        for f, w in qf.items():
            qw[f] = w * idf.get(f, unknown)
        q_total = sum(qw.values())
        if q_total <= 0:
            return []
        excluded = set(exclude_docs)
        docs = self._docs
        # Phase 1: approximate entry weights from selective features.
        approx: dict[int, float] = {}
        limit = self._selective
        entry_postings = self._entry_postings
        for f, w in qw.items():
            plist = entry_postings.get(f)
            if plist is None or len(plist) > limit:
                continue
            for e in plist:
                approx[e] = approx.get(e, 0.0) + w
        if exclude_entry is not None:
            approx.pop(exclude_entry, None)
        if len(approx) > PHASE2:
            top = sorted(approx, key=approx.__getitem__, reverse=True)[:PHASE2]
        else:
            top = list(approx)
        # Phase 2: exact coverage for the candidate entries.
        qkeys = qw.keys()
        units = {u: idf.get(u, unknown) for u in analysis.units}
        u_total = sum(units.values())
        ukeys = units.keys()
        q_actions = {f for f in qf if f in ACTION_INTENTS}
        # An action seen only in an ambiguous character ("清缴", "查验") is no conflict.
        q_asked = q_actions - analysis.weak
        q_len = analysis.content_chars
        q_negated = analysis.negated
        # Keywords the administrators declared: the message's topic words.
        q_keywords = {
            f: w for f, w in qw.items() if f[0] in TOPIC_KINDS and f in self._entry_postings
        }
        k_total = sum(q_keywords.values())
        q_foreign = self._topic & qkeys
        doc_topic = self._doc_topic
        scored: list[Scored] = []
        for e in top:
            best = 0.0
            best_d = -1
            best_common: set[str] = set()
            matched: set[str] = set()
            covered: set[str] = set()
            for d in self._entry_docs[e]:
                if d in excluded:
                    continue
                doc = docs[d]
                dfeats = doc.features
                covered |= ukeys & dfeats.keys()
                common = qkeys & dfeats.keys()
                matched |= common
                if doc.is_keywords:
                    continue
                cov = sum([qw[f] for f in common]) / doc.total
                if cov > best or best_d < 0:
                    best, best_d, best_common = cov, d, common
            if best_d < 0:
                continue
            qcov = sum([units[u] for u in covered]) / u_total if u_total > 0 else 0.0
            dcov = best
            if (
                qcov >= SUPPORT_MIN_QCOV
                and len(matched) > len(best_common)
                and not self._entry_feats[e].isdisjoint(q_keywords)
            ):
                # Entry-level evidence (see SUPPORT_WEIGHT).
                extra = sum([qw[f] for f in matched - best_common]) / q_total
                dcov = min(1.0, dcov + min(MAX_SUPPORT, SUPPORT_WEIGHT * extra))
            # Length-adaptive F-beta: the longer the message is than the question, the
            # more the score rests on how much of the question it covers (chatter
            # around a real question should not sink it).
            beta2 = min(MAX_BETA2, max(BETA2, q_len / (LONG_RATIO * max(1, docs[best_d].content))))
            denom = beta2 * qcov + dcov
            sim = (1 + beta2) * qcov * dcov / denom if denom > 0 else 0.0
            conflict = bool(q_asked) and not q_asked <= self._entry_actions[e]
            if conflict:
                sim *= INTENT_PENALTY
            if q_negated and not q_negated.isdisjoint(self._entry_feats[e]):
                sim *= NEGATED_PENALTY
            d_actions = docs[best_d].actions
            if d_actions and not d_actions & q_actions:
                sim *= INTENT_PENALTY
            if k_total > 0:
                kfeats = self._entry_feats[e]
                kcov = sum([w for f, w in q_keywords.items() if f in kfeats]) / k_total
            else:
                kcov = 1.0
            swapped = False
            if q_foreign:
                efeats = self._entry_feats[e]
                if not q_foreign <= efeats:
                    swapped = any(f not in qw for f in doc_topic.get(best_d, ()))
            scored.append(
                Scored(
                    e,
                    sim,
                    dcov,
                    qcov,
                    conflict,
                    kcov,
                    k_total > 0 and kcov > 0,
                    swapped,
                    q_len >= LONG_FACTOR * docs[best_d].content,
                )
            )
        scored.sort(key=lambda s: s.score, reverse=True)
        # Re-rank the best few with rapidfuzz on the normalised texts.
        head = scored[:RERANK]
        text = analysis.text
        out: list[Scored] = []
        for s in head:
            ratio = 0.0
            for d in self._entry_docs[s.entry]:
                if d in excluded or docs[d].is_keywords:
                    continue
                r = Indel.normalized_similarity(text, docs[d].text)
                if r > ratio:
                    ratio = r
            final = 100.0 * ((1 - RATIO_WEIGHT) * s.score + RATIO_WEIGHT * ratio)
            out.append(s.rescored(final))
        out.sort(key=lambda s: s.score, reverse=True)
        # Only the best entry can be answered: only it is checked for a near miss, and only
        # when it could be answered otherwise.
        if out:
            leader = out[0]
            if (leader.answerable or leader.covers_question(LONG_MARGIN, 0.0)) and self._near_miss(
                analysis, leader.entry, leader.long
            ):
                out[0] = leader._replace(near_miss=True)
        out.extend(s.rescored(100.0 * (1 - RATIO_WEIGHT) * s.score) for s in scored[RERANK:])
        return out

    def _near_miss(self, analysis: Analysis, entry_index: int, long: bool) -> bool:
        """A long message describes a situation in words no entry writes: only the actions
        it asks are checked; a short one is checked word by word (faq.nearmiss)."""
        scope = self.scope(entry_index)
        text = analysis.norm
        for run, fixed in analysis.fixes:
            text = text.replace(run, fixed)
        if scope.narrower(analysis.asks, text, long):
            return True
        intents = [f for f in analysis.features if f[0] == "i"]
        if scope.covers(analysis.units, intents, analysis.norm):
            return False
        return bool(scope.unexplained(analysis.asks, self._analyzer.correct, words=not long))

    def scope(self, entry_index: int) -> Scope:
        """What an entry speaks of (faq.nearmiss); built for every entry at load."""
        scope = self._scopes[entry_index]
        if scope is None:
            entry = self._entries[entry_index]
            scope = Scope.of(
                [canonical(normalize(t)) for t in (*entry.questions, *entry.keywords)],
                [canonical(normalize(t)) for t in entry.answer.values()],
                stem,
                [canonical(normalize(t)) for t in entry.keywords],
            )
            self._scopes[entry_index] = scope
        return scope

    def today(self) -> date:
        """The city's date (MatcherConfig.today), else the host's."""
        return self.config.today() if self.config.today is not None else date.today()

    def expired(self, entry_id: str, today: date | None = None) -> bool:
        """The entry's ``expires`` date has come: it must not be given as the answer."""
        i = self._by_id.get(entry_id)
        if i is None or i not in self._expires:
            return False
        return (today or self.today()) >= self._expires[i]

    def _outdated(self, result: MatchResult, today: date | None) -> MatchResult:
        if not self._expires or not result.candidates:
            return result
        day = today or self.today()
        old = tuple(c.id for c in result.candidates if self.expired(c.id, day))
        return replace(result, outdated=old) if old else result

    def decide(
        self,
        ranked: list[Scored],
        thresholds: Thresholds | None = None,
        today: date | None = None,
    ) -> MatchResult:
        """The decision for a ranked message; an expired entry is only suggested."""
        result = self._decide(ranked, thresholds)
        if result.decision == "answer" and ranked[0].entry in self._expires:
            day = today or self.today()
            if day >= self._expires[ranked[0].entry]:
                result = self._decide(ranked, thresholds, answer=False)
        return self._outdated(result, today)

    def _decide(
        self, ranked: list[Scored], thresholds: Thresholds | None = None, answer: bool = True
    ) -> MatchResult:
        t = thresholds or self.thresholds
        if not ranked:
            return MatchResult("none", None, 0.0, [])
        top = ranked[0]
        second = ranked[1].score if len(ranked) > 1 else 0.0
        score = round(top.score, 1)
        lead = top.score - second
        if answer and (
            (top.score >= t.answer_score and lead >= t.answer_margin and top.answerable)
            or (
                top.score >= t.answer_score - LONG_SCORE_SLACK
                and top.covers_question(lead, t.long_coverage)
            )
        ):
            return MatchResult("answer", self._entries[top.entry].id, score, [])
        if top.score >= t.suggest_score:
            floor = max(t.suggest_score, top.score - self.config.suggest_window)
            cands = [
                Candidate(self._entries[s.entry].id, round(s.score, 1))
                for s in ranked[: self.config.max_candidates]
                if s.score >= floor
            ]
            # Free slots go to entries whose declared keywords the message names (a
            # paraphrase the entry's questions do not word, or chatter that sank its score).
            if len(cands) < self.config.max_candidates:
                shown = {c.id for c in cands}
                for s in ranked:
                    if len(cands) >= self.config.max_candidates:
                        break
                    eid = self._entries[s.entry].id
                    if s.named and s.kcov >= MIN_ANSWER_KCOV and eid not in shown:
                        cands.append(Candidate(eid, round(s.score, 1)))
            return MatchResult("suggest", None, score, cands)
        # Below the suggest score, a keyword the message names (buried in a long story)
        # is still worth offering when it points to only a few entries.
        named = [s for s in ranked if s.named]
        if named and len(named) <= self.config.max_candidates:
            cands = [Candidate(self._entries[s.entry].id, round(s.score, 1)) for s in named]
            return MatchResult("suggest", None, score, cands)
        return MatchResult("none", None, score, [])

    def match(self, text: str, lang: str | None = None, today: date | None = None) -> MatchResult:
        """Decide ``answer`` / ``suggest`` / ``none`` for a citizen's message (``today``:
        the city's date, for expired entries; default :meth:`today`)."""
        del lang  # the analysis is language independent; kept for the API
        if is_chitchat(text):
            return MatchResult("none", None, 0.0, [])
        result = self._lexical(text, today)
        if self.semantic is None or result.decision == "answer":
            return result
        return self._outdated(self._second_opinion(result, self.semantic.embed(text)), today)

    def _lexical(self, text: str, today: date | None) -> MatchResult:
        """The precise matcher's decision, its free suggestion slots filled by the recall
        channel (faq.retrieval) when the decision is not an answer."""
        analysis = self._analyzer.analyze(text)
        ranked = self.rank(analysis)
        result = self.decide(ranked, today=today)
        if self.recall is None or result.decision == "answer":
            return result
        hits = self.recall.search(analysis, self.config.max_candidates + 2)
        slack = self.thresholds.agree_slack
        if (
            slack is not None
            and ranked
            and ranked[0].score >= self.thresholds.answer_score - slack
            and self.agreeable(analysis, ranked, hits=hits)
            and not self.expired(self._entries[ranked[0].entry].id, today)
        ):
            return MatchResult("answer", self._entries[ranked[0].entry].id, result.score, [])
        filled = self._recalled(result, hits, ranked)
        return result if filled is result else self._outdated(filled, today)

    def agreeable(
        self,
        analysis: Analysis,
        ranked: list[Scored],
        hits: list[Hit] | None = None,
        exclude_entry: int | None = None,
    ) -> bool:
        """Both channels name the same best entry and the fixed answer conditions hold
        but for a looser share of the message explained (``AGREE_QCOV``): the recall
        channel's best entry is it and leads its runner-up ``AGREE_RATIO`` times, the
        precise matcher's leads by the answer margin, the message rules nothing out
        ("不是…是…") and asks nothing the entry never speaks of. The score this path
        needs (``Thresholds.agree_slack`` under the answer score) is calibrated."""
        if self.recall is None or not ranked:
            return False
        top = ranked[0]
        lead = top.score - (ranked[1].score if len(ranked) > 1 else 0.0)
        if (
            lead < self.thresholds.answer_margin
            or top.qcov < AGREE_QCOV
            or top.kcov < MIN_ANSWER_KCOV
            or top.conflict
            or top.swapped
            or top.near_miss
            or analysis.negated
        ):
            return False
        if hits is None:
            hits = self.recall.search(analysis, 2, exclude=exclude_entry)
        if not hits or hits[0].entry != top.entry or hits[0].evidence < self.recall.min_evidence:
            return False
        if len(hits) > 1 and hits[0].score < AGREE_RATIO * hits[1].score:
            return False
        return not self._near_miss(analysis, top.entry, top.long)

    def _recalled(self, result: MatchResult, hits: list[Hit], ranked: list[Scored]) -> MatchResult:
        """Free suggestion slots get the recall channel's best entries, then the precise
        ranking's; a ``none`` becomes suggestions when the recall channel's best entry
        shares real evidence with the message (:data:`faq.retrieval.MIN_EVIDENCE` of one
        feature unique to an entry). Never an answer."""
        assert self.recall is not None
        slots = self.config.max_candidates
        if len(result.candidates) >= slots:
            return result
        if not hits or hits[0].evidence < self.recall.min_evidence:
            return result
        lexical = {s.entry: s.score for s in ranked}
        cands = list(result.candidates)
        shown = {c.id for c in cands}
        floor = round(min([c.score for c in cands] + [self.thresholds.suggest_score]), 1)
        order = [h.entry for h in hits] + [s.entry for s in ranked[: slots + 2]]
        for e in order:
            if len(cands) >= slots:
                break
            eid = self._entries[e].id
            if eid in shown:
                continue
            shown.add(eid)
            # Its own score, never above the one before it: the list stays best first.
            floor = round(min(lexical.get(e, 0.0), floor), 1)
            cands.append(Candidate(eid, floor))
        if len(cands) == len(result.candidates):
            return result
        return MatchResult("suggest", None, result.score, cands)

    async def amatch(
        self, text: str, lang: str | None = None, today: date | None = None
    ) -> MatchResult:
        """:meth:`match` for the event loop: a semantic embedding runs in a thread."""
        del lang
        if is_chitchat(text):
            return MatchResult("none", None, 0.0, [])
        result = self._lexical(text, today)
        if self.semantic is None or result.decision == "answer":
            return result
        vec = await asyncio.to_thread(self.semantic.embed, text)
        return self._outdated(self._second_opinion(result, vec), today)

    def _second_opinion(self, result: MatchResult, vec: Sequence[float]) -> MatchResult:
        """The lexical suggestions with the entries nearest in meaning (faq.semantic) in the
        free slots; when none is free, the nearest one takes the last slot unless the
        lexical suggestions already have it."""
        assert self.semantic is not None
        offers = self.semantic.offers(vec, self.config.max_candidates)
        lexical = list(result.candidates)
        ids = {c.id for c in lexical}
        new = [self._entries[n.entry].id for n in offers]
        new = [eid for eid in new if eid not in ids]
        if not new:
            return result
        slots = self.config.max_candidates - len(lexical)
        floor = round(min([c.score for c in lexical] + [self.thresholds.suggest_score]), 1)
        if slots > 0:
            merged = lexical + [Candidate(eid, floor) for eid in new[:slots]]
        elif self._entries[offers[0].entry].id in new:
            merged = [*lexical[: self.config.max_candidates - 1], Candidate(new[0], floor)]
        else:
            return result
        merged.sort(key=lambda c: c.score, reverse=True)
        return MatchResult("suggest", None, result.score, merged)

    def question_docs(self, entry_index: int) -> list[tuple[int, int]]:
        """(doc index, question index) of an entry's indexed questions."""
        return [
            (d, self._docs[d].question)
            for d in self._entry_docs[entry_index]
            if not self._docs[d].is_keywords
        ]

    def doc_text(self, doc: int) -> str:
        return self._docs[doc].text


__all__ = ["KIND_WEIGHT", "KnowledgeBase", "Scored"]
