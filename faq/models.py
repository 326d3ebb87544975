"""Plain value types of the FAQ domain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from configfiles import Problem

if TYPE_CHECKING:
    from faq.knowledge_base import KnowledgeBase

Decision = Literal["answer", "suggest", "none"]


@dataclass(frozen=True)
class Entry:
    id: str
    questions: tuple[str, ...]
    answer: dict[str, str]  # language -> text, in the order given
    keywords: tuple[str, ...] = ()
    department: str | None = None
    links: tuple[str, ...] = ()
    source_file: str = ""
    source_line: int = 0
    reviewed: date | None = None  # when the owner last checked the answer is right
    expires: date | None = None  # from this day the answer must not be given
    owner: str | None = None  # department answerable for the text (default: department)
    reviewed_line: int = 0  # lines of those fields, for faq check (0: not given)
    expires_line: int = 0

    def expired(self, today: date) -> bool:
        return self.expires is not None and today >= self.expires

    @property
    def owning_department(self) -> str | None:
        return self.owner or self.department

    def answer_for(self, lang: str | None) -> str:
        """The answer in ``lang`` (``zh-Hant`` falls back to ``zh``), else the first given."""
        if lang:
            if lang in self.answer:
                return self.answer[lang]
            base = lang.split("-")[0].lower()
            for key, text in self.answer.items():
                if key.split("-")[0].lower() == base:
                    return text
        return next(iter(self.answer.values()))

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.answer)


@dataclass(frozen=True)
class MatcherConfig:
    """Matcher settings; ``None`` thresholds are calibrated from the knowledge base."""

    answer_score: float | None = None  # decision "answer" at or above this score
    suggest_score: float | None = None  # decision "suggest" at or above this score
    answer_margin: float | None = None  # ... and this lead over the runner-up entry
    max_candidates: int = 3
    suggest_window: float = 25.0  # suggestions within this many points of the best
    calibrate: bool = True  # run leave-one-out calibration at load
    # Calibration: tolerated false answers on the leave-one-out probes. The probes are
    # adversarial (an entry's nearest sibling standing in for a missing topic), so a few
    # percent there has measured as well under 1% on real messages.
    target_wrong_rate: float = 0.05
    # Recall channel (faq.retrieval): BM25 over questions, keywords and answers fills the
    # free suggestion slots when the decision is not an answer.
    recall: bool = True
    # Semantic second opinion (faq.semantic; needs the [semantic] extra): entries nearest
    # in meaning are offered when the lexical matcher does not answer.
    semantic: bool = False
    # The city's date today (expired entries are never answered); default the host's.
    today: Callable[[], date] | None = field(default=None, compare=False)
    embedder: object | None = field(default=None, compare=False)  # tests: a faq.semantic.Embedder


@dataclass(frozen=True)
class Thresholds:
    answer_score: float
    suggest_score: float
    answer_margin: float
    source: str  # "calibrated", "default" or "settings"
    # A long message is answered on the entry's coverage of one question (``dcov``) at or
    # above this share (see ``Scored.covers_question``); above 1.0 never.
    long_coverage: float = 0.7
    # When both channels agree (faq.retrieval), an entry may be answered this many points
    # under the answer score (see ``KnowledgeBase._agreed``); ``None``: never.
    agree_slack: float | None = None

    def describe(self) -> str:
        agree = "off" if self.agree_slack is None else f"-{self.agree_slack:.0f}"
        return (
            f"answer>={self.answer_score:.1f} (margin>={self.answer_margin:.1f}), "
            f"suggest>={self.suggest_score:.1f}, long>={self.long_coverage:.2f}, "
            f"agree {agree} [{self.source}]"
        )


@dataclass(frozen=True)
class Candidate:
    id: str
    score: float


@dataclass(frozen=True)
class MatchResult:
    decision: Decision
    entry_id: str | None
    score: float
    candidates: list[Candidate] = field(default_factory=list)
    # Candidates whose entry has expired: offered with a note that they may be outdated
    # (an expired entry is never the answer).
    outdated: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {
            "decision": self.decision,
            "id": self.entry_id,
            "score": self.score,
            "candidates": [{"id": c.id, "score": c.score} for c in self.candidates],
        }
        if self.outdated:
            out["outdated"] = list(self.outdated)
        return out


@dataclass
class LoadResult:
    kb: KnowledgeBase | None
    problems: list[Problem]
    files: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.kb is not None and not self.problems
