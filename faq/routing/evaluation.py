"""Evaluate the router on labelled demands (``route --eval``).

Input lines: ``{"text": ..., "expect": "<department slug>" | null, "lang"?, "kind"?}``;
``expect: null`` marks a demand no department of the file handles (the right outcome is
no proposal).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from faq.routing.router import RouteResult

if TYPE_CHECKING:
    from faq.routing.lessons import LessonIndex
    from faq.routing.router import Router

DEFINITIONS = (
    "first = the right department is the proposal or, unsure, the first button / in-scope "
    "lines; three = it is among the (at most three) departments offered / in-scope lines; "
    "proposed = pre-selected in the form (right / wrong) or no proposal (the citizen picks "
    "from the buttons) / all lines"
)


@dataclass
class Outcome:
    line: int
    text: str
    expect: str | None
    kind: str
    result: RouteResult

    @property
    def in_scope(self) -> bool:
        return self.expect is not None

    @property
    def first(self) -> bool:
        return self.in_scope and self.result.first == self.expect

    @property
    def three(self) -> bool:
        return self.in_scope and any(c.slug == self.expect for c in self.result.candidates)

    @property
    def proposed_right(self) -> bool:
        return self.result.department is not None and self.result.department == self.expect

    @property
    def wrong(self) -> bool:
        return self.result.department is not None and self.result.department != self.expect

    @property
    def none(self) -> bool:
        return self.result.department is None


@dataclass
class Bucket:
    lines: int = 0
    in_scope: int = 0
    first: int = 0
    three: int = 0
    proposed_right: int = 0
    none: int = 0
    wrong: int = 0

    def add(self, o: Outcome) -> None:
        self.lines += 1
        self.in_scope += o.in_scope
        self.first += o.first
        self.three += o.three
        self.proposed_right += o.proposed_right
        self.none += o.none
        self.wrong += o.wrong

    def rates(self) -> dict[str, float | None]:
        def r(a: int, b: int) -> float | None:
            return round(a / b, 4) if b else None

        return {
            "first": r(self.first, self.in_scope),
            "three": r(self.three, self.in_scope),
            "proposed_right": r(self.proposed_right, self.lines),
            "no_proposal": r(self.none, self.lines),
            "wrong_proposals": r(self.wrong, self.lines),
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

    def by_department(self) -> dict[str, Bucket]:
        out: dict[str, Bucket] = {}
        for o in self.outcomes:
            out.setdefault(o.expect or "(none)", Bucket()).add(o)
        return dict(sorted(out.items()))

    def misses(self) -> list[Outcome]:
        """Wrong proposals, then in-scope lines whose department is not first (outside the
        three first); each group by the score of what was offered instead."""
        wrong = sorted((o for o in self.outcomes if o.wrong), key=lambda o: -o.result.lead)
        rest = [o for o in self.outcomes if o.in_scope and not o.first and not o.wrong]
        rest.sort(
            key=lambda o: (o.three, -(o.result.candidates[0].score if o.result.candidates else 0))
        )
        return wrong + rest

    def to_json(self) -> dict[str, object]:
        t = self.totals()
        return {
            "lines": t.lines,
            "in_scope": t.in_scope,
            **t.rates(),
            "definitions": DEFINITIONS,
            "thresholds": self.thresholds,
            "by_department": {
                k: {"lines": b.lines, **b.rates()} for k, b in self.by_department().items()
            },
            "misses": [
                {"line": o.line, "text": o.text, "expect": o.expect, "kind": o.kind,
                 **o.result.to_json()}
                for o in self.misses()
            ],
            "errors": self.errors,
        }  # fmt: skip

    def render(self, max_misses: int = 15) -> str:
        t = self.totals()
        r = t.rates()

        def pct(v: float | None) -> str:
            return "  n/a" if v is None else f"{100 * v:5.1f}%"

        oos = t.lines - t.in_scope
        lines = [
            f"lines {t.lines} (in-scope {t.in_scope}, out-of-scope {oos}); {self.thresholds}",
            f"right department first {pct(r['first'])}  ({t.first}/{t.in_scope} in-scope)",
            f"right among the three  {pct(r['three'])}  ({t.three}/{t.in_scope} in-scope)",
            f"proposed, right        {pct(r['proposed_right'])}  ({t.proposed_right}/{t.lines})",
            f"no proposal (buttons)  {pct(r['no_proposal'])}  ({t.none}/{t.lines})",
            f"wrong proposals        {pct(r['wrong_proposals'])}  ({t.wrong}/{t.lines})",
            "department           lines   first   three  proposed  wrong",
        ]
        for slug, b in self.by_department().items():
            k = b.rates()
            lines.append(
                f"{slug[:18]:<18} {b.lines:>6} {pct(k['first'])} {pct(k['three'])} "
                f"{pct(k['proposed_right'])}  {pct(k['wrong_proposals'])}"
            )
        misses = self.misses()
        lines.append(f"worst misses ({len(misses)}; wrong proposals first):")
        for o in misses[:max_misses]:
            res = o.result
            got = ",".join(f"{c.slug}:{c.score:.0f}" for c in res.candidates)
            tag = "WRONG" if o.wrong else ("lower" if o.three else "absent")
            lines.append(
                f"  {tag:<7} lead {res.lead:5.1f} expect={o.expect} got={got or '-'} "
                f"[{o.kind}] {o.text[:60]}"
            )
        if self.errors:
            lines.append(f"input errors ({len(self.errors)}):")
            lines.extend(f"  {e}" for e in self.errors[:10])
        lines.append("definitions: " + DEFINITIONS)
        return "\n".join(lines)


def evaluate(router: Router, lines: Iterable[str], lessons: LessonIndex | None = None) -> Report:
    report = Report(thresholds=router.thresholds.describe())
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
            report.errors.append(f"line {n}: 'expect' must be a department slug or null")
            continue
        if expect is not None and expect not in router:
            report.errors.append(f"line {n}: expected department '{expect}' is not in the file")
        kind = str(item.get("kind") or ("out_of_scope" if expect is None else "other"))
        lang = item.get("lang")
        result = router.route(item["text"], lang if isinstance(lang, str) else None, lessons)
        report.outcomes.append(Outcome(n, item["text"], expect, kind, result))
    return report
