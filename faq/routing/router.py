"""The department router: which department a demand belongs to, and how sure it is.

Scoring. Every feature of the demand (:mod:`faq.routing.text`) votes for the departments
whose profile has it (:mod:`faq.routing.profiles`): with its kind weight x IDF over the
departments (``log(1 + N / df)``: a word of one department counts more than one of all),
shared out between the departments that have it in proportion to their weight for it (a
duty or keyword 1.0, an FAQ question 0.7, a name 0.5), and weighted once more by that
weight (so an FAQ question's word that a duty of another department also has leans to the
duty). A pinyin feature counts only when its characters are unknown to every profile (a
homophone slip: 设保 for 社保). That bag of votes is half of a department's evidence; the
other half is how well its two best phrases match (the same votes, summed per
phrase): words that one duty says together ("道路" and "积水") count more than as many words
scattered over a department's phrases, so a demand's incidental words ("学校", "孩子",
"晚上") weigh less against the words of its topic. Lessons (:mod:`faq.routing.lessons`) add
their votes on top.

Scores 0..100. With ``s`` the departments' evidence and ``P`` a prior (the evidence of
:data:`PRIOR_FEATURES` words that only one department has), a department scores
``100 x s / (s_best + P)``: the best one scores high when the evidence is ample, and the
others in proportion to it. The router **proposes** the best department when it leads the
runner-up by the margin (:attr:`RouteThresholds.margin`, calibrated from the profiles
themselves, :mod:`faq.routing.calibration`); otherwise ``department`` is None and the form
offers the candidates (at most three, best first) to choose from.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from faq.features import Analyzer
from faq.models import Entry
from faq.routing.lessons import LessonIndex
from faq.routing.profiles import (
    SOURCE_WEIGHT,
    DepartmentLike,
    Phrase,
    build_analyzer,
    indexed_text,
    profile_phrases,
)
from faq.routing.text import features
from faq.text import pinyin_of

PRIOR_FEATURES = 1.5
# Evidence = BAG_SHARE x the feature votes + (1 - BAG_SHARE) x the match of the department's
# two best-matching phrases (see the module docstring).
BAG_SHARE = 0.5
MIN_EVIDENCE = 20.0  # below this the best department is no candidate: nothing is offered
MIN_CANDIDATE = 2.0  # a department scoring less (out of 100) is not offered
DEFAULT_MARGIN = 35.0  # when the profiles are too small to calibrate on: one clear word
MAX_TEXT = 2000  # characters of a demand that are routed (a ticket holds up to 4,000)


@dataclass(frozen=True)
class RouterConfig:
    """Router settings; ``margin=None`` is calibrated from the profiles."""

    margin: float | None = None  # lead (points) the best department needs to be proposed
    max_candidates: int = 3
    calibrate: bool = True
    # Calibration: tolerated wrong proposals on the leave-one-out probes (each phrase of a
    # profile routed without itself). The probes are harder than real demands (a duty
    # without its own words). A proposal is only pre-selected in the form: the citizen
    # changes it with one tap, staff transfer it and the router learns from the transfer,
    # while no proposal costs every citizen a choice. 10% there (1,093 probes on the sample,
    # margin 5) proposes the right department for 85-98% of the demand sets of
    # tests/routing/data and the dev set, wrong for 1.7-10% (2% gave margin 34: 64-83% right,
    # 0-1.8% wrong).
    target_wrong_rate: float = 0.10


@dataclass(frozen=True)
class RouteThresholds:
    margin: float
    source: str  # calibrated | default | settings

    def describe(self) -> str:
        return f"proposal when the lead >= {self.margin:.1f} [{self.source}]"


@dataclass(frozen=True)
class RouteCandidate:
    slug: str
    score: float  # 0..100


@dataclass(frozen=True)
class RouteResult:
    department: str | None  # the proposal, or None when unsure
    candidates: list[RouteCandidate] = field(default_factory=list)  # best first, at most 3
    lead: float = 0.0  # the best candidate's lead over the runner-up (points)

    @property
    def first(self) -> str | None:
        return self.candidates[0].slug if self.candidates else None

    def to_json(self) -> dict[str, object]:
        return {
            "department": self.department,
            "candidates": [{"slug": c.slug, "score": c.score} for c in self.candidates],
        }


_Vote = tuple[float, tuple[tuple[int, float], ...]]  # (IDF, ((department, share), ...))


class Router:
    """Department profiles and their index; immutable once built (share it freely)."""

    def __init__(
        self,
        slugs: tuple[str, ...],
        analyzer: Analyzer,
        phrases: list[Phrase],
        phrase_features: list[dict[str, float]],
        config: RouterConfig,
    ) -> None:
        self.slugs = slugs
        self.config = config
        self._index = {s: i for i, s in enumerate(slugs)}
        self._analyzer = analyzer
        self._phrases = phrases
        self._phrase_features = phrase_features
        self._phrase_dept = tuple(self._index[phrase.slug] for phrase in phrases)
        # feature -> ((phrase, department, source weight), ...)
        postings: dict[str, list[tuple[int, int, float]]] = {}
        for p, (phrase, feats) in enumerate(zip(phrases, phrase_features, strict=True)):
            d = self._index[phrase.slug]
            sw = SOURCE_WEIGHT[phrase.source]
            for f in feats:
                postings.setdefault(f, []).append((p, d, sw))
        self._postings = {f: tuple(v) for f, v in postings.items()}
        self._phrase_postings = {
            f: tuple((p, sw) for p, _d, sw in v) for f, v in self._postings.items()
        }
        self._votes = {f: self._vote(plist, -1) for f, plist in self._postings.items()}
        n = max(1, len(slugs))
        self.unknown_idf = math.log(1.0 + 2.0 * n)
        self.prior = PRIOR_FEATURES * math.log(1.0 + n)
        self.thresholds = RouteThresholds(
            config.margin if config.margin is not None else DEFAULT_MARGIN,
            "settings" if config.margin is not None else "default",
        )

    def _vote(self, plist: tuple[tuple[int, int, float], ...], exclude: int) -> _Vote:
        row: dict[int, float] = {}
        for p, d, sw in plist:
            if p != exclude and sw > row.get(d, 0.0):
                row[d] = sw
        if not row:
            return 0.0, ()
        total = sum(row.values())
        idf = math.log(1.0 + len(self.slugs) / len(row))
        return idf, tuple((d, w * w / total) for d, w in row.items())

    # ------------------------------------------------------------------ building
    @classmethod
    def build(
        cls,
        departments: Sequence[DepartmentLike],
        entries: Iterable[Entry] = (),
        config: RouterConfig | None = None,
    ) -> Router:
        config = config or RouterConfig()
        phrases = profile_phrases(departments, entries)
        analyzer = build_analyzer(phrases)
        feats = [features(analyzer, indexed_text(p)) for p in phrases]
        router = cls(tuple(d.slug for d in departments), analyzer, phrases, feats, config)
        if config.margin is None and config.calibrate:
            from faq.routing.calibration import fit_margin

            router.thresholds = fit_margin(router)
        return router

    # ------------------------------------------------------------------ access
    @property
    def phrases(self) -> list[Phrase]:
        return self._phrases

    def __contains__(self, slug: object) -> bool:
        return slug in self._index

    def idf(self, feature: str) -> float:
        """A feature's IDF over the departments (rarer than any profile word if unknown)."""
        vote = self._votes.get(feature)
        return vote[0] if vote is not None and vote[0] > 0 else self.unknown_idf

    # ------------------------------------------------------------------ scoring
    def demand_features(self, text: str) -> dict[str, float]:
        feats = features(self._analyzer, text)
        known = self._votes
        for f in [f for f in feats if f[0] == "b" and f in known]:
            # The characters are known: their sound adds nothing (see the module docstring).
            feats.pop("p:" + pinyin_of(f[2]) + " " + pinyin_of(f[3]), None)
        return feats

    def evidence(self, feats: dict[str, float], exclude: int = -1) -> list[float]:
        """Raw evidence per department (``exclude``: a phrase left out, for calibration)."""
        scores = [0.0] * len(self.slugs)
        phrase_scores: dict[int, float] = {}
        left_out = self._phrase_features[exclude] if exclude >= 0 else {}
        get = phrase_scores.get
        for f, kind in feats.items():
            if f in left_out:
                idf, shares = self._vote(self._postings[f], exclude)
            else:
                vote = self._votes.get(f)
                if vote is None:
                    continue
                idf, shares = vote
            base = kind * idf
            for d, share in shares:
                scores[d] += base * share
            for p, sw in self._phrase_postings[f]:
                phrase_scores[p] = get(p, 0.0) + base * sw
        phrase_scores.pop(exclude, None)
        # The two best phrases of each department.
        first = [0.0] * len(self.slugs)
        second = [0.0] * len(self.slugs)
        dept = self._phrase_dept
        for p, s in phrase_scores.items():
            d = dept[p]
            if s > first[d]:
                second[d] = first[d]
                first[d] = s
            elif s > second[d]:
                second[d] = s
        share = 1.0 - BAG_SHARE
        return [
            BAG_SHARE * bag + share * (a + b)
            for bag, a, b in zip(scores, first, second, strict=True)
        ]

    def rank(
        self, text: str, lessons: LessonIndex | None = None, *, exclude: int = -1
    ) -> list[RouteCandidate]:
        """Every department with evidence, best first, scored 0..100."""
        text = text[:MAX_TEXT]
        scores = self.evidence(self.demand_features(text), exclude)
        if lessons is not None and len(lessons):
            unit = max(scores, default=0.0) + self.prior
            for slug, votes in lessons.votes(text, self.idf).items():
                d = self._index.get(slug)
                if d is not None:
                    scores[d] += votes * unit
        return self._scored(scores)

    def _scored(self, scores: list[float]) -> list[RouteCandidate]:
        best = max(scores, default=0.0)
        if best <= 0:
            return []
        scale = 100.0 / (best + self.prior)
        order = sorted(range(len(scores)), key=lambda d: (-scores[d], d))
        return [
            RouteCandidate(self.slugs[d], round(scores[d] * scale, 1))
            for d in order
            if scores[d] > 0
        ]

    def decide(self, ranked: list[RouteCandidate]) -> RouteResult:
        shown = [c for c in ranked if c.score >= MIN_CANDIDATE][: self.config.max_candidates]
        if not shown or shown[0].score < MIN_EVIDENCE:
            return RouteResult(None, [], 0.0)
        second = ranked[1].score if len(ranked) > 1 else 0.0
        lead = round(shown[0].score - second, 1)
        department = shown[0].slug if lead >= self.thresholds.margin else None
        return RouteResult(department, shown, lead)

    def route(
        self, text: str, lang: str | None = None, lessons: LessonIndex | None = None
    ) -> RouteResult:
        """The proposal and candidates for a demand (``lang`` is not needed: the analysis
        is language independent; kept for the API)."""
        del lang
        return self.decide(self.rank(text, lessons))

    def explain(self, text: str, slug: str, limit: int = 3) -> list[str]:
        """The profile phrases of ``slug`` that share the most with ``text``."""
        d = self._index.get(slug)
        if d is None:
            return []
        feats = self.demand_features(text)
        scored: list[tuple[float, int]] = []
        for p, phrase in enumerate(self._phrases):
            if phrase.slug != slug:
                continue
            common = feats.keys() & self._phrase_features[p].keys()
            weight = sum(feats[f] * self.idf(f) for f in common)
            if weight > 0:
                scored.append((weight * SOURCE_WEIGHT[phrase.source], p))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [self._phrases[p].text for _, p in scored[:limit]]
