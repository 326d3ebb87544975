"""How well the request form guesses a demand's type and urgency, on a labelled set.

``tests/tickets/data/demand_types.jsonl`` holds citizen demands as a city hotline receives
them (zh and en, colloquial, short and long), one JSON object a line: ``text``, ``lang``,
``type`` (consultation | help | complaint | report | suggestion), ``urgent`` and ``set``. The
labels say what an operator would file the demand as, not what the rules happen to find.
``set`` is ``dev`` for the demands the rules were written against and ``holdout`` for those
written afterwards and never used to tune them (their figures are the honest ones).

``python -m tests.tickets.demand_eval`` prints accuracy and per-type precision and recall of
:func:`tickets.intake.guess_demand_type` (and of the urgency hint); the test
``tests/tickets/test_intake.py`` holds a floor under them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data" / "demand_types.jsonl"
TYPES = ("consultation", "help", "complaint", "report", "suggestion")


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


def main() -> None:
    everything = load()
    for part in ("dev", "holdout", "all"):
        rows = [r for r in everything if part in ("all", r.set)]
        for title, report in (
            (f"demand type [{part}]", type_report(rows)),
            (f"urgency [{part}]", urgency_report(rows)),
        ):
            print("\n".join(report.lines(title)))
            if part != "holdout":
                continue
            for row, got in report.mistakes:
                wanted = (
                    row.type if title.startswith("demand") else ("urgent" if row.urgent else "-")
                )
                print(f"    ✗ {got:<13} expected {wanted:<13} {row.text}")


if __name__ == "__main__":
    main()
