"""Gap clustering benchmark: time and quality on generated corpora of unanswered questions.

Run: ``.venv/bin/python bench/gaps_bench.py``. The corpus (tests/faq/gapcorpus.py) has
11 needs x 4 paraphrase templates with fillers, chatter, Traditional script and noise.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from faq.clusters import cluster  # noqa: E402
from tests.faq.gapcorpus import corpus  # noqa: E402
from tests.faq.test_clusters import adjusted_rand_index  # noqa: E402


def main() -> None:
    print(
        f"{'questions':>9} {'distinct':>8} {'clusters':>8} {'seconds':>8} {'ARI':>6} {'purity':>6}"
    )
    for per_need in (30, 100, 300, 1000):
        pairs = list(corpus(per_need=per_need, noise=per_need // 2, seed=3))
        texts = [t for t, _ in pairs]
        truth = [n for _, n in pairs]
        t0 = time.perf_counter()
        found_clusters = cluster(texts)
        seconds = time.perf_counter() - t0
        found = [0] * len(texts)
        for k, c in enumerate(found_clusters):
            for i in c.members:
                found[i] = k
        by: dict[int, Counter[str]] = {}
        for need, k in zip(truth, found, strict=True):
            by.setdefault(k, Counter())[need] += 1
        purity = sum(c.most_common(1)[0][1] for c in by.values()) / len(texts)
        print(
            f"{len(texts):>9} {len(set(texts)):>8} {len(found_clusters):>8} {seconds:>8.2f} "
            f"{adjusted_rand_index(truth, found):>6.3f} {purity:>6.3f}"
        )


if __name__ == "__main__":
    main()
