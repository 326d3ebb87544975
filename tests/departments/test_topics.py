"""``topics:`` in the departments file: validated like the rest, FILE:LINE per problem."""

from __future__ import annotations

from pathlib import Path

from tickets.config.desk import load_desk_config

HEAD = """\
departments:
  - slug: traffic
    name: {zh: 交警, en: Traffic}
"""


def _load(tmp_path: Path, topics: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "departments.yaml"
    path.write_text(HEAD + topics, encoding="utf-8")
    return path, load_desk_config(path)


def test_topics_are_read_with_names_owner_and_description(tmp_path: Path) -> None:
    _, result = _load(
        tmp_path,
        """\
topics:
  - id: road-closures
    name: {zh: 道路封闭, en: Road closures}
    department: traffic
    description: {zh: 封路, en: Closures}
  - id: one-name
    name: 单一名称
    department: traffic
""",
    )
    assert result.ok, result.problems
    assert result.config is not None
    roads = result.config.topic("road-closures")
    assert roads is not None and roads.name_for("en") == "Road closures"
    assert roads.department == "traffic" and roads.description_for("zh") == "封路"
    assert list(result.config.topics) == ["road-closures", "one-name"]


def test_problems_name_file_and_line(tmp_path: Path) -> None:
    path, result = _load(
        tmp_path,
        """\
topics:
  - id: road-closures
    name: {zh: 道路封闭, en: Road closures}
    department: police
  - id: Bad_Id
    name: x
    department: traffic
  - id: dup
    name: x
    department: traffic
  - id: dup
    name: y
    department: traffic
  - id: no-owner
    name: z
  - id: extra
    name: z
    department: traffic
    colour: red
  - id: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    name: long
    department: traffic
""",
    )
    assert result.config is None
    got = [str(p) for p in result.problems]
    assert f"{path}:7: topic 'road-closures': unknown department 'police' (known: traffic)" in got
    assert any(g.startswith(f"{path}:8: bad topic id 'Bad_Id'") for g in got), got
    assert any(g.startswith(f"{path}:14: duplicate topic id 'dup' (first at line 11)") for g in got)
    assert any(g.startswith(f"{path}:17:") and "department" in g for g in got), got
    assert any(g.startswith(f"{path}:22:") and "colour" in g for g in got), got
    assert any(g.startswith(f"{path}:23: bad topic id") for g in got), got
