"""Line-aware reading of administrator-edited YAML files.

Files are composed to YAML *nodes* (not plain objects) so every value keeps its 1-based line,
and every problem is collected as a :class:`Problem` shown as ``FILE:LINE: message`` instead of
stopping at the first one. Scalars are read from their source text (``node.value``), so YAML 1.1
surprises such as ``9:30`` becoming the integer 570 or ``no`` becoming ``False`` never happen
silently. Generic: nothing here knows about departments or the FAQ; both read through it.

Typical use::

    root, problems = compose_file(path)
    reader = NodeReader(str(path), problems)
    fields = reader.mapping(root, "file", allowed=("a", "b"), required=("a",))
    a = reader.text(fields["a"].value, "a") if "a" in fields else None
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from configfiles.problems import Problem

__all__ = [
    "Field",
    "NodeReader",
    "Problem",
    "compose_file",
    "compose_text",
    "is_null",
    "line_of",
]

try:  # the C composer when PyYAML was built with libyaml
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

_NULL_TAG = "tag:yaml.org,2002:null"
_INT_RE = re.compile(r"^[-+]?[0-9]+$")


class Field(NamedTuple):
    """A key of a mapping with the nodes of the key and of its value."""

    key: Node
    value: Node


def line_of(node: Node) -> int:
    """The 1-based line where ``node`` starts."""
    return node.start_mark.line + 1


def is_null(node: Node) -> bool:
    """``~``, ``null`` or an empty value."""
    return isinstance(node, ScalarNode) and node.tag == _NULL_TAG


def compose_text(source: str, name: str) -> tuple[Node | None, list[Problem]]:
    """Compose one YAML document; syntax errors become problems at their line."""
    try:
        docs = list(yaml.compose_all(source, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = exc.problem or "invalid YAML"
        context = f" ({exc.context})" if exc.context else ""
        return None, [Problem(name, line, f"YAML syntax error: {what}{context}")]
    except yaml.YAMLError as exc:
        return None, [Problem(name, 1, f"YAML error: {exc}")]
    docs = [d for d in docs if d is not None and not is_null(d)]
    if not docs:
        return None, [Problem(name, 1, "file is empty")]
    problems = []
    if len(docs) > 1:
        problems.append(
            Problem(name, line_of(docs[1]), "only one YAML document per file is allowed")
        )
    return docs[0], problems


def compose_file(path: Path, name: str | None = None) -> tuple[Node | None, list[Problem]]:
    """Read ``path`` (UTF-8, BOM allowed) and compose it; problems name it as ``name``."""
    shown = name if name is not None else str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        return None, [Problem(shown, 1, "file not found")]
    except OSError as exc:
        return None, [Problem(shown, 1, f"cannot read file: {exc.strerror or exc}")]
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(shown, line, "not valid UTF-8 text")]
    return compose_text(source, shown)


@dataclass
class NodeReader:
    """Reads typed values out of nodes, collecting problems with their lines.

    Every reader method returns ``None`` (after recording a problem) when the value is bad, so
    callers can keep going and report everything at once.
    """

    name: str
    problems: list[Problem] = field(default_factory=list)

    def problem(self, where: Node | int, message: str) -> None:
        line = where if isinstance(where, int) else line_of(where)
        self.problems.append(Problem(self.name, line, message))

    @property
    def count(self) -> int:
        """Number of problems so far (compare before/after to see if a part was clean)."""
        return len(self.problems)

    # -- containers -------------------------------------------------------------------------
    def mapping(
        self,
        node: Node,
        what: str,
        *,
        allowed: Iterable[str] | None = None,
        required: Iterable[str] = (),
    ) -> dict[str, Field] | None:
        """Keys -> :class:`Field`; reports non-mappings, duplicate, unknown and missing keys.

        Unknown keys are reported at their own line, missing ones at the mapping's line.
        """
        if not isinstance(node, MappingNode):
            self.problem(node, f"{what} must be a mapping of 'key: value' lines")
            return None
        allowed_keys = tuple(allowed) if allowed is not None else None
        out: dict[str, Field] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, f"{what}: keys must be text")
                continue
            key = str(key_node.value)
            if key in out:
                self.problem(
                    key_node,
                    f"{what}: duplicate key '{key}' (first at line {line_of(out[key].key)})",
                )
                continue
            if allowed_keys is not None and key not in allowed_keys:
                self.problem(
                    key_node, f"{what}: unknown key '{key}' (allowed: {', '.join(allowed_keys)})"
                )
                continue
            out[key] = Field(key_node, value_node)
        for key in required:
            if key not in out:
                self.problem(node, f"{what}: missing required field '{key}'")
        return out

    def sequence(self, node: Node, what: str, *, allow_null: bool = True) -> list[Node] | None:
        """The items of a list; ``null``/empty gives ``[]`` when ``allow_null``."""
        if isinstance(node, SequenceNode):
            return list(node.value)
        if allow_null and is_null(node):
            return []
        self.problem(node, f"{what} must be a list (write it as [ ... ] or '- ' lines)")
        return None

    # -- scalars ----------------------------------------------------------------------------
    def text(self, node: Node, what: str, *, allow_empty: bool = False) -> str | None:
        """A scalar's source text, stripped."""
        if not isinstance(node, ScalarNode) or is_null(node):
            self.problem(node, f"{what} must be text")
            return None
        value = str(node.value).strip()
        if not value and not allow_empty:
            self.problem(node, f"{what} is empty")
            return None
        return value

    def optional_int(self, node: Node, what: str) -> tuple[bool, int | None]:
        """``(ok, value)``: a whole number, or ``None`` for null."""
        if is_null(node):
            return True, None
        if isinstance(node, ScalarNode):
            raw = str(node.value).strip().replace("_", "")
            if _INT_RE.match(raw):
                return True, int(raw)
        self.problem(node, f"{what} must be a whole number or null, got {_show(node)}")
        return False, None

    def boolean(self, node: Node, what: str) -> bool | None:
        if isinstance(node, ScalarNode):
            raw = str(node.value).strip().lower()
            if raw in ("true", "yes", "on"):
                return True
            if raw in ("false", "no", "off"):
                return False
        self.problem(node, f"{what} must be true or false, got {_show(node)}")
        return None

    def choice(self, node: Node, what: str, choices: Iterable[str]) -> str | None:
        options = tuple(choices)
        value = self.text(node, what)
        if value is None:
            return None
        if value not in options:
            self.problem(node, f"{what} must be one of {', '.join(options)}, got '{value}'")
            return None
        return value

    def text_list(self, node: Node, what: str) -> list[tuple[Node, str]] | None:
        """A list of non-empty texts, each with its node (for later per-item problems)."""
        items = self.sequence(node, what)
        if items is None:
            return None
        out = []
        for item in items:
            value = self.text(item, f"each item of {what}")
            if value is not None:
                out.append((item, value))
        return out

    def localized(
        self, node: Node, what: str, lang_re: re.Pattern[str]
    ) -> dict[str, tuple[str, Node]] | None:
        """A map language -> text, or one plain text (stored under ``"und"``); with nodes."""
        if isinstance(node, ScalarNode) and not is_null(node):
            value = self.text(node, what)
            return None if value is None else {"und": (value, node)}
        fields = self.mapping(node, f"{what} (text, or a map language -> text)")
        if fields is None:
            return None
        before = self.count
        out: dict[str, tuple[str, Node]] = {}
        for lang, (key_node, value_node) in fields.items():
            if not lang_re.match(lang):
                self.problem(
                    key_node, f"{what}: bad language code '{lang}' (use zh, en, zh-Hant...)"
                )
                continue
            value = self.text(value_node, f"{what} in '{lang}'")
            if value is not None:
                out[lang] = (value, value_node)
        if not out:
            if self.count == before:
                self.problem(node, f"{what} is empty")
            return None
        return out


def _show(node: Node) -> str:
    if isinstance(node, ScalarNode):
        return repr(str(node.value))
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a mapping"
    return "something else"  # pragma: no cover
