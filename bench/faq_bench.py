"""FAQ matcher benchmark: index build, match latency, memory, CLI throughput.

Run: ``.venv/bin/python bench/faq_bench.py [--quick]``. Synthetic knowledge bases of
100 / 1,000 / 10,000 entries (zh + en questions built from a vocabulary of objects,
actions and question frames), queried on one core.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from faq.knowledge_base import KnowledgeBase  # noqa: E402
from faq.models import Entry, MatcherConfig  # noqa: E402

ZH_OBJECTS = (
    "社保卡 身份证 驾驶证 居住证 公积金 医保 护照 营业执照 结婚证 户口 出生证明 暖气 燃气 水费 电费 "
    "疫苗 学位 车辆 停车 垃圾 养老金 低保 退休 房产证 不动产 图书证 公交卡 老年卡 残疾证 献血证 "
    "港澳通行证 签证 营业 商标 食品 药品 诊所 学校 幼儿园 教师 律师 公证 档案 失业金 工伤 生育 "
    "个税 发票 社区 物业 路灯 噪音 油烟 占道 绿化 违建 狗证 网约车 出租车 地铁 公交 共享单车"
).split()
ZH_ACTIONS = (
    "办理 补办 挂失 换领 续期 查询 缴纳 转移 注销 变更 预约 申请 提取 报销 年检 登记 投诉 退费 领取 打印"
).split()
ZH_FRAMES = (
    "{o}怎么{a}？",
    "{o}{a}需要什么材料？",
    "在哪里{a}{o}？",
    "{o}{a}要多久？",
    "{a}{o}收费吗？",
)
EN_OBJECTS = (
    "social security card|ID card|driving licence|residence permit|housing fund|medical insurance|"
    "passport|business licence|marriage certificate|household registration|heating|gas bill|"
    "water bill|vaccination|parking permit|pension|library card|bus card|dog licence|tax refund"
).split("|")
EN_ACTIONS = "apply for|replace|renew|check|pay|transfer|cancel|change|book|register".split("|")
EN_FRAMES = ("How do I {a} my {o}?", "Where can I {a} a {o}?", "What do I need to {a} a {o}?")


def synthetic_entries(n: int, seed: int = 1) -> list[Entry]:
    rng = random.Random(seed)
    entries = []
    for i in range(n):
        o, a = rng.choice(ZH_OBJECTS), rng.choice(ZH_ACTIONS)
        o2 = rng.choice(ZH_OBJECTS)
        qs = [
            rng.choice(ZH_FRAMES).format(o=o, a=a),
            rng.choice(ZH_FRAMES).format(o=o, a=a) + f"（{o2}{i % 97}号窗口）",
        ]
        eo, ea = rng.choice(EN_OBJECTS), rng.choice(EN_ACTIONS)
        qs.append(rng.choice(EN_FRAMES).format(o=eo, a=ea) + f" (case {i})")
        entries.append(
            Entry(
                id=f"e{i}",
                questions=tuple(qs),
                answer={"zh": f"答案{i}", "en": f"Answer {i}"},
                keywords=(o + a, f"{eo} {i}"),
                department="civil-affairs",
            )
        )
    return entries


def synthetic_queries(entries: list[Entry], n: int, seed: int = 2) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        e = rng.choice(entries)
        q = rng.choice(e.questions)
        kind = rng.random()
        if kind < 0.2:
            q = q[: max(2, len(q) // 2)]  # short
        elif kind < 0.35:
            q = "你好，我想问一下，" + q + " 麻烦尽快回复，谢谢"  # rambling
        elif kind < 0.5:
            q = rng.choice(["今天天气怎么样", "附近有什么好吃的", "在吗", "hello there"])
        out.append(q)
    return out


def bench_kb(n: int, queries: int) -> dict[str, float]:
    entries = synthetic_entries(n)
    gc.collect()
    t0 = time.perf_counter()
    kb = KnowledgeBase.build(entries, MatcherConfig(calibrate=False))
    index_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    kb = KnowledgeBase.build(entries)
    build = time.perf_counter() - t0
    del kb
    gc.collect()
    tracemalloc.start()
    kb = KnowledgeBase.build(entries, MatcherConfig(calibrate=False))
    size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    kb = KnowledgeBase.build(entries)
    gc.collect()
    gc.freeze()  # as the service does after a load: the index never needs collecting
    qs = synthetic_queries(entries, queries)
    for q in qs[:200]:  # warm the per-character caches
        kb.match(q)
    times = []
    for q in qs:
        t = time.perf_counter()
        kb.match(q)
        times.append(time.perf_counter() - t)
    times.sort()
    gc.unfreeze()
    return {
        "entries": n,
        "build_s": build,
        "index_s": index_s,
        "index_mb": size / 1e6,
        "peak_mb": peak / 1e6,
        "p50_ms": 1000 * statistics.median(times),
        "p99_ms": 1000 * times[int(0.99 * len(times)) - 1],
        "mean_ms": 1000 * statistics.fmean(times),
        "thresholds": kb.thresholds.describe(),
    }


def bench_cli(kb_dir: Path, lines: int, workers: int | None = None) -> dict[str, float]:
    dev = [
        "社保卡丢了怎么补办",
        "社會保障卡遺失怎麼辦",
        "设保卡丢了",
        "how do I pay my water bill",
        "我的driver license快expire了，怎么renew",
        "你好",
        "我上周末在公园跑步的时候把钱包弄丢了，里面有身份证，现在要怎么补办身份证啊，急用",
        "公积金贷款利率现在是多少",
    ]
    payload = "".join(
        json.dumps(
            {"text": dev[i % len(dev)] + ("" if i < len(dev) else f" {i % 50}")}, ensure_ascii=False
        )
        + "\n"
        for i in range(lines)
    )
    cmd = [sys.executable, "-m", "bot.cli", "faq", "match", "--kb", str(kb_dir), "--jsonl"]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, input=payload.encode(), capture_output=True, cwd=ROOT, check=True)
    total = time.perf_counter() - t0
    out = proc.stdout.decode().splitlines()
    assert len(out) == lines, (len(out), proc.stderr[-500:])
    t0 = time.perf_counter()
    subprocess.run(cmd, input=b"", capture_output=True, cwd=ROOT, check=True)
    startup = time.perf_counter() - t0
    return {"lines": lines, "total_s": total, "startup_s": startup, "lines_per_s": lines / total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller runs (seconds)")
    args = parser.parse_args()
    sizes = (100, 1000) if args.quick else (100, 1000, 10000)
    queries = 500 if args.quick else 3000
    print(f"python {sys.version.split()[0]}, one process (one core)")
    print("build s = index + calibration; index s = index only; MB = traced allocations")
    print(
        f"{'entries':>8} {'build s':>8} {'index s':>8} {'index MB':>9} {'peak MB':>8} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'mean ms':>8}"
    )
    for n in sizes:
        r = bench_kb(n, queries)
        print(
            f"{r['entries']:>8} {r['build_s']:>8.2f} {r['index_s']:>8.2f} {r['index_mb']:>9.1f} {r['peak_mb']:>8.1f} "
            f"{r['p50_ms']:>7.3f} {r['p99_ms']:>7.3f} {r['mean_ms']:>8.3f}   {r['thresholds']}"
        )
    kb_dir = ROOT / "config" / "faq"
    lines = 2000 if args.quick else 10000
    for workers, label in ((1, "one process"), (None, "default workers")):
        with tempfile.TemporaryDirectory():
            c = bench_cli(kb_dir, lines, workers)
        print(
            f"faq match --jsonl ({kb_dir.relative_to(ROOT)}, {label}): {c['lines']} lines in "
            f"{c['total_s']:.2f}s incl. start-up = {c['lines_per_s']:.0f} lines/s "
            f"(start-up alone {c['startup_s']:.2f}s)"
        )


if __name__ == "__main__":
    main()
