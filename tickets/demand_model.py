"""The demand-type model: a multinomial logistic regression over the structural cues of
:mod:`tickets.demand_cues` and the text's character n-grams (Chinese) and words (English).

It is trained only on ``tickets/data/demand_training.jsonl`` (demands written for training,
none of them from the evaluation sets under tests/) and shipped as a small JSON of weights,
``tickets/data/demand_model.json``, loaded once on first use. Rebuild it after changing the
training demands, the cues or the features::

    .venv/bin/python tools/build_demand_model.py

The JSON records a fingerprint of the training demands' features (:func:`feature_fingerprint`);
a test fails when the training demands or the way a text becomes features changed without a
rebuild. Pure Python: a guess costs a few hundred dictionary look-ups.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from tickets.demand_cues import CUE_PRIORS, analyse, mask_type_words
from tickets.lifecycle import DEMAND_TYPES

__all__ = [
    "MODEL_PATH",
    "TRAINING_PATH",
    "DemandModel",
    "TrainingOptions",
    "feature_fingerprint",
    "features",
    "load_model",
    "load_training",
    "train",
]

DATA = Path(__file__).parent / "data"
TRAINING_PATH = DATA / "demand_training.jsonl"
MODEL_PATH = DATA / "demand_model.json"
CLASSES = DEMAND_TYPES
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff□]+")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")
_NGRAMS_AT_FULL_WEIGHT = 40
_STOP = frozenset(
    "a an the to of and or in on at for is are was were be been it this that my our i we you "
    "me us he she they his her their its there here with from by as so".split()
)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 2 and word.endswith(suffix) and not word.endswith("ss"):
            return word[: -len(suffix)]
    return word


def features(text: str) -> dict[str, float]:
    """The features of ``text`` and their values: ``c:`` cues, ``z:`` Chinese 2–3-grams (type
    words masked), ``w:`` English words and word pairs (stemmed, stop words dropped in pairs).
    The n-grams of a long demand count less each, so that its length does not decide."""
    analysis = analyse(text)
    found = {f"c:{cue}": analysis.cues[cue] for cue in sorted(analysis.cues)}
    masked = mask_type_words(analysis.clauses.text)
    seen: set[str] = set()
    for run in _CJK_RUN.findall(masked):
        for n in (2, 3):
            for i in range(len(run) - n + 1):
                seen.add(f"z:{run[i : i + n]}")
    words = [_stem(w) for w in _WORD.findall(masked)]
    seen.update(f"w:{w}" for w in words)
    content = [w for w in words if w not in _STOP]
    seen.update(f"w:{a}_{b}" for a, b in pairwise(content))
    scale = min(1.0, math.sqrt(_NGRAMS_AT_FULL_WEIGHT / len(seen))) if seen else 1.0
    for name in sorted(seen):
        found[name] = scale
    return found


@dataclass(frozen=True)
class TrainingOptions:
    epochs: int = 40
    rate: float = 0.3  # AdaGrad base step
    l2: float = 0.01  # shrinkage of n-gram weights, each time the n-gram is seen
    cue_l2: float = 0.002  # cues are fewer and meant to generalise: less shrinkage
    min_count: int = 2  # n-grams seen in fewer training demands are dropped
    seed: int = 12345


@dataclass(frozen=True)
class DemandModel:
    classes: tuple[str, ...]
    bias: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]

    def scores(self, text: str) -> dict[str, float]:
        """Probability of each demand type for ``text``."""
        logits = list(self.bias)
        for name, value in features(text).items():
            row = self.weights.get(name)
            if row is not None:
                for k, w in enumerate(row):
                    logits[k] += w * value
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return {kind: e / total for kind, e in zip(self.classes, exps, strict=True)}

    def to_json(self, meta: dict[str, object]) -> str:
        payload = {
            **meta,
            "classes": list(self.classes),
            "bias": [round(b, 4) for b in self.bias],
            "weights": {
                name: [round(w, 4) for w in row] for name, row in sorted(self.weights.items())
            },
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"


def load_training(path: Path = TRAINING_PATH) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            rows.append((raw["text"], raw["type"]))
    return rows


def train(rows: Iterable[tuple[str, str]], options: TrainingOptions | None = None) -> DemandModel:
    """Fit the model on ``(text, type)`` pairs (deterministic for the same rows and options)."""
    opts = options or TrainingOptions()
    data = [(features(text), CLASSES.index(kind)) for text, kind in rows]
    counts: dict[str, int] = {}
    for found, _ in data:
        for name in found:
            counts[name] = counts.get(name, 0) + 1
    keep = {n for n, c in counts.items() if c >= opts.min_count or n.startswith("c:")}
    data = [({n: v for n, v in found.items() if n in keep}, label) for found, label in data]
    k = len(CLASSES)
    prior = {n: [CUE_PRIORS.get(n, {}).get(kind, 0.0) for kind in CLASSES] for n in keep}
    weights: dict[str, list[float]] = {n: list(row) for n, row in prior.items()}
    grad_sq: dict[str, list[float]] = {n: [1e-8] * k for n in keep}
    bias = [0.0] * k
    bias_sq = [1e-8] * k
    rng = random.Random(opts.seed)
    order = list(range(len(data)))
    for _ in range(opts.epochs):
        rng.shuffle(order)
        for i in order:
            found, label = data[i]
            probs = _softmax(bias, weights, found)
            for c in range(k):
                g = probs[c] - (1.0 if c == label else 0.0)
                bias_sq[c] += g * g
                bias[c] -= opts.rate * g / math.sqrt(bias_sq[c])
                for n, value in found.items():
                    row = weights[n]
                    l2 = opts.cue_l2 if n.startswith("c:") else opts.l2
                    gn = g * value + l2 * (row[c] - prior[n][c])
                    sq = grad_sq[n]
                    sq[c] += gn * gn
                    row[c] -= opts.rate * gn / math.sqrt(sq[c])
    pruned = {n: tuple(row) for n, row in weights.items() if max(abs(w) for w in row) >= 5e-4}
    return DemandModel(CLASSES, tuple(bias), pruned)


def _softmax(
    bias: Sequence[float], weights: dict[str, list[float]], found: dict[str, float]
) -> list[float]:
    logits = list(bias)
    for n, value in found.items():
        row = weights[n]
        for c in range(len(logits)):
            logits[c] += row[c] * value
    top = max(logits)
    exps = [math.exp(v - top) for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


def feature_fingerprint(rows: Iterable[tuple[str, str]]) -> str:
    """SHA-256 of the features of the training demands: it changes when the training
    demands or the way a text becomes features change (then the model must be rebuilt)."""
    digest = hashlib.sha256()
    for text, kind in rows:
        found = features(text)
        line = " ".join(f"{n}={found[n]:.4f}" for n in sorted(found))
        digest.update(f"{kind}\t{line}\n".encode())
    return digest.hexdigest()


@cache
def load_model(path: Path = MODEL_PATH) -> DemandModel:
    raw = json.loads(path.read_text(encoding="utf-8"))
    return DemandModel(
        tuple(raw["classes"]),
        tuple(raw["bias"]),
        {name: tuple(row) for name, row in raw["weights"].items()},
    )
