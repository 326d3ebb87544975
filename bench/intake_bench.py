"""Time per demand-type and urgency guess, as the request form makes them.

Run: .venv/bin/python bench/intake_bench.py [N]

Prints the model's load time and µs per guess (type and urgency of one text, the analysis
shared) for the labelled demands, and for the longest texts a ticket may hold (4,000
characters; the guess reads at most the first 300 and last 100).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from tests.tickets.demand_eval import load_all
from tickets import demand_cues
from tickets.demand_model import MODEL_PATH, load_model
from tickets.intake import MAX_TICKET_TEXT, guess_demand_type, guess_urgent


def _bench(label: str, texts: list[str]) -> None:
    demand_cues.analyse.cache_clear()
    started = time.perf_counter()
    for text in texts:
        guess_demand_type(text)
        guess_urgent(text)
    per = (time.perf_counter() - started) / len(texts)
    print(f"{label:<44} {per * 1e6:8.1f} µs/guess  ({len(texts)} texts)")


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
    started = time.perf_counter()
    load_model()
    size = Path(MODEL_PATH).stat().st_size
    print(f"model load {1e3 * (time.perf_counter() - started):.1f} ms ({size / 1024:.0f} KiB)")
    demands = [row.text for row in load_all()]
    texts = [f"{demands[i % len(demands)]} {i}" for i in range(n)]  # distinct: no cache hits
    _bench("labelled demands (type + urgency)", texts)
    long = "".join(demands)
    longest = [f"{i} {long[i : i + MAX_TICKET_TEXT]}" for i in range(max(1, n // 10))]
    _bench(f"{MAX_TICKET_TEXT}-character demands (type + urgency)", longest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
