"""``citizen-desk route``: JSON lines (the DESIGN contract), one demand, and --eval."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.routing.conftest import HELDOUT, ROOT, SAMPLE_DEPARTMENTS, SAMPLE_FAQ, TOY


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "route", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


FILES = ("--departments", str(SAMPLE_DEPARTMENTS), "--kb", str(SAMPLE_FAQ))


def test_jsonl_keeps_order_and_count_on_bad_lines() -> None:
    lines = [
        '{"text": "停水一整天了", "lang": "zh"}',
        "not json",
        "",
        '{"lang": "en"}',
        "[1, 2]",
        '{"text": "   "}',
        '{"text": "My employer has not paid my wages for three months"}',
        '{"text": "我想反映一个情况"}',
    ]
    proc = run_cli(*FILES, "--jsonl", stdin="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert len(out) == len(lines)
    assert [("error" in o) for o in out] == [False, True, True, True, True, True, False, False]
    assert out[0]["department"] == "utilities"
    assert out[0]["candidates"][0] == {
        "slug": "utilities",
        "score": out[0]["candidates"][0]["score"],
    }
    assert all(0 <= c["score"] <= 100 for o in out if "candidates" in o for c in o["candidates"])
    assert all(len(o["candidates"]) <= 3 for o in out if "candidates" in o)
    assert out[6]["candidates"][0]["slug"] == "social-security"
    assert out[7] == {"department": None, "candidates": []}


def test_jsonl_workers_give_the_single_process_output() -> None:
    demands = [json.loads(x)["text"] for x in HELDOUT.read_text(encoding="utf-8").splitlines()]
    lines = [
        json.dumps({"text": demands[i % len(demands)]}, ensure_ascii=False) for i in range(900)
    ]
    lines[5] = "not json"
    stdin = "\n".join(lines) + "\n"
    single = run_cli(*FILES, "--jsonl", "--workers", "1", stdin=stdin)
    pooled = run_cli(*FILES, "--jsonl", "--workers", "2", stdin=stdin)
    assert single.returncode == 0 and pooled.returncode == 0, pooled.stderr
    assert len(single.stdout.splitlines()) == 900
    assert pooled.stdout == single.stdout


def test_one_demand_human_readable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", *FILES, "小区的路灯坏了好几天了"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "proposal: urban-management (城市管理局)"
    assert out[1].startswith("lead ") and "[calibrated]" in out[1]
    assert out[2].split()[1] == "urban-management" and "<- " in out[2]


def test_eval_prints_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", *FILES, "--eval", str(HELDOUT)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("lines 180 (in-scope 180, out-of-scope 0); proposal when the lead")
    assert out[1].startswith("right department first ")
    assert out[2].startswith("right among the three ")
    assert [line.split()[0] for line in out[3:6]] == ["proposed,", "no", "wrong"]
    assert "department           lines   first   three  proposed  wrong" in out
    assert any(line.startswith("worst misses (") for line in out)
    assert main(["route", *FILES, "--eval", str(HELDOUT), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["lines"] == 180 and report["first"] >= 0.85 and report["three"] >= 0.97
    assert set(report["by_department"]) == {
        "civil-affairs", "education", "health", "housing-fund", "market-regulation",
        "public-security", "social-security", "traffic-police", "urban-management", "utilities",
    }  # fmt: skip


def test_problems_and_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "departments.yaml"
    bad.write_text(
        TOY.replace("duties:\n      zh: [公园管理", "duties:\n      zh: [{a: b}"), encoding="utf-8"
    )
    assert main(["route", "--departments", str(bad), "--kb", str(SAMPLE_FAQ), "x"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:" in err and "must be text" in err
    assert main(["route", *FILES]) == 2
    assert capsys.readouterr().err.startswith("usage: citizen-desk route")
    assert main(["route", *FILES, "--jsonl", "text"]) == 2
    assert main(["route", *FILES, "--margin", "200", "x"]) == 2
