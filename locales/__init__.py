"""The one message catalogue: every text a person reads, per locale, as Fluent files.

``locales/<lang>/*.ftl`` (``zh`` and ``en``) hold the built-in texts; an administrator may put
``.ftl`` files in ``LOCALES_DIR/<lang>/`` to override any of them (the welcome, the privacy
notice...). :func:`load` reads both and reports every problem as ``FILE:LINE: message``; a
folder with problems changes nothing (the live catalogue stays).

One language rule for every channel (:func:`resolve_lang`): a language code as platforms send
it (Telegram ``zh-hans``, ``zh-hant``, ``zh-TW``, ``zh-hk``, ``en-GB``; WeChat ``zh_CN``;
browsers' ``Accept-Language``) becomes ``zh`` or ``en``; Traditional-Chinese codes are ``zh``
shown in Traditional characters (an OpenCC conversion, :func:`text` with ``zh-hant``).

``text(lang, key, **params)`` renders a message. An unknown key raises ``KeyError`` (a typo must
fail tests, not reach a user). Numbers are shown without grouping (ticket ``2026-000123``, not
``2,026``); Fluent's bidi isolation marks are off (Telegram shows them as boxes).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from fluent.runtime import FluentBundle, FluentResource
from fluent.runtime import resolver as _resolver
from fluent.runtime.types import fluent_number
from fluent.syntax import FluentParser, ast
from fluent.syntax.visitor import Visitor

from configfiles import Problem

# Fluent refuses any placeable or part longer than 2,500 characters (a guard against hostile
# translations). Our parameters are data (a ticket's text, a conversation: up to ~4,000
# characters) and the catalogue is ours, so the guard is raised well above them.
_resolver.MAX_PART_LENGTH = max(_resolver.MAX_PART_LENGTH, 100_000)

__all__ = [
    "BUILTIN_DIR",
    "DEFAULT_LANG",
    "LANGS",
    "Catalogue",
    "Lang",
    "LoadResult",
    "Problem",
    "catalogue",
    "choose_lang",
    "install",
    "is_traditional",
    "load",
    "normalize_lang",
    "resolve_lang",
    "t",
    "text",
]

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
DEFAULT_LANG: Lang = "zh"
BUILTIN_DIR = Path(__file__).resolve().parent

# Language codes as platforms send them, mapped explicitly (lower case, "_" read as "-").
_TRADITIONAL = {"zh-hant", "zh-tw", "zh-hk", "zh-mo", "zh-hant-tw", "zh-hant-hk", "zh-hant-mo"}
_SIMPLIFIED = {"zh", "zh-hans", "zh-cn", "zh-sg", "zh-my", "zh-hans-cn", "zh-hans-sg", "cmn"}


def _norm_code(code: str) -> str:
    return code.strip().lower().replace("_", "-")


def resolve_lang(code: str | None, default: Lang | None = DEFAULT_LANG) -> Lang | None:
    """``zh`` or ``en`` for a platform's language code; ``default`` for anything else.

    Every Chinese code (Simplified or Traditional, any region) is ``zh``; every English one
    ``en``. ``default=None`` tells the caller the code said nothing (then the message's own
    language, or the city's default, decides).
    """
    if not code:
        return default
    norm = _norm_code(code)
    if norm in _SIMPLIFIED or norm in _TRADITIONAL or norm.startswith("zh-"):
        return "zh"
    if norm == "en" or norm.startswith("en-"):
        return "en"
    return default


def is_traditional(code: str | None) -> bool:
    """True for a Traditional-Chinese code (``zh-hant``, ``zh-TW``, ``zh-HK``, ``zh-MO``)."""
    if not code:
        return False
    norm = _norm_code(code)
    return norm in _TRADITIONAL or norm.startswith("zh-hant")


@dataclass(frozen=True)
class _Message:
    """One message of one locale: its pattern source and where it was defined."""

    source: str
    file: str
    line: int
    variables: frozenset[str]


def _variables(node: Any) -> set[str]:
    """The ``$variables`` a Fluent pattern uses (selectors and nested placeables too)."""
    found: set[str] = set()

    class _Visitor(Visitor):
        def visit_VariableReference(self, node: ast.VariableReference) -> None:
            found.add(node.id.name)
            self.generic_visit(node)

    _Visitor().visit(node)
    return found


def _line_of(source: str, offset: int) -> int:
    return source.count("\n", 0, offset) + 1


def _parse(path: Path, label: str, problems: list[Problem]) -> dict[str, _Message]:
    """The messages of one ``.ftl`` file; syntax errors and duplicates become problems."""
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(label, 1, "not valid UTF-8 text"))
        return {}
    except OSError as exc:
        problems.append(Problem(label, 1, f"cannot read file: {exc.strerror or exc}"))
        return {}
    resource = FluentParser(with_spans=True).parse(source)
    messages: dict[str, _Message] = {}
    for entry in resource.body:
        if isinstance(entry, ast.Junk):
            line = _line_of(source, entry.span.start if entry.span else 0)
            for annotation in entry.annotations:
                where = annotation.span.start if annotation.span else None
                if where is not None:
                    line = _line_of(source, where)
                problems.append(Problem(label, line, f"Fluent syntax: {annotation.message}"))
            if not entry.annotations:
                problems.append(Problem(label, line, "Fluent syntax error"))
            continue
        if isinstance(entry, ast.Term):
            name = "-" + entry.id.name  # a term (-city): shared by the locale's messages
        elif isinstance(entry, ast.Message):
            name = entry.id.name
        else:
            continue  # comments
        line = _line_of(source, entry.span.start if entry.span else 0)
        if entry.value is None:
            problems.append(Problem(label, line, f"message {name!r} has no text"))
            continue
        if name in messages:
            first = messages[name]
            problems.append(
                Problem(label, line, f"duplicate message {name!r} (first at line {first.line})")
            )
            continue
        start = entry.span.start if entry.span else 0
        end = entry.span.end if entry.span else len(source)
        messages[name] = _Message(source[start:end], label, line, frozenset(_variables(entry)))
    return messages


def _read_folder(
    root: Path, label_root: Path | None, problems: list[Problem]
) -> dict[str, dict[str, _Message]]:
    """``{lang: {message id: message}}`` from ``root/<lang>/**/*.ftl``."""
    found: dict[str, dict[str, _Message]] = {}
    for lang in LANGS:
        folder = root / lang
        if not folder.is_dir():
            continue
        merged: dict[str, _Message] = {}
        for path in sorted(folder.rglob("*.ftl")):
            label = str(path.relative_to(label_root) if label_root else path)
            for name, message in _parse(path, label, problems).items():
                if name in merged:
                    first = merged[name]
                    problems.append(
                        Problem(
                            label,
                            message.line,
                            f"duplicate message {name!r} (first at {first.file}:{first.line})",
                        )
                    )
                    continue
                merged[name] = message
        found[lang] = merged
    return found


class Catalogue:
    """Messages per locale, ready to format (see the module docstring)."""

    def __init__(self, messages: Mapping[str, Mapping[str, _Message]]) -> None:
        self._messages = {lang: dict(messages.get(lang, {})) for lang in LANGS}
        self._bundles: dict[str, FluentBundle] = {}
        for lang in LANGS:
            bundle = FluentBundle([lang], use_isolating=False)
            # Terms (-city) may be shared by a locale's files: give the bundle every source.
            bundle.add_resource(
                FluentResource("\n".join(m.source for m in self._messages[lang].values()))
            )
            self._bundles[lang] = bundle

    def keys(self) -> set[str]:
        """The message ids (terms, ``-name``, left out)."""
        return {k for messages in self._messages.values() for k in messages if k[0] != "-"}

    def __contains__(self, key: object) -> bool:
        return any(key in messages for messages in self._messages.values())

    def variables(self, lang: Lang, key: str) -> frozenset[str]:
        return self._messages[lang][key].variables

    def where(self, lang: Lang, key: str) -> str:
        message = self._messages[lang][key]
        return f"{message.file}:{message.line}"

    def locales(self, key: str) -> list[Lang]:
        return [lang for lang in LANGS if key in self._messages[lang]]

    def text(self, lang: str | None, key: str, **params: Any) -> str:
        """``key`` in ``lang`` (a platform code is fine), formatted with ``params``.

        The message falls back to the default language when ``lang`` lacks it; an unknown
        key raises ``KeyError``; a missing parameter raises ``KeyError`` too.
        """
        base = resolve_lang(lang) or DEFAULT_LANG
        locale = base if key in self._messages[base] else DEFAULT_LANG
        if key not in self._messages[locale]:
            raise KeyError(key)
        bundle = self._bundles[locale]
        pattern = bundle.get_message(key).value
        if pattern is None:  # a message with attributes only: none in the catalogue
            raise KeyError(key)
        args = {name: _arg(value) for name, value in params.items()}
        formatted, errors = bundle.format_pattern(pattern, args)
        result = str(formatted)
        if errors:
            raise KeyError(f"{key}: {errors[0]}")
        if base == "zh" and lang is not None and is_traditional(lang):
            return _to_traditional(result, lang)
        return result


def _arg(value: Any) -> Any:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return fluent_number(value, useGrouping=False)
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


@lru_cache(maxsize=4)
def _converter(config: str) -> Any:
    from opencc import OpenCC

    return OpenCC(config)


def _to_traditional(text: str, code: str) -> str:
    """Simplified -> Traditional with the region's usage (Taiwan, Hong Kong/Macau, generic)."""
    norm = _norm_code(code)
    if norm.endswith("tw"):
        config = "s2twp"
    elif norm.endswith(("hk", "mo")):
        config = "s2hk"
    else:
        config = "s2t"
    return str(_converter(config).convert(text))


@dataclass
class LoadResult:
    """A catalogue built from the built-in folder and an override folder, or the problems."""

    catalogue: Catalogue | None
    problems: list[Problem] = field(default_factory=list)
    overridden: int = 0

    @property
    def ok(self) -> bool:
        return self.catalogue is not None and not self.problems


_PLACEHOLDER_HINT = re.compile(r"\{\s*\$")


def load(override_dir: Path | str | None = None, builtin_dir: Path | None = None) -> LoadResult:
    """The built-in catalogue with an administrator's overrides applied.

    Every override must name a built-in message and use only its placeholders (a typo in a
    key or a ``{ $number }`` the code does not pass would fail at the worst moment); each
    problem is reported with its file and line, and then no catalogue is returned.
    """
    problems: list[Problem] = []
    root = builtin_dir or BUILTIN_DIR
    builtin = _read_folder(root, root.parent, problems)
    merged: dict[str, dict[str, _Message]] = {lang: dict(builtin.get(lang, {})) for lang in LANGS}
    overridden = 0
    if override_dir is not None:
        folder = Path(override_dir)
        if not folder.is_dir():
            problems.append(Problem(str(folder), 1, "not a folder"))
        else:
            for lang, messages in _read_folder(folder, None, problems).items():
                for key, message in messages.items():
                    if key not in merged[lang] and key not in merged[DEFAULT_LANG]:
                        problems.append(
                            Problem(message.file, message.line, f"unknown message {key!r}")
                        )
                        continue
                    reference = merged[lang].get(key) or merged[DEFAULT_LANG][key]
                    extra = sorted(message.variables - reference.variables)
                    if extra:
                        allowed = ", ".join(f"${v}" for v in sorted(reference.variables))
                        problems.append(
                            Problem(
                                message.file,
                                message.line,
                                f"message {key!r} uses {', '.join('$' + v for v in extra)}; "
                                f"it can use only: {allowed or 'no placeholders'}",
                            )
                        )
                        continue
                    merged[lang][key] = message
                    overridden += 1
    if problems:
        return LoadResult(None, problems)
    return LoadResult(Catalogue(merged), [], overridden)


# --- the live catalogue ---------------------------------------------------------------------

_lock = threading.Lock()
_live: Catalogue | None = None


def catalogue() -> Catalogue:
    """The live catalogue (the built-in one until :func:`install` puts another)."""
    global _live
    if _live is None:
        with _lock:
            if _live is None:
                result = load()
                if result.catalogue is None:  # a broken built-in file is a bug: fail loudly
                    raise RuntimeError("; ".join(str(p) for p in result.problems))
                _live = result.catalogue
    return _live


def install(new: Catalogue) -> None:
    """Make ``new`` the live catalogue (one assignment: readers see the old or the new)."""
    global _live
    _live = new


def text(lang: str | None, key: str, **params: Any) -> str:
    """``key`` in ``lang`` from the live catalogue (see :meth:`Catalogue.text`)."""
    return catalogue().text(lang, key, **params)


def iter_files(root: Path | None = None) -> Iterator[Path]:
    """The built-in ``.ftl`` files."""
    base = root or BUILTIN_DIR
    for lang in LANGS:
        yield from sorted((base / lang).rglob("*.ftl"))


def missing_in(keys: Iterable[str], lang: Lang) -> list[str]:
    live = catalogue()
    return [key for key in keys if lang not in live.locales(key)]


def t(lang: str | None, key: str, **params: Any) -> str:
    """``key`` in ``lang`` from the live catalogue: the one function every channel calls."""
    return catalogue().text(lang, key, **params)


def normalize_lang(lang: str | None) -> Lang:
    """``zh`` or ``en`` for any code (the city's language, zh, for anything else)."""
    return resolve_lang(lang) or DEFAULT_LANG


def choose_lang(
    chosen: str | None = None, code: str | None = None, text: str | None = None
) -> Lang:
    """The one language rule for a person: their explicit choice (``/language``, the web
    chat's switch); else the platform's language code when it is Chinese or English; else the
    language of what they wrote (Chinese characters: zh); else en for any other code (a
    visitor's phone in French reads English better than Chinese), and zh, the city's
    language, when nothing is known."""
    if chosen in LANGS:
        return chosen
    by_code = resolve_lang(code, None)
    if by_code is not None:
        return by_code
    if text and text.strip():
        han = len(_HAN.findall(text))
        return "zh" if han and han >= len(_LATIN_WORD.findall(text)) else "en"
    return "en" if code else DEFAULT_LANG


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
