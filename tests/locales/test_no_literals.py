"""No text a person reads is written in the channels' code: a Chinese string constant in
``handlers/`` or ``bot/`` is either words the desk *reads* (aliases, cancel words: listed here
with the reason) or a text that belongs in ``locales/``."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff]")

# (file, the name of the constant or function holding the words) -> why they are not texts
READ_NOT_WRITTEN = {
    (
        "handlers/telegram/staff_flows.py",
        "DEMAND_TYPE_ALIASES",
    ): "what staff may type for a demand type",
    ("handlers/dialogue/form.py", "CANCEL_WORDS"): "what a citizen may type to cancel",
    ("handlers/dialogue/account.py", "language_prompt"): "each language named in itself",
    ("bot/config.py", None): "settings errors for the administrator starting the service",
    ("bot/wechat_transport.py", None): "log lines naming the WeChat console's 公众号 page",
    ("handlers/wechat/api.py", None): "log lines naming the WeChat console's 公众号 page",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add(id(value))
    return found


def _holders(tree: ast.Module) -> dict[int, str]:
    """Each constant's top-level holder: the assigned name or the function."""
    out: dict[int, str] = {}
    for top in tree.body:
        name = None
        if isinstance(top, ast.Assign) and isinstance(top.targets[0], ast.Name):
            name = top.targets[0].id
        elif isinstance(top, ast.AnnAssign) and isinstance(top.target, ast.Name):
            name = top.target.id
        elif isinstance(top, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            name = top.name
        if name is not None:
            for node in ast.walk(top):
                out[id(node)] = name
    return out


def _chinese_literals() -> list[tuple[str, str | None, int, str]]:
    found = []
    for folder in ("handlers", "bot"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith("bot/migrations/"):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docs, holders = _docstrings(tree), _holders(tree)
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and id(node) not in docs
                    and CJK.search(node.value)
                ):
                    found.append((rel, holders.get(id(node)), node.lineno, node.value))
    return found


def test_the_channels_write_no_chinese_text_outside_the_catalogue() -> None:
    literals = _chinese_literals()
    assert literals  # the scan sees the words the desk reads (it does scan)
    stray = [
        f"{rel}:{line}: {value[:40]!r}"
        for rel, holder, line, value in literals
        if (rel, holder) not in READ_NOT_WRITTEN and (rel, None) not in READ_NOT_WRITTEN
    ]
    assert stray == [], "put these texts in locales/*.ftl:\n" + "\n".join(stray)


def test_every_exception_is_still_needed() -> None:
    seen = {(rel, holder) for rel, holder, _line, _value in _chinese_literals()}
    files = {rel for rel, _holder in seen}
    unused = [
        key
        for key in READ_NOT_WRITTEN
        if (key[1] is None and key[0] not in files) or (key[1] is not None and key not in seen)
    ]
    assert unused == []
