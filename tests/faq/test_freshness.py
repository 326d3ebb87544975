"""Freshness: reviewed / expires / owner, faq check, and expired entries never answered."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.cli import main
from faq import load_knowledge_base
from faq.freshness import check, review
from faq.loader import read_folder
from tests.faq.conftest import write

DATED = """\
department: social-security
entries:
  - id: ss-card-lost
    questions:
      - 社保卡丢了怎么补办？
      - 社保卡不见了怎么办？
    answer: 先挂失再补办。
    keywords: [社保卡, 补办]
    reviewed: 2025-01-10
    owner: social-security
  - id: ss-record
    questions:
      - 怎么查询社保缴费记录？
      - 社保参保证明在哪里打印？
    answer: 登录社保公众号查询。
    reviewed: 2026-02-01
    expires: 2026-07-01
  - id: ss-transfer
    questions:
      - 换城市工作了社保怎么转移？
    answer: 在新参保地申请转移接续。
"""


def entries(tmp_path: Path):  # type: ignore[no-untyped-def]
    write(tmp_path, "ss.yaml", DATED)
    found, problems, _ = read_folder(tmp_path)
    assert problems == []
    return found


def test_dates_and_owner_are_read_with_their_lines(tmp_path: Path) -> None:
    lost, record, transfer = entries(tmp_path)
    assert lost.reviewed == date(2025, 1, 10) and lost.owner == "social-security"
    assert lost.reviewed_line == 9
    assert record.expires == date(2026, 7, 1) and record.expires_line == 17
    assert record.owning_department == "social-security"  # no owner: the department
    assert transfer.reviewed is None and transfer.expires is None


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("    reviewed: 2025-02-30\n", "bad date '2025-02-30' for reviewed (use YYYY-MM-DD)"),
        ("    reviewed: last year\n", "bad date 'last year' for reviewed (use YYYY-MM-DD)"),
        ("    owner: Social Security\n", "bad owner slug 'Social Security' (use a-z 0-9 -)"),
    ],
)
def test_bad_dates_and_owners_are_problems_at_their_line(
    tmp_path: Path, field: str, message: str
) -> None:
    text = DATED.replace(
        "    answer: 在新参保地申请转移接续。\n", "    answer: 在新参保地申请转移接续。\n" + field
    )
    write(tmp_path, "ss.yaml", text)
    _, problems, _ = read_folder(tmp_path)
    assert [str(p) for p in problems] == [f"{tmp_path / 'ss.yaml'}:22: {message}"]


def test_expiry_must_follow_the_review(tmp_path: Path) -> None:
    write(tmp_path, "ss.yaml", DATED.replace("expires: 2026-07-01", "expires: 2026-01-01"))
    _, problems, _ = read_folder(tmp_path)
    assert [p.line for p in problems] == [17]
    assert "is not after reviewed" in problems[0].message


def test_review_finds_stale_expiring_and_expired_entries(tmp_path: Path) -> None:
    found = entries(tmp_path)
    kinds = {f.entry.id: f.kind for f in review(found, date(2026, 6, 10), 365)}
    assert kinds == {"ss-card-lost": "stale", "ss-record": "expiring", "ss-transfer": "unreviewed"}
    kinds = {f.entry.id: f.kind for f in review(found, date(2026, 7, 1), 730)}
    assert kinds == {"ss-record": "expired", "ss-transfer": "unreviewed"}


def test_check_warns_on_stale_and_fails_on_expired_or_unknown_owner(tmp_path: Path) -> None:
    found = entries(tmp_path)
    path = str(tmp_path / "ss.yaml")
    problems, warnings = check(found, date(2026, 7, 2), 365, ["health"])
    assert [str(p) for p in problems] == [
        f"{path}:17: entry 'ss-record' expired on 2026-07-01: the bot no longer gives this "
        "answer (update it and its dates, or remove it)",
        f"{path}:3: entry 'ss-card-lost': owner 'social-security' is not a department of the "
        "departments file",
        f"{path}:3: entry 'ss-card-lost': department 'social-security' is not a department of "
        "the departments file",
        f"{path}:11: entry 'ss-record': department 'social-security' is not a department of "
        "the departments file",
        f"{path}:18: entry 'ss-transfer': department 'social-security' is not a department of "
        "the departments file",
    ]
    assert [str(w) for w in warnings] == [
        f"{path}:9: warning: entry 'ss-card-lost' last reviewed on 2025-01-10, over 365 days "
        "ago (check the answer and update 'reviewed')",
        f"{path}:18: warning: entry 'ss-transfer' in this file have no 'reviewed' date",
    ]
    problems, warnings = check(found, date(2025, 6, 1), 365, None)
    assert problems == [] and [w.line for w in warnings] == [18]


def test_faq_check_cli_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "ss.yaml", DATED)
    assert (
        main(["faq", "check", str(tmp_path), "--today", "2026-06-10", "--review-days", "365"]) == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"{tmp_path / 'ss.yaml'}:9: warning: entry 'ss-card-lost' last reviewed on 2025-01-10, "
        "over 365 days ago (check the answer and update 'reviewed')"
    )
    assert out[-1] == "ok: 3 entries in 1 files (3 warning(s))"
    assert (
        main(["faq", "check", str(tmp_path), "--today", "2026-07-01", "--review-days", "900"]) == 1
    )
    out = capsys.readouterr().out
    assert f"{tmp_path / 'ss.yaml'}:17: entry 'ss-record' expired on 2026-07-01" in out
    assert main(["faq", "check", str(tmp_path), "--today", "tomorrow", "--review-days", "9"]) == 2


def test_faq_check_against_the_departments_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "kb", "ss.yaml", DATED.replace("owner: social-security", "owner: nobody"))
    departments = Path(__file__).resolve().parents[2] / "config" / "departments.yaml"
    args = ["faq", "check", str(tmp_path / "kb"), "--today", "2026-03-01", "--review-days", "400"]
    assert main([*args, "--departments", str(departments)]) == 1
    assert "owner 'nobody' is not a department" in capsys.readouterr().out
    assert main(args) == 0  # without the file, owners cannot be checked


def test_expired_entry_is_suggested_as_outdated_never_answered(tmp_path: Path) -> None:
    write(tmp_path, "ss.yaml", DATED)
    kb = load_knowledge_base(tmp_path).kb
    assert kb is not None
    fresh = kb.match("怎么查询社保缴费记录", today=date(2026, 6, 30))
    assert (fresh.decision, fresh.entry_id, fresh.outdated) == ("answer", "ss-record", ())
    old = kb.match("怎么查询社保缴费记录", today=date(2026, 7, 1))
    assert old.decision == "suggest" and old.entry_id is None
    assert old.candidates[0].id == "ss-record" and old.outdated == ("ss-record",)
    assert old.to_json()["outdated"] == ["ss-record"]
    assert "outdated" not in fresh.to_json()
    assert kb.expired("ss-record", date(2026, 7, 1)) and not kb.expired("ss-card-lost")
