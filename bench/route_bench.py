"""Department router benchmark: build, latency per proposal, CLI throughput.

Run: ``.venv/bin/python bench/route_bench.py [--quick]``. The sample departments file and
FAQ (``config/``); demands from the routing held-out set (tests/routing/data), varied; the
proposal is timed without lessons and with a full lesson index (5,000 lessons of 300 people).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from faq.loader import read_folder  # noqa: E402
from faq.routing import Lesson, LessonIndex, Router  # noqa: E402
from tickets.config.desk import load_desk_config  # noqa: E402

DEMANDS = ROOT / "tests" / "routing" / "data" / "heldout.jsonl"
TAILS = ("", "，谢谢", "，麻烦尽快处理", "，已经好几天了", " please help", "，急")


def demands(n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    base = [json.loads(line)["text"] for line in DEMANDS.read_text(encoding="utf-8").splitlines()]
    return [rng.choice(base) + rng.choice(TAILS) for _ in range(n)]


def build() -> tuple[Router, float]:
    desk = load_desk_config(ROOT / "config" / "departments.yaml").config
    assert desk is not None
    entries, problems, _ = read_folder(ROOT / "config" / "faq")
    assert not problems
    t0 = time.perf_counter()
    router = Router.build(list(desk.departments.values()), entries)
    return router, time.perf_counter() - t0


def lessons(router: Router, n: int) -> tuple[LessonIndex, float]:
    rng = random.Random(9)
    texts = demands(n, seed=7)
    index = LessonIndex()
    t0 = time.perf_counter()
    for i, text in enumerate(texts, start=1):
        index.add(
            Lesson(
                id=i,
                text=text,
                to_department=rng.choice(router.slugs),
                from_department=None,
                source=rng.choice(("transfer", "citizen")),
                actor=f"staff:{rng.randrange(300)}",
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
    return index, time.perf_counter() - t0


def latency(router: Router, texts: list[str], index: LessonIndex | None) -> dict[str, float]:
    times = []
    for text in texts:
        t0 = time.perf_counter()
        router.route(text, None, index)
        times.append(time.perf_counter() - t0)
    times.sort()
    return {
        "p50_ms": 1000 * times[len(times) // 2],
        "p99_ms": 1000 * times[int(len(times) * 0.99)],
        "per_s": len(times) / sum(times),
        "mean_ms": 1000 * statistics.fmean(times),
    }


def bench_cli(lines: int, workers: int | None) -> dict[str, float]:
    payload = "".join(
        json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in demands(lines, seed=3)
    ).encode()
    cmd = [sys.executable, "-m", "bot.cli", "route", "--jsonl"]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, input=payload, capture_output=True, cwd=ROOT, check=True)
    total = time.perf_counter() - t0
    assert len(proc.stdout.decode().splitlines()) == lines, proc.stderr[-500:]
    t0 = time.perf_counter()
    subprocess.run(cmd, input=b"", capture_output=True, cwd=ROOT, check=True)
    startup = time.perf_counter() - t0
    return {"total_s": total, "startup_s": startup, "lines_per_s": lines / total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller runs (seconds)")
    args = parser.parse_args()
    n = 2000 if args.quick else 10000
    print(f"python {sys.version.split()[0]}, one process (one core)")
    router, seconds = build()
    print(
        f"build: {len(router.slugs)} departments, {len(router.phrases)} phrases in "
        f"{seconds:.2f}s incl. calibration ({router.thresholds.describe()})"
    )
    texts = demands(n)
    index, index_s = lessons(router, 5000)
    print(f"lesson index: {len(index)} lessons in {index_s:.2f}s")
    for label, lesson_index in (("no lessons", None), ("5,000 lessons", index)):
        r = latency(router, texts, lesson_index)
        print(
            f"proposal ({label}): p50 {r['p50_ms']:.3f} ms, p99 {r['p99_ms']:.3f} ms, "
            f"mean {r['mean_ms']:.3f} ms = {r['per_s']:.0f} proposals/s"
        )
    lines = 3000 if args.quick else 20000
    for workers, label in ((1, "one process"), (None, "default workers")):
        c = bench_cli(lines, workers)
        print(
            f"route --jsonl ({label}): {lines} lines in {c['total_s']:.2f}s incl. start-up = "
            f"{c['lines_per_s']:.0f} lines/s (start-up alone {c['startup_s']:.2f}s)"
        )


if __name__ == "__main__":
    main()
