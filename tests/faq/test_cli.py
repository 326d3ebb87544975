from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.cli import main
from tests.faq.conftest import GOOD_FILE, HELDOUT_KB, ROOT, write


def run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )


def test_check_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "ss.yaml", GOOD_FILE)
    assert main(["faq", "check", str(tmp_path)]) == 0
    assert capsys.readouterr().out == "ok: 2 entries in 1 files\n"


def test_check_reports_every_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "a.yaml", "department: x\nentries: [\n")
    write(
        tmp_path,
        "b.yaml",
        GOOD_FILE.replace("questions:\n      - 怎么查询", "questiones:\n      - 怎么查询"),
    )
    assert main(["faq", "check", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{tmp_path / 'a.yaml'}:3: YAML syntax error")
    assert (
        lines[1]
        == f"{tmp_path / 'b.yaml'}:11: entry 'ss-record': missing required field 'questions'"
    )
    assert lines[2].startswith(f"{tmp_path / 'b.yaml'}:12: unknown key 'questiones'")


def test_match_jsonl_keeps_order_and_count_on_bad_lines() -> None:
    lines = [
        '{"text": "暖气费在哪交", "lang": "zh"}',
        "not json",
        "",
        '{"lang": "en"}',
        "[1, 2]",
        '{"text": "你好"}',
        '{"text": "   "}',
        '{"text": "How do I apply for a passport?"}',
    ]
    proc = run_cli(
        "faq", "match", "--kb", str(HELDOUT_KB), "--jsonl", stdin="\n".join(lines) + "\n"
    )
    assert proc.returncode == 0, proc.stderr
    out = [json.loads(x) for x in proc.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[0] == {
        "decision": "answer",
        "id": "heating-fee",
        "score": out[0]["score"],
        "candidates": [],
    }
    assert 0 <= out[0]["score"] <= 100
    assert [("error" in o) for o in out] == [False, True, True, True, True, False, True, False]
    assert out[5]["decision"] == "none" and out[5]["id"] is None
    assert out[7]["id"] == "passport-apply"


def test_match_jsonl_workers_match_the_single_process_output() -> None:
    """Piped in bulk, lines go to worker processes; the output is the same, line for line."""
    questions = [
        '{"text": "暖气费在哪交", "lang": "zh"}',
        '{"text": "How do I apply for a passport?"}',
        "not json",
        '{"text": "狗证年检怎么办"}',
        "",
        '{"text": "借的书到期了怎么续借"}',
        '{"text": "今天天气怎么样"}',
    ]
    lines = [questions[i % len(questions)] for i in range(3000)]
    stdin = "\n".join(lines) + "\n"
    args = ("faq", "match", "--kb", str(HELDOUT_KB), "--jsonl")
    single = run_cli(*args, "--workers", "1", stdin=stdin)
    pooled = run_cli(*args, "--workers", "2", stdin=stdin)
    assert single.returncode == 0 and pooled.returncode == 0, pooled.stderr
    assert pooled.stderr == ""
    assert len(single.stdout.splitlines()) == 3000
    assert pooled.stdout == single.stdout
    first = [json.loads(x) for x in pooled.stdout.splitlines()[:7]]
    assert first[0]["id"] == "heating-fee" and "error" in first[2] and "error" in first[4]


def test_match_jsonl_answers_each_line_as_it_arrives() -> None:
    """A program that writes a line and waits for its answer gets it before writing more."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "faq", "match", "--kb", str(HELDOUT_KB), "--jsonl"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdin is not None and proc.stdout is not None
    watchdog = threading.Timer(30, proc.kill)  # a buffered reply would block readline forever
    watchdog.start()
    try:
        for text, expected in (
            ("暖气费在哪交", "heating-fee"),
            ("狗证年检怎么办", "dog-license-renew"),
        ):
            proc.stdin.write(json.dumps({"text": text}).encode() + b"\n")
            proc.stdin.flush()
            answer = json.loads(proc.stdout.readline())  # would block forever if buffered
            assert answer["id"] == expected, answer
        proc.stdin.write(b'{"text": "no newline at the end"}')
        proc.stdin.close()
        last = proc.stdout.read().decode().splitlines()
        assert len(last) == 1 and "decision" in json.loads(last[0])
        assert proc.wait(timeout=30) == 0
    finally:
        watchdog.cancel()
        proc.kill()


def test_match_human_readable() -> None:
    proc = run_cli("faq", "match", "--kb", str(HELDOUT_KB), "狗证年检怎么办")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("decision: answer")
    assert "dog-license-renew" in proc.stdout
    assert "养犬登记证每年到期前30天内办理年检" in proc.stdout


def test_eval_output_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = Path(__file__).parent / "data" / "heldout.jsonl"
    assert main(["faq", "eval", "--kb", str(HELDOUT_KB), str(data)]) == 0
    text = capsys.readouterr().out
    head = text.splitlines()[:25]
    assert head[0].startswith("lines 63 (in-scope 47, out-of-scope 16)")
    assert any(line.startswith("resolved within 1 click") for line in head)
    assert any(line.startswith("wrong answers") for line in head)
    assert any(line.startswith("out_of_scope") for line in head)
    assert "definitions: direct = answered with the right id" in text

    assert main(["faq", "eval", "--kb", str(HELDOUT_KB), str(data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["lines"] == 63 and report["in_scope"] == 47
    assert set(report["by_kind"]) >= {"typo", "traditional", "out_of_scope", "short"}
    assert 0 <= report["wrong"] <= 1 and 0 <= report["resolved"] <= 1


def test_eval_counts_wrong_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "q.jsonl"
    data.write_text(
        '{"text": "暖气费在哪交", "expect": "heating-not-warm", "kind": "x"}\n'
        '{"text": "暖气费在哪交", "expect": null}\n'
        '{"text": "暖气费在哪交", "expect": "heating-fee"}\nbroken\n',
        encoding="utf-8",
    )
    assert main(["faq", "eval", "--kb", str(HELDOUT_KB), str(data), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["lines"] == 3
    assert report["wrong"] == round(2 / 3, 4)
    assert report["false_answers_out_of_scope"] == 1
    assert report["direct"] == 0.5
    assert report["misses"][0]["expect"] in ("heating-not-warm", None)
    assert report["errors"] == ["line 4: not valid JSON (Expecting value)"]
