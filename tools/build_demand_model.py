"""Rebuild the demand-type model shipped in the package.

Trains the logistic regression of ``tickets/demand_model.py`` on the training demands
``tickets/data/demand_training.jsonl`` (and nothing else: the labelled sets under
tests/tickets/data/ are for measuring) and writes ``tickets/data/demand_model.json``.
Deterministic: the same training file and code give the same JSON.

Run after changing the training demands, the cues or the features:

    .venv/bin/python tools/build_demand_model.py [--cv]

``--cv`` also prints a 5-fold cross-validated accuracy on the training demands.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import time

from tickets.demand_model import (
    MODEL_PATH,
    TRAINING_PATH,
    TrainingOptions,
    feature_fingerprint,
    load_training,
    train,
)


def _cross_validate(rows: list[tuple[str, str]], options: TrainingOptions, folds: int = 5) -> float:
    order = list(range(len(rows)))
    random.Random(options.seed).shuffle(order)
    correct = 0
    for fold in range(folds):
        held = set(order[fold::folds])
        model = train([rows[i] for i in order if i not in held], options)
        for i in held:
            text, kind = rows[i]
            scores = model.scores(text)
            correct += max(scores, key=lambda k: scores[k]) == kind
    return correct / len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cv", action="store_true", help="print a cross-validated accuracy")
    args = parser.parse_args(argv)
    rows = load_training(TRAINING_PATH)
    options = TrainingOptions()
    started = time.perf_counter()
    model = train(rows, options)
    meta: dict[str, object] = {
        "format": 1,
        "trained_on": TRAINING_PATH.name,
        "rows": len(rows),
        "fingerprint": feature_fingerprint(rows),
        "options": dataclasses.asdict(options),
    }
    MODEL_PATH.write_text(model.to_json(meta), encoding="utf-8")
    print(
        f"{MODEL_PATH}: {len(model.weights)} features from {len(rows)} demands"
        f" in {time.perf_counter() - started:.1f} s"
    )
    if args.cv:
        print(f"5-fold cross-validated accuracy: {_cross_validate(rows, options):.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
