from __future__ import annotations

from pathlib import Path

from faq import Problem, load_knowledge_base
from tests.faq.conftest import GOOD_FILE, write


def problems_of(folder: Path) -> list[str]:
    result = load_knowledge_base(folder)
    assert result.kb is None
    return [str(p) for p in result.problems]


def test_valid_folder_loads_entries_with_sources(tmp_path: Path) -> None:
    path = write(tmp_path, "ss.yaml", GOOD_FILE)
    result = load_knowledge_base(tmp_path)
    assert result.problems == []
    kb = result.kb
    assert kb is not None
    assert [e.id for e in kb.entries] == ["ss-card-lost", "ss-record"]
    entry = kb.get("ss-card-lost")
    assert entry.department == "social-security"
    assert entry.keywords == ("社保卡", "补办")
    assert entry.source_file == str(path)
    assert entry.source_line == 3
    assert entry.answer_for("en") == "Report the loss, then apply for a new card."
    assert entry.answer_for("zh-Hant") == "先挂失再补办。"
    assert entry.answer_for("fr") == "先挂失再补办。"  # first language given
    assert entry.answer_for(None) == "先挂失再补办。"
    assert kb.get("ss-record").answer_for("en") == "登录社保公众号查询。"
    assert kb.departments() == {"social-security"}


def test_problem_str_is_file_line_message() -> None:
    assert str(Problem("a.yaml", 7, "boom")) == "a.yaml:7: boom"


def test_yaml_syntax_error_reports_its_line(tmp_path: Path) -> None:
    write(tmp_path, "bad.yaml", "department: x\nentries:\n  - id: a\n    questions: [unclosed\n")
    (msg,) = problems_of(tmp_path)
    assert msg.startswith(f"{tmp_path / 'bad.yaml'}:")
    assert "YAML syntax error" in msg


def test_unknown_keys_are_reported_at_their_line(tmp_path: Path) -> None:
    text = GOOD_FILE.replace(
        "    keywords: [社保卡, 补办]\n", "    keywords: [社保卡]\n    answr: x\n"
    )
    text = "owner: me\n" + text
    write(tmp_path, "ss.yaml", text)
    path = tmp_path / "ss.yaml"
    assert problems_of(tmp_path) == [
        f"{path}:1: unknown key 'owner' (allowed: department, entries)",
        f"{path}:12: unknown key 'answr' (allowed: id, questions, answer, keywords, department, "
        "links, reviewed, expires, owner)",
    ]


def test_missing_fields_empty_questions_and_bad_language_all_reported(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        """\
department: health
entries:
  - id: no-answer
    questions: [怎么预约？]
  - id: empty-questions
    questions: []
    answer: x
  - questions: [没有编号]
    answer: x
  - id: bad-lang
    questions: ["", 疫苗]
    answer:
      zh_CN: 你好
      en: hi
""",
    )
    path = tmp_path / "a.yaml"
    assert problems_of(tmp_path) == [
        f"{path}:3: entry 'no-answer': missing required field 'answer'",
        f"{path}:6: questions is empty",
        f"{path}:8: entry: missing required field 'id'",
        f"{path}:11: empty item in questions",
        f"{path}:13: bad language code 'zh_CN' (use BCP-47, e.g. zh, en, zh-Hant)",
    ]


def test_duplicate_ids_across_files_name_the_first_definition(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD_FILE)
    write(tmp_path, "sub/b.yaml", GOOD_FILE.replace("ss-record", "ss-other"))
    first = tmp_path / "a.yaml"
    second = tmp_path / "sub" / "b.yaml"
    assert problems_of(tmp_path) == [
        f"{second}:3: duplicate id 'ss-card-lost' (first defined at {first}:3)",
    ]


def test_duplicate_ids_are_reported_alongside_the_entries_other_problems(
    tmp_path: Path,
) -> None:
    """Entries that are broken in other ways still have their ids checked for duplicates."""
    write(
        tmp_path,
        "b.yaml",
        "entries:\n"
        "  - id: dup\n    questions: [one]\n    answer: a\n"
        "  - id: dup\n    questions: [two]\n    answer: b\n",
    )
    path = tmp_path / "b.yaml"
    assert problems_of(tmp_path) == [
        f"{path}:2: entry 'dup': no department (set it on the file or the entry)",
        f"{path}:5: entry 'dup': no department (set it on the file or the entry)",
        f"{path}:5: duplicate id 'dup' (first defined at {path}:2)",
    ]


def test_every_file_problem_is_reported_at_once(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "department: x\nentries: [\n")
    write(tmp_path, "b.yml", GOOD_FILE.replace("id: ss-record", "id: SS Record"))
    write(tmp_path, "c.yaml", "entries:\n  - id: c\n    questions: [q]\n    answer: a\n")
    msgs = problems_of(tmp_path)
    assert len(msgs) == 3
    assert msgs[0].startswith(f"{tmp_path / 'a.yaml'}:") and "YAML syntax error" in msgs[0]
    assert msgs[1] == f"{tmp_path / 'b.yml'}:11: bad id 'SS Record' (use a-z 0-9 and -)"
    assert (
        msgs[2]
        == f"{tmp_path / 'c.yaml'}:2: entry 'c': no department (set it on the file or the entry)"
    )


def test_empty_or_missing_folder_is_a_problem(tmp_path: Path) -> None:
    assert problems_of(tmp_path) == [f"{tmp_path}:0: no FAQ files (*.yaml, *.yml) in this folder"]
    assert problems_of(tmp_path / "nope") == [f"{tmp_path / 'nope'}:0: not a folder"]


def test_non_faq_files_and_hidden_files_are_ignored(tmp_path: Path) -> None:
    write(tmp_path, "ss.yaml", GOOD_FILE)
    write(tmp_path, "README.md", "not yaml")
    write(tmp_path, ".ss.yaml.swp", "garbage: [")
    result = load_knowledge_base(tmp_path)
    assert result.problems == []
    assert result.kb is not None and len(result.kb) == 2


def test_sample_knowledge_base_is_valid_and_uses_known_departments(sample_kb) -> None:  # type: ignore[no-untyped-def]
    assert len(sample_kb) >= 60
    assert sample_kb.departments() <= {
        "market-regulation",
        "civil-affairs",
        "education",
        "urban-management",
        "health",
        "housing-fund",
        "public-security",
        "social-security",
        "traffic-police",
        "utilities",
    }
    for entry in sample_kb.entries:
        assert {"zh", "en"} & set(entry.answer) or "und" in entry.answer
