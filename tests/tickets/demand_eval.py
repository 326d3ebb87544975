"""How well the request form guesses a demand's type and urgency, on labelled sets.

The sets hold citizen demands as a city hotline receives them (zh and en, colloquial, short and
long), one JSON object a line: ``text``, ``lang``, ``type`` (consultation | help | complaint |
report | suggestion), ``urgent`` and ``set``. The labels say what an operator would file the
demand as (the 12345 definitions: 投诉 when the citizen's own rights or peace are affected, 举报
for a wrong or a hazard reported to the public, 求助 for a difficulty or emergency of one's
own), not what the guess happens to find. None of them is used to train the demand model
(tickets/data/demand_training.jsonl is its only training data).

- ``demand_types.jsonl``: ``dev`` (252 demands the first cue rules were written against) and
  ``holdout`` (46, written afterwards);
- ``fresh_a.jsonl`` (short, direct demands) and ``fresh_b.jsonl`` (long, chatty, indirect
  ones), written before the demand model and its cues. fresh_a was looked at while developing
  them; fresh_b was not, and was measured once at the end: its figures are the honest ones.

``python -m tests.tickets.demand_eval`` prints accuracy, per-type precision and recall of
:func:`tickets.intake.guess_demand_type` and precision and recall of the urgency hint on every
set (``--mistakes SET`` lists that set's misses); ``tests/tickets/test_intake.py`` holds floors
under them.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
DATA = DATA_DIR / "demand_types.jsonl"
TYPES = ("consultation", "help", "complaint", "report", "suggestion")
# set name -> the file holding it
SETS = {
    "dev": DATA,
    "holdout": DATA,
    "fresh_a": DATA_DIR / "fresh_a.jsonl",
    "fresh_b": DATA_DIR / "fresh_b.jsonl",
}


@dataclass(frozen=True)
class Demand:
    text: str
    lang: str
    type: str
    urgent: bool
    set: str = "dev"


@dataclass(frozen=True)
class Score:
    label: str
    support: int
    predicted: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.correct / self.support if self.support else 0.0


@dataclass(frozen=True)
class Report:
    total: int
    correct: int
    scores: tuple[Score, ...]
    mistakes: tuple[tuple[Demand, str], ...]

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def score(self, label: str) -> Score:
        return next(s for s in self.scores if s.label == label)

    def lines(self, title: str) -> list[str]:
        out = [f"{title}: accuracy {self.accuracy:.1%} ({self.correct}/{self.total})"]
        for s in self.scores:
            out.append(
                f"  {s.label:<13} precision {s.precision:6.1%}  recall {s.recall:6.1%}"
                f"  (n={s.support}, guessed {s.predicted})"
            )
        return out


def load(path: Path = DATA) -> list[Demand]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            rows.append(
                Demand(
                    raw["text"],
                    raw["lang"],
                    raw["type"],
                    bool(raw["urgent"]),
                    raw.get("set", "dev"),
                )
            )
    return rows


def load_set(name: str) -> list[Demand]:
    """The demands of one labelled set (see SETS)."""
    return [row for row in load(SETS[name]) if row.set == name]


def load_all() -> list[Demand]:
    return [row for name in SETS for row in load_set(name)]


def evaluate(
    rows: Iterable[Demand], guess: Callable[[Demand], str], labels: Iterable[str]
) -> Report:
    """Compare ``guess(row)`` with each row's type, per label."""
    pairs = [(row, guess(row)) for row in rows]
    return _report(pairs, lambda row: row.type, tuple(labels))


def evaluate_urgency(rows: Iterable[Demand], guess: Callable[[str], bool]) -> Report:
    pairs = [(row, "urgent" if guess(row.text) else "not urgent") for row in rows]
    return _report(pairs, lambda row: "urgent" if row.urgent else "not urgent", ("urgent",))


def _report(
    pairs: list[tuple[Demand, str]], expected: Callable[[Demand], str], labels: tuple[str, ...]
) -> Report:
    scores = []
    for label in labels:
        support = sum(1 for row, _ in pairs if expected(row) == label)
        predicted = sum(1 for _, got in pairs if got == label)
        correct = sum(1 for row, got in pairs if got == label and expected(row) == label)
        scores.append(Score(label, support, predicted, correct))
    mistakes = tuple((row, got) for row, got in pairs if got != expected(row))
    correct = len(pairs) - len(mistakes)
    return Report(len(pairs), correct, tuple(scores), mistakes)


def type_report(rows: list[Demand] | None = None) -> Report:
    from tickets.intake import guess_demand_type

    return evaluate(rows or load(), lambda row: guess_demand_type(row.text), TYPES)


def urgency_report(rows: list[Demand] | None = None) -> Report:
    from tickets.intake import guess_urgent

    return evaluate_urgency(rows or load(), guess_urgent)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Demand-type and urgency figures per set.")
    parser.add_argument("--mistakes", choices=tuple(SETS), action="append", default=[])
    args = parser.parse_args(argv)
    for name in SETS:
        rows = load_set(name)
        types, urgency = type_report(rows), urgency_report(rows)
        print("\n".join(types.lines(f"demand type [{name}]")))
        urgent = urgency.score("urgent")
        print(
            f"  urgency       precision {urgent.precision:6.1%}  recall {urgent.recall:6.1%}"
            f"  (n={urgent.support}, guessed {urgent.predicted})"
        )
        if name not in args.mistakes:
            continue
        for row, got in types.mistakes:
            print(f"    ✗ {got:<13} expected {row.type:<13} {row.text}")
        for row, got in urgency.mistakes:
            print(f"    ✗ {got:<13} expected {'urgent' if row.urgent else '-':<13} {row.text}")


if __name__ == "__main__":
    main()
