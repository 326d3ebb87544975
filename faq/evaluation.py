"""Evaluate the matcher on labelled questions (``faq eval``).

Input lines: ``{"text": ..., "expect": "<id>" | null, "kind"?: ...}``; ``expect: null``
marks an out-of-scope question (the knowledge base has no answer for it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from faq.models import MatchResult

if TYPE_CHECKING:
    from faq.knowledge_base import KnowledgeBase

DEFINITIONS = (
    "direct = answered with the right id / in-scope lines; "
    "resolved = right answer or right id among suggestions / in-scope lines; "
    "wrong = answers with a wrong id or on an out-of-scope line / all lines; "
    "accuracy = right decision / all lines (in-scope: resolved; out-of-scope: none or suggest)"
)


@dataclass
class Outcome:
    line: int
    text: str
    expect: str | None
    kind: str
    result: MatchResult

    @property
    def in_scope(self) -> bool:
        return self.expect is not None

    @property
    def direct(self) -> bool:
        return self.result.decision == "answer" and self.result.entry_id == self.expect

    @property
    def resolved(self) -> bool:
        if not self.in_scope:
            return False
        return self.direct or (
            self.result.decision == "suggest"
            and any(c.id == self.expect for c in self.result.candidates)
        )

    @property
    def wrong(self) -> bool:
        return self.result.decision == "answer" and self.result.entry_id != self.expect

    @property
    def correct(self) -> bool:
        if self.in_scope:
            return self.resolved
        return self.result.decision in ("none", "suggest")


@dataclass
class Bucket:
    lines: int = 0
    in_scope: int = 0
    direct: int = 0
    resolved: int = 0
    wrong: int = 0
    correct: int = 0

    def add(self, o: Outcome) -> None:
        self.lines += 1
        self.in_scope += o.in_scope
        self.direct += o.direct
        self.resolved += o.resolved
        self.wrong += o.wrong
        self.correct += o.correct

    def rates(self) -> dict[str, float | None]:
        def r(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        return {
            "direct": r(self.direct, self.in_scope),
            "resolved": r(self.resolved, self.in_scope),
            "wrong": r(self.wrong, self.lines),
            "accuracy": r(self.correct, self.lines),
        }


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    thresholds: str = ""

    def totals(self) -> Bucket:
        b = Bucket()
        for o in self.outcomes:
            b.add(o)
        return b

    def by_kind(self) -> dict[str, Bucket]:
        out: dict[str, Bucket] = {}
        for o in self.outcomes:
            out.setdefault(o.kind, Bucket()).add(o)
        return dict(sorted(out.items()))

    def misses(self) -> list[Outcome]:
        wrong = [o for o in self.outcomes if o.wrong]
        wrong.sort(key=lambda o: -o.result.score)
        unresolved = [o for o in self.outcomes if o.in_scope and not o.resolved and not o.wrong]
        unresolved.sort(key=lambda o: -o.result.score)
        return wrong + unresolved

    def to_json(self) -> dict[str, object]:
        t = self.totals()
        oos = [o for o in self.outcomes if not o.in_scope]
        return {
            "lines": t.lines,
            "in_scope": t.in_scope,
            "out_of_scope": len(oos),
            **t.rates(),
            "false_answers_out_of_scope": sum(o.wrong for o in oos),
            "none_out_of_scope": sum(o.result.decision == "none" for o in oos),
            "definitions": DEFINITIONS,
            "thresholds": self.thresholds,
            "by_kind": {k: {"lines": b.lines, **b.rates()} for k, b in self.by_kind().items()},
            "misses": [
                {
                    "line": o.line,
                    "text": o.text,
                    "expect": o.expect,
                    "kind": o.kind,
                    **o.result.to_json(),
                }
                for o in self.misses()
            ],
            "errors": self.errors,
        }

    def render(self, max_misses: int = 15) -> str:
        t = self.totals()
        r = t.rates()
        oos = [o for o in self.outcomes if not o.in_scope]
        false_oos = sum(o.wrong for o in oos)
        none_oos = sum(o.result.decision == "none" for o in oos)

        def pct(v: float | None) -> str:
            return "  n/a" if v is None else f"{100 * v:5.1f}%"

        lines = [
            f"lines {t.lines} (in-scope {t.in_scope}, out-of-scope {len(oos)}); {self.thresholds}",
            f"direct right answers   {pct(r['direct'])}  ({t.direct}/{t.in_scope} in-scope)",
            f"resolved within 1 click{pct(r['resolved'])}  ({t.resolved}/{t.in_scope} in-scope)",
            f"wrong answers          {pct(r['wrong'])}  ({t.wrong}/{t.lines} lines)",
            f"false answers out-of-scope {false_oos}/{len(oos)}  (none {none_oos}, "
            f"suggest {len(oos) - none_oos - false_oos})",
            f"accuracy               {pct(r['accuracy'])}  ({t.correct}/{t.lines})",
            "kind              lines  direct resolved  wrong  accuracy",
        ]
        for kind, b in self.by_kind().items():
            k = b.rates()
            lines.append(
                f"{kind[:16]:<16} {b.lines:>6} {pct(k['direct'])} {pct(k['resolved'])} "
                f"{pct(k['wrong'])} {pct(k['accuracy'])}"
            )
        misses = self.misses()
        lines.append(f"worst misses ({len(misses)}; wrong answers first):")
        for o in misses[:max_misses]:
            res = o.result
            got = (
                res.entry_id if res.decision == "answer" else ",".join(c.id for c in res.candidates)
            )
            tag = "WRONG" if o.wrong else res.decision
            lines.append(
                f"  {tag:<7} {res.score:5.1f} expect={o.expect} got={got or '-'} "
                f"[{o.kind}] {o.text[:60]}"
            )
        if self.errors:
            lines.append(f"input errors ({len(self.errors)}):")
            lines.extend(f"  {e}" for e in self.errors[:10])
        lines.append("definitions: " + DEFINITIONS)
        return "\n".join(lines)


def evaluate(kb: KnowledgeBase, lines: Iterable[str]) -> Report:
    report = Report(thresholds=kb.thresholds.describe())
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except json.JSONDecodeError as exc:
            report.errors.append(f"line {n}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            report.errors.append(f"line {n}: expected an object with a 'text'")
            continue
        expect = item.get("expect")
        if expect is not None and not isinstance(expect, str):
            report.errors.append(f"line {n}: 'expect' must be an id or null")
            continue
        if expect is not None and expect not in kb:
            report.errors.append(f"line {n}: expected id '{expect}' is not in the knowledge base")
        kind = str(item.get("kind") or ("out_of_scope" if expect is None else "other"))
        result = kb.match(item["text"], item.get("lang"))
        report.outcomes.append(Outcome(n, item["text"], expect, kind, result))
    return report
