"""Answer / suggest thresholds calibrated from the knowledge base itself.

The alternate questions of an entry are labelled paraphrases, so the knowledge base
can test itself:

- **in-scope probes**: each question of an entry with two or more questions is matched
  against the index without that question (leave-one-out);
- **out-of-scope probes**: each question is matched against the index without its
  whole entry, so every hit is by construction a wrong one — the near-miss of a
  citizen asking about something the knowledge base does not cover.

The answer rule (score and lead over the runner-up) is the loosest one whose false
answers on both kinds of probe stay within ``target_wrong_rate``; the suggest score is
set low enough that nearly every in-scope probe whose entry ranks in the top three
reaches it. Settings override either value.

Long messages are probed the same way with the questions wrapped in generic chatter
(sentences about no topic): the entry coverage a long message needs for a direct answer
(:attr:`Thresholds.long_coverage`) is the loosest value on :data:`LONG_GRID` at which no
wrapped out-of-scope probe and no wrapped in-scope probe gets a wrong direct answer.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from faq.models import MatcherConfig, Thresholds
from faq.text import detect_language

if TYPE_CHECKING:
    from faq.knowledge_base import KnowledgeBase

# Used when a knowledge base has too few alternate questions to test itself: a little
# stricter than what calibration settles on for the sample and evaluation bases (40 / 10).
DEFAULT = Thresholds(
    answer_score=45.0,
    suggest_score=18.0,
    answer_margin=10.0,
    source="default",
    long_coverage=0.8,
)
MAX_PROBES = 600  # per kind; keeps loading a 10,000-entry knowledge base quick
MIN_POSITIVES = 12
MIN_TOLERATED = 3
ANSWER_RANGE = (40.0, 90.0)
SUGGEST_RANGE = (18.0, 18.0)
# A lead under 10 points is a tie with the runner-up: never answered directly. Smaller
# leads let the fit jump between margins on small changes of the knowledge base and
# measured as false answers on held-out bases.
MARGINS = (10.0, 12.0, 15.0, 18.0, 22.0)
LONG_GRID = (0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.01)  # 1.01: never
CHATTER_PROBES = 120  # questions sampled, each probed in and out of scope
# Generic chatter around a question: a long message's situation and politeness, no topic.
CHATTER = {
    "zh": (
        ("我这边情况有点复杂，跟家里人商量了好几天，", "，具体应该怎么弄，先谢谢了"),
        ("最近一直忙得顾不上，今天终于有空来问问，", "，我对这些流程一点都不懂"),
        ("问了好几个朋友都说不清楚，网上说法也不一样，", "，麻烦给个准话，挺着急的"),
    ),
    "en": (
        ("I have been putting this off for weeks and my family keeps reminding me, ", " Thanks."),
        ("Nobody I asked could give me a clear answer on this, ", " I am new to all this."),
    ),
}


# Slack under the answer score tried for the agreement rule (KnowledgeBase.agreeable),
# the loosest first; the fit keeps the loosest that adds no false answer on the probes.
AGREE_GRID = (10.0, 5.0, 0.0)


@dataclass(frozen=True)
class Probe:
    score: float
    margin: float
    answerable: bool  # passes the fixed answer conditions (Scored.answerable)
    right: bool  # the top entry is the expected one (always False for out-of-scope probes)
    in_top3: bool
    in_scope: bool
    agreed: bool = False  # out-of-scope probes: could be answered on the channels' agreement


def collect_probes(kb: KnowledgeBase, seed: int = 7) -> list[Probe]:
    rng = random.Random(seed)
    pos_jobs: list[tuple[int, int, int]] = []  # entry, doc, question
    neg_jobs: list[tuple[int, int]] = []
    for e, entry in enumerate(kb.entries):
        qdocs = kb.question_docs(e)
        langs = [detect_language(entry.questions[q]) for _, q in qdocs]
        for i, (d, q) in enumerate(qdocs):
            # A paraphrase probe needs another question in its language to be answerable.
            if langs.count(langs[i]) >= 2:
                pos_jobs.append((e, d, q))
            neg_jobs.append((e, q))
    if len(pos_jobs) > MAX_PROBES:
        pos_jobs = rng.sample(pos_jobs, MAX_PROBES)
    if len(neg_jobs) > MAX_PROBES:
        neg_jobs = rng.sample(neg_jobs, MAX_PROBES)
    probes: list[Probe] = []
    for e, d, q in pos_jobs:
        ranked = kb.rank(kb.analyze(kb.entries[e].questions[q]), exclude_docs=(d,))
        probes.append(_probe(ranked, e, True))
    for e, q in neg_jobs:
        analysis = kb.analyze(kb.entries[e].questions[q])
        ranked = kb.rank(analysis, exclude_entry=e)
        probe = _probe(ranked, -1, False)
        if ranked and kb.agreeable(analysis, ranked, exclude_entry=e):
            probe = replace(probe, agreed=True)
        probes.append(probe)
    return probes


def fit_agree_slack(probes: list[Probe], answer: float, margin: float) -> float | None:
    """The loosest slack on AGREE_GRID at which the agreement rule adds no false answer on
    the out-of-scope probes (each a wrong answer by construction) to those the answer rule
    gives anyway; ``None`` (off) when even no slack adds one."""
    extra = [
        p
        for p in probes
        if not p.in_scope
        and p.agreed
        and p.margin >= margin
        and not (p.answerable and p.score >= answer)
    ]
    for slack in AGREE_GRID:
        if not any(p.score >= answer - slack for p in extra):
            return slack
    return None


def _probe(ranked: list, expected: int, in_scope: bool) -> Probe:
    if not ranked:
        return Probe(0.0, 0.0, False, False, False, in_scope)
    top = ranked[0]
    second = ranked[1].score if len(ranked) > 1 else 0.0
    top3 = {s.entry for s in ranked[:3]}
    return Probe(
        top.score,
        top.score - second,
        top.answerable,
        top.entry == expected,
        expected in top3,
        in_scope,
    )


@dataclass(frozen=True)
class LongProbe:
    score: float
    margin: float
    dcov: float  # 0.0 when the probe cannot take the long-message path at all
    right: bool
    in_scope: bool


def collect_long_probes(kb: KnowledgeBase, seed: int = 11) -> list[LongProbe]:
    """Leave-one-out (in-scope) and leave-entry-out probes wrapped in generic chatter."""
    rng = random.Random(seed)
    jobs: list[tuple[int, int, int, str]] = []  # entry, doc, question, language
    for e, entry in enumerate(kb.entries):
        for d, q in kb.question_docs(e):
            jobs.append((e, d, q, detect_language(entry.questions[q])))
    if len(jobs) > CHATTER_PROBES:
        jobs = rng.sample(jobs, CHATTER_PROBES)
    probes: list[LongProbe] = []
    for e, d, q, lang in jobs:
        before, after = rng.choice(CHATTER["zh" if lang == "zh" else "en"])
        text = before + kb.entries[e].questions[q].rstrip("?？。. ") + after
        analysis = kb.analyze(text)
        for in_scope in (True, False):
            if in_scope:
                ranked = kb.rank(analysis, exclude_docs=(d,))
            else:
                ranked = kb.rank(analysis, exclude_entry=e)
            if not ranked:
                continue
            top = ranked[0]
            lead = top.score - (ranked[1].score if len(ranked) > 1 else 0.0)
            eligible = not top.answerable and top.covers_question(lead, 0.0)
            right = in_scope and top.entry == e
            probes.append(
                LongProbe(top.score, lead, top.dcov if eligible else 0.0, right, in_scope)
            )
    return probes


def fit_long_coverage(probes: list[LongProbe], answer: float, margin: float) -> float:
    """The loosest coverage on LONG_GRID with no wrong direct answer on the probes."""
    reach = [p for p in probes if p.dcov > 0 and p.score >= answer and p.margin >= margin]
    wrong = [p.dcov for p in reach if not p.right]
    for coverage in LONG_GRID:
        if all(c < coverage for c in wrong):
            return coverage
    return LONG_GRID[-1]


def fit(probes: list[Probe], target_wrong_rate: float) -> Thresholds | None:
    pos = [p for p in probes if p.in_scope]
    neg = [p for p in probes if not p.in_scope]
    if len(pos) < MIN_POSITIVES or not neg:
        return None
    n_pos, n_neg = len(pos), len(neg)
    pos = [p for p in pos if p.answerable]
    neg = [p for p in neg if p.answerable]
    # A handful of false answers on a few dozen probes is noise, not a rate: the
    # tolerance never drops below MIN_TOLERATED, so the fit does not jump on small changes.
    allowed_pos = max(target_wrong_rate * n_pos, MIN_TOLERATED)
    allowed_neg = max(target_wrong_rate * n_neg, MIN_TOLERATED)
    grid: list[tuple[int, int, float, float]] = []  # right, false, score, margin
    lo, hi = ANSWER_RANGE
    score = lo
    while score <= hi:
        for margin in MARGINS:
            right = sum(1 for p in pos if p.right and p.score >= score and p.margin >= margin)
            wrong_pos = sum(
                1 for p in pos if not p.right and p.score >= score and p.margin >= margin
            )
            wrong_neg = sum(1 for p in neg if p.score >= score and p.margin >= margin)
            if wrong_pos > allowed_pos or wrong_neg > allowed_neg:
                continue
            grid.append((right, wrong_pos + wrong_neg, score, margin))
        score += 1.0
    if not grid:
        answer, margin = hi, MARGINS[-1]
    else:
        # Most right answers within the tolerated false ones; among equals the fewest
        # false ones, then the loosest rule (probes are too few to tell close rules apart).
        _, _, answer, margin = max(grid, key=lambda g: (g[0], -g[1], -g[2] - g[3]))
    hits = sorted(p.score for p in probes if p.in_scope and p.in_top3)
    suggest = hits[int(0.03 * len(hits))] if hits else DEFAULT.suggest_score
    suggest = min(max(suggest - 1.0, SUGGEST_RANGE[0]), SUGGEST_RANGE[1], answer)
    return Thresholds(answer, suggest, margin, "calibrated")


def resolve_thresholds(kb: KnowledgeBase, config: MatcherConfig) -> Thresholds:
    fitted: Thresholds | None = None
    needs_fit = (
        config.answer_score is None or config.suggest_score is None or config.answer_margin is None
    )
    probes: list[Probe] = []
    if config.calibrate and needs_fit and len(kb) >= 2:
        probes = collect_probes(kb)
        fitted = fit(probes, config.target_wrong_rate)
    base = fitted or DEFAULT
    answer = config.answer_score if config.answer_score is not None else base.answer_score
    margin = config.answer_margin if config.answer_margin is not None else base.answer_margin
    long_coverage = DEFAULT.long_coverage
    if config.calibrate and len(kb) >= 2:
        long_coverage = max(
            fit_long_coverage(collect_long_probes(kb), answer, margin),
            long_coverage if fitted is None else LONG_GRID[0],
        )
    overridden = not needs_fit or (
        config.answer_score is not None or config.suggest_score is not None
    )
    return Thresholds(
        answer_score=config.answer_score if config.answer_score is not None else base.answer_score,
        suggest_score=config.suggest_score
        if config.suggest_score is not None
        else base.suggest_score,
        answer_margin=config.answer_margin
        if config.answer_margin is not None
        else base.answer_margin,
        source=base.source + ("+settings" if overridden else ""),
        long_coverage=long_coverage,
        # Only a knowledge base that could test itself answers on the channels' agreement.
        agree_slack=fit_agree_slack(probes, answer, margin) if fitted is not None else None,
    )
