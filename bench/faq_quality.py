"""FAQ matcher quality on every labelled set: direct, resolved within one click, wrong.

Run: ``.venv/bin python bench/faq_quality.py [--semantic] [--misses N]``. Sets:

- ``dev``: the shared evaluation set (``../shared/faq-eval``; skipped when absent),
- ``heldout``: tests/faq/data/heldout_kb with heldout.jsonl,
- ``unseen``: tests/faq/data/unseen_kb with unseen.jsonl (46 entries, written without
  looking at the matcher's misses),
- ``fresh``: tests/faq/data/fresh_kb with fresh.jsonl (28 entries, written after the
  matcher changes and never tuned on),
- ``own``: tests/faq/data/own_kb with own.jsonl (18 entries in new domains: rural affairs,
  intellectual property, archives, telecom, drones...; written before the h11-faq3 matcher
  changes and measured only before and after them),
- ``sample-unseen`` / ``dev-unseen``: tests/faq/data/sample_unseen.jsonl (near-miss, situation
  and homophone-typo questions) on config/faq and on the shared dev base,
- ``perturb-*``: the perturbation sets of tests/faq/perturbation.py.

``--semantic`` turns on the optional embedding second opinion (``FAQ_SEMANTIC``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from faq.evaluation import Report, evaluate  # noqa: E402
from faq.loader import load_knowledge_base  # noqa: E402
from faq.models import MatcherConfig  # noqa: E402

DATA = ROOT / "tests" / "faq" / "data"
SHARED = ROOT.parent.parent / "shared" / "faq-eval"
if not SHARED.is_dir():
    SHARED = Path("/work/shared/faq-eval")


def _sets() -> list[tuple[str, Path, Path | None]]:
    out: list[tuple[str, Path, Path | None]] = []
    if (SHARED / "dev.jsonl").is_file():
        out.append(("dev", SHARED / "kb", SHARED / "dev.jsonl"))
    out += [
        ("heldout", DATA / "heldout_kb", DATA / "heldout.jsonl"),
        ("unseen", DATA / "unseen_kb", DATA / "unseen.jsonl"),
        ("fresh", DATA / "fresh_kb", DATA / "fresh.jsonl"),
        ("sample-unseen", ROOT / "config" / "faq", DATA / "sample_unseen.jsonl"),
        ("own", DATA / "own_kb", DATA / "own.jsonl"),
    ]
    if (SHARED / "kb").is_dir():
        out.append(("dev-unseen", SHARED / "kb", DATA / "sample_unseen.jsonl"))
    out += [
        ("perturb-sample", ROOT / "config" / "faq", None),
        ("perturb-heldout", DATA / "heldout_kb", None),
        ("perturb-unseen", DATA / "unseen_kb", None),
        ("perturb-fresh", DATA / "fresh_kb", None),
    ]
    return out


def run(
    name: str, kb_dir: Path, lines_file: Path | None, config: MatcherConfig
) -> tuple[Report, list[float]]:
    """The evaluation report and the latency of each match (seconds)."""
    if lines_file is None:
        from tests.faq.perturbation import build

        kb, raw = build(kb_dir, config=config)
        lines = [json.dumps(x, ensure_ascii=False) for x in raw]
    else:
        result = load_knowledge_base(kb_dir, config)
        assert result.kb is not None, result.problems
        kb = result.kb
        with lines_file.open(encoding="utf-8") as fh:
            lines = list(fh)
    times: list[float] = []
    plain = kb.match

    def timed(text: str, lang: str | None = None):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            return plain(text, lang)
        finally:
            times.append(time.perf_counter() - t0)

    kb.match = timed  # type: ignore[method-assign]
    return evaluate(kb, lines), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--semantic", action="store_true", help="with the embedding opinion")
    parser.add_argument("--misses", type=int, default=0, help="misses listed per set")
    parser.add_argument("--only", help="comma-separated set names")
    args = parser.parse_args()
    config = MatcherConfig(semantic=True) if args.semantic else MatcherConfig()
    wanted = set(args.only.split(",")) if args.only else None
    print(f"{'set':<16} {'lines':>5} {'direct':>7} {'resolved':>8} {'wrong':>6}  p50 ms  p99 ms")
    for name, kb_dir, lines_file in _sets():
        if wanted and name not in wanted:
            continue
        report, times = run(name, kb_dir, lines_file, config)
        times.sort()
        t = report.totals()
        r = t.rates()
        p50 = 1000 * times[len(times) // 2] if times else 0.0
        p99 = 1000 * times[max(0, int(0.99 * len(times)) - 1)] if times else 0.0
        print(
            f"{name:<16} {t.lines:>5} {100 * (r['direct'] or 0):>6.1f}% "
            f"{100 * (r['resolved'] or 0):>7.1f}% {100 * (r['wrong'] or 0):>5.2f}%  "
            f"{p50:>6.2f}  {p99:>6.2f}"
        )
        if args.misses:
            for line in report.render(max_misses=args.misses).splitlines():
                if line.startswith("  "):
                    print("   ", line)


if __name__ == "__main__":
    main()
