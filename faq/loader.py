"""Read and validate a FAQ folder (format: shared/faq-format.md).

Every problem is collected with its file and 1-based line; a folder with any problem
yields no knowledge base. Files are parsed to YAML nodes (not plain objects) so each
value keeps its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from configfiles.yamlnodes import NodeReader, compose_file
from faq.models import Entry, LoadResult, MatcherConfig, Problem

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_RE = ID_RE
# BCP-47 shape: language, optional script, region and variants ("zh", "zh-Hant", "en-GB").
LANG_RE = re.compile(
    r"^[A-Za-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$"
)
FILE_KEYS = ("department", "entries")
ENTRY_KEYS = (
    "id",
    "questions",
    "answer",
    "keywords",
    "department",
    "links",
    "reviewed",
    "expires",
    "owner",
)
REQUIRED = ("id", "questions", "answer")


def faq_files(folder: Path) -> list[Path]:
    """The ``.yaml`` / ``.yml`` files of a folder and its sub-folders, sorted, hidden skipped."""
    out = []
    for path in folder.rglob("*"):
        rel = path.relative_to(folder)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.suffix.lower() in (".yaml", ".yml") and path.is_file():
            out.append(path)
    return sorted(out)


@dataclass
class _FileReader(NodeReader):
    """The shared line-aware reader, with the FAQ format's own text and list rules."""

    # Every well-formed id with its line, also of entries with other problems, so that a
    # duplicate id is reported together with them.
    ids: list[tuple[str, int]] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)

    def raw_text(self, node: Node, what: str) -> str | None:
        if isinstance(node, ScalarNode) and node.tag != "tag:yaml.org,2002:null":
            return str(node.value)
        self.problem(node, f"{what} must be text")
        return None

    def pairs(self, node: MappingNode, what: str) -> dict[str, tuple[Node, Node]]:
        """Keys -> (key node, value node); duplicate and non-text keys are problems."""
        out: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problem(key_node, f"{what}: keys must be text")
                continue
            key = str(key_node.value)
            if key in out:
                self.problem(key_node, f"{what}: duplicate key '{key}'")
                continue
            out[key] = (key_node, value_node)
        return out

    def day(self, node: Node, what: str) -> date | None:
        """A YYYY-MM-DD date (written bare or quoted)."""
        value = self.raw_text(node, what)
        if value is None:
            return None
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
                raise ValueError(value)
            return date.fromisoformat(value.strip())
        except ValueError:
            self.problem(node, f"bad date '{value}' for {what} (use YYYY-MM-DD)")
            return None

    def items(self, node: Node, what: str, *, allow_empty: bool = True) -> list[str] | None:
        if isinstance(node, ScalarNode) and node.tag != "tag:yaml.org,2002:null":
            self.problem(node, f"{what} must be a list (write it as [ ... ] or '- ' lines)")
            return None
        if not isinstance(node, SequenceNode):
            if not allow_empty:
                self.problem(node, f"{what} is empty")
                return None
            if isinstance(node, ScalarNode):  # null
                return []
            self.problem(node, f"{what} must be a list")
            return None
        if not node.value and not allow_empty:
            self.problem(node, f"{what} is empty")
            return None
        items = []
        for item in node.value:
            value = self.raw_text(item, f"each item of {what}")
            if value is None:
                continue
            if not value.strip():
                self.problem(item, f"empty item in {what}")
                continue
            items.append(value.strip())
        return items


def _parse_file(path: Path, name: str) -> _FileReader:
    """Parse one file: its valid entries (``reader.entries``), problems and ids."""
    reader = _FileReader(name)
    root, problems = compose_file(path, name)
    for problem in problems:
        if problem.message == "file is empty":  # say what the file should hold
            problem = Problem(
                name, problem.line, "file is empty (expected 'department' and 'entries')"
            )
        reader.problems.append(problem)
    if root is None:
        return reader
    if not isinstance(root, MappingNode):
        reader.problem(root, "the file must be a mapping with 'department' and 'entries'")
        return reader
    top = reader.pairs(root, "file")
    for key, (key_node, _) in top.items():
        if key not in FILE_KEYS:
            reader.problem(key_node, f"unknown key '{key}' (allowed: {', '.join(FILE_KEYS)})")
    file_department: str | None = None
    if "department" in top:
        dep_node = top["department"][1]
        file_department = reader.raw_text(dep_node, "department")
        if file_department is not None and not SLUG_RE.match(file_department):
            reader.problem(dep_node, f"bad department slug '{file_department}' (use a-z 0-9 -)")
            file_department = None
    if "entries" not in top:
        reader.problem(root, "missing required field 'entries'")
        return reader
    entries_node = top["entries"][1]
    if not isinstance(entries_node, SequenceNode) or not entries_node.value:
        reader.problem(entries_node, "'entries' must be a non-empty list of entries")
        return reader
    for node in entries_node.value:
        entry = _parse_entry(reader, node, file_department, "department" in top)
        if entry is not None:
            reader.entries.append(entry)
    return reader


def _parse_entry(
    reader: _FileReader, node: Node, file_department: str | None, file_has_department: bool
) -> Entry | None:
    if not isinstance(node, MappingNode):
        reader.problem(node, "an entry must be a mapping with id, questions and answer")
        return None
    before = len(reader.problems)
    fields = reader.pairs(node, "entry")
    for key, (key_node, _) in fields.items():
        if key not in ENTRY_KEYS:
            reader.problem(key_node, f"unknown key '{key}' (allowed: {', '.join(ENTRY_KEYS)})")
    entry_id = None
    if "id" in fields:
        entry_id = reader.raw_text(fields["id"][1], "id")
        if entry_id is not None and not ID_RE.match(entry_id):
            reader.problem(fields["id"][1], f"bad id '{entry_id}' (use a-z 0-9 and -)")
        elif entry_id is not None:
            reader.ids.append((entry_id, node.start_mark.line + 1))
    label = f"entry '{entry_id}'" if entry_id else "entry"
    for key in REQUIRED:
        if key not in fields:
            reader.problem(node, f"{label}: missing required field '{key}'")
    questions: list[str] | None = []
    if "questions" in fields:
        questions = reader.items(fields["questions"][1], "questions", allow_empty=False)
    answer: dict[str, str] = {}
    if "answer" in fields:
        answer = _parse_answer(reader, fields["answer"][1])
    keywords = reader.items(fields["keywords"][1], "keywords") if "keywords" in fields else []
    links = reader.items(fields["links"][1], "links") if "links" in fields else []
    for i, link in enumerate(links or []):
        if not re.match(r"^(https?://|tel:|mailto:)\S+$", link):
            link_node = fields["links"][1]
            at = link_node.value[i] if isinstance(link_node, SequenceNode) else link_node
            reader.problem(at, f"bad link '{link}' (expected http(s)://, tel: or mailto:)")
    department = file_department
    if "department" in fields:
        dep_node = fields["department"][1]
        department = reader.raw_text(dep_node, "department")
        if department is not None and not SLUG_RE.match(department):
            reader.problem(dep_node, f"bad department slug '{department}' (use a-z 0-9 -)")
    elif not file_has_department:
        reader.problem(node, f"{label}: no department (set it on the file or the entry)")
    reviewed = reader.day(fields["reviewed"][1], "reviewed") if "reviewed" in fields else None
    expires = reader.day(fields["expires"][1], "expires") if "expires" in fields else None
    if reviewed is not None and expires is not None and expires <= reviewed:
        reader.problem(fields["expires"][1], f"{label}: expires ({expires}) is not after reviewed")
    owner = None
    if "owner" in fields:
        owner = reader.raw_text(fields["owner"][1], "owner")
        if owner is not None and not SLUG_RE.match(owner):
            reader.problem(fields["owner"][1], f"bad owner slug '{owner}' (use a-z 0-9 -)")
    if len(reader.problems) > before or entry_id is None or not questions or not answer:
        return None
    return Entry(
        id=entry_id,
        questions=tuple(questions),
        answer=answer,
        keywords=tuple(keywords or ()),
        department=department,
        links=tuple(links or ()),
        source_file=reader.name,
        source_line=node.start_mark.line + 1,
        reviewed=reviewed,
        expires=expires,
        owner=owner,
        reviewed_line=fields["reviewed"][0].start_mark.line + 1 if "reviewed" in fields else 0,
        expires_line=fields["expires"][0].start_mark.line + 1 if "expires" in fields else 0,
    )


def _parse_answer(reader: _FileReader, node: Node) -> dict[str, str]:
    if isinstance(node, ScalarNode):
        text = reader.raw_text(node, "answer")
        if text is None:
            return {}
        if not text.strip():
            reader.problem(node, "answer is empty")
            return {}
        return {"und": text.strip()}
    if not isinstance(node, MappingNode):
        reader.problem(node, "answer must be text or a map language -> text")
        return {}
    out: dict[str, str] = {}
    for lang, (key_node, value_node) in reader.pairs(node, "answer").items():
        if not LANG_RE.match(lang):
            reader.problem(
                key_node, f"bad language code '{lang}' (use BCP-47, e.g. zh, en, zh-Hant)"
            )
            continue
        text = reader.raw_text(value_node, f"answer in '{lang}'")
        if text is None:
            continue
        if not text.strip():
            reader.problem(value_node, f"answer in '{lang}' is empty")
            continue
        out[lang] = text.strip()
    if not out and not node.value:
        reader.problem(node, "answer is empty")
    return out


def read_folder(folder: Path) -> tuple[list[Entry], list[Problem], list[Path]]:
    """Parse and validate every FAQ file of ``folder``; entries are valid only without problems."""
    if not folder.is_dir():
        return [], [Problem(str(folder), 0, "not a folder")], []
    files = faq_files(folder)
    if not files:
        return [], [Problem(str(folder), 0, "no FAQ files (*.yaml, *.yml) in this folder")], []
    entries: list[Entry] = []
    problems: list[Problem] = []
    first_at: dict[str, tuple[str, int]] = {}
    for path in files:
        name = str(path)
        parsed = _parse_file(path, name)
        problems.extend(parsed.problems)
        later: set[int] = set()  # lines of this file that repeat an id
        for entry_id, line in parsed.ids:
            first = first_at.setdefault(entry_id, (name, line))
            if first != (name, line):
                later.add(line)
                problems.append(
                    Problem(
                        name,
                        line,
                        f"duplicate id '{entry_id}' (first defined at {first[0]}:{first[1]})",
                    )
                )
        entries.extend(e for e in parsed.entries if e.source_line not in later)
    return entries, problems, files


def load_knowledge_base(path: Path, config: MatcherConfig | None = None) -> LoadResult:
    """Load, validate and index a FAQ folder. ``kb`` is None when there is any problem."""
    from faq.knowledge_base import KnowledgeBase

    folder = Path(path)
    entries, problems, files = read_folder(folder)
    if problems:
        problems.sort(key=lambda p: (p.file, p.line))
        return LoadResult(kb=None, problems=problems, files=files)
    kb = KnowledgeBase.build(entries, config or MatcherConfig(), source=folder)
    return LoadResult(kb=kb, problems=[], files=files)
