"""The one message catalogue: every key in every locale with the same placeholders, no unused
key, keys named in code exist, the language rule, administrators' overrides."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import locales
from handlers.errors import render_error
from locales import LANGS, catalogue, choose_lang, is_traditional, normalize_lang, resolve_lang, t
from tickets.errors import Conflict, NotAllowed, NotFound, ValidationError
from tickets.lifecycle import DEMAND_TYPES, Action, Status

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "handlers", "faq", "tickets", "locales")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(?:-[a-z0-9_]+)+$|^[a-z][a-z0-9_]*$")


def _literals() -> tuple[set[str], set[str]]:
    """Every string constant in the source, and every f-string's leading literal part."""
    constants: set[str] = set()
    prefixes: set[str] = set()
    for package in SOURCES:
        for path in (REPO / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.JoinedStr) and node.values:
                    first = node.values[0]
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        prefixes.add(first.value)
                elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                    constants.add(node.value)
    for template in _templates():
        source = template.read_text(encoding="utf-8")
        constants.update(QUOTED.findall(source))
        prefixes.update(TEMPLATE_PREFIX.findall(source))
    return constants, prefixes


QUOTED = re.compile(r"""['"]([a-z][a-z0-9_-]*)['"]""")
TEMPLATE_PREFIX = re.compile(r"""['"]([a-z][a-z0-9_-]*-)['"]\s*~""")
TEMPLATE_CALL = re.compile(r"""\bt\(\s*['"]([a-z][a-z0-9_-]*)['"]""")


def _templates() -> list[Path]:
    return sorted((REPO / "handlers").rglob("*.html"))


def test_the_built_in_catalogue_loads_without_problems() -> None:
    result = locales.load()
    assert result.problems == []
    assert result.catalogue is not None and len(result.catalogue.keys()) > 300


@pytest.mark.parametrize("key", sorted(catalogue().keys()))
def test_every_key_is_in_every_locale_with_the_same_placeholders(key: str) -> None:
    live = catalogue()
    assert live.locales(key) == list(LANGS), (
        f"{key} is missing in {set(LANGS) - set(live.locales(key))}"
    )
    assert live.variables("zh", key) == live.variables("en", key), (
        f"{key}: zh {live.where('zh', key)} uses {sorted(live.variables('zh', key))}, "
        f"en {live.where('en', key)} uses {sorted(live.variables('en', key))}"
    )
    for lang in LANGS:
        params = dict.fromkeys(live.variables(lang, key), 1)
        rendered = live.text(lang, key, **params)
        assert rendered.strip() or key.endswith("-sep"), key  # separators may be blank


def test_no_key_is_unused() -> None:
    constants, prefixes = _literals()
    # f"status-{s}", f"sh-stale_{kind}": a key family completed at run time
    dynamic = tuple(p for p in prefixes if "-" in p and KEY_RE.match(p.rstrip("-_") or "x"))
    unused = sorted(
        key for key in catalogue().keys() if key not in constants and not key.startswith(dynamic)
    )
    assert unused == [], f"keys no code names: {unused}"


KEY_TAKERS = {"ValidationError", "Conflict", "NotAllowed", "NotFound", "Usage", "staff_command"}


def _keys_named_in_calls() -> set[str]:
    """The literal keys code passes to ``t(lang, KEY)``, ``ctx.t(KEY)``, domain errors and
    ``@staff_command(KEY)``."""
    named: set[str] = set()
    for package in SOURCES:
        for path in (REPO / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                func, args = node.func, node.args
                index = None
                if isinstance(func, ast.Name) and func.id == "t":
                    index = 1
                elif isinstance(func, ast.Attribute) and func.attr == "t":
                    index = 0
                elif isinstance(func, ast.Name) and func.id in KEY_TAKERS:
                    index = 0
                if index is not None and len(args) > index:
                    arg = args[index]
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        named.add(arg.value)
    for template in _templates():
        found = TEMPLATE_CALL.findall(template.read_text(encoding="utf-8"))
        named.update(k for k in found if not k.endswith("-"))  # t("status-" ~ s): dynamic
    return named


def test_every_key_named_in_code_exists() -> None:
    """A key a call names must be a message: a typo would reach a user as a KeyError."""
    named = _keys_named_in_calls()
    assert len(named) > 200  # the scan sees the calls
    assert sorted(named - catalogue().keys()) == []


def test_labels_exist_for_every_status_action_and_demand_type() -> None:
    keys = catalogue().keys()
    for s in Status:
        assert f"status-{s}" in keys
    for a in Action:
        assert f"action-{a}" in keys
    for d in DEMAND_TYPES:
        assert f"type-{d}" in keys


def test_one_language_rule_with_platform_codes_mapped_explicitly() -> None:
    for code in (
        "zh",
        "zh-hans",
        "zh-Hans",
        "zh-CN",
        "zh_CN",
        "zh-hant",
        "zh-TW",
        "zh-hk",
        "zh-MO",
    ):
        assert resolve_lang(code) == "zh", code
    for code in ("en", "en-US", "en-GB", "en_gb"):
        assert resolve_lang(code) == "en", code
    assert resolve_lang("ru") == "zh" and resolve_lang("ru", None) is None
    assert [is_traditional(c) for c in ("zh-hant", "zh-TW", "zh-hk", "zh-hans", "zh", None)] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    assert normalize_lang(None) == "zh" and normalize_lang("en-US") == "en"
    assert choose_lang("en", "zh-hans", "你好") == "en"  # an explicit choice wins
    assert choose_lang(None, "zh-TW", "hello") == "zh"
    assert choose_lang(None, "en-GB", "你好") == "en"
    assert choose_lang(None, "ru", "公租房") == "zh"  # the message's own language
    assert choose_lang(None, "ru", None) == "en"
    assert choose_lang(None, None, None) == "zh"  # nothing known: the city's language


def test_fallback_numbers_and_traditional_characters() -> None:
    assert t("ru", "status-closed") == "已办结"
    assert t("en", "status-closed") == "closed"
    assert t("zh-TW", "status-closed") == "已辦結"  # OpenCC, Taiwan usage
    with pytest.raises(KeyError):
        t("en", "no-such-key")
    with pytest.raises(KeyError):
        t("en", "citizen-created")  # a missing parameter is a bug, not a blank
    body = t("en", "citizen-created", number="2026-000123", response_due="2026-12-03 09:00")
    assert "2026-000123" in body
    assert "12345" in t("en", "late-days", count=12345)  # no grouping: 12345, not 12,345
    assert t("en", "late-days", count=1) == "1 working day"
    assert t("en", "late-days", count=2) == "2 working days"


def test_errors_render_in_both_languages() -> None:
    assert render_error(NotAllowed(), "en") == render_error(NotFound(), "en")  # nothing is revealed
    assert "2026-000001" in render_error(Conflict("error-conflict", number="2026-000001"), "zh")
    err = ValidationError("error-bad_days", max=30)
    assert "30" in render_error(err, "en") and "30" in render_error(err, "zh")
    assert re.search(r"[\u4e00-\u9fff]", render_error(err, "zh"))


def test_domain_errors_carry_data_and_are_rendered_at_the_edge() -> None:
    """The domain gives data (a flag, a datetime); the words, the labels and the city's time
    are the edge's, all in the reader's language."""
    same = ValidationError("error-same_urgency", number="2026-000001", urgent=False)
    assert render_error(same, "en") == (
        "The urgent flag of ticket 2026-000001 is unchanged (not urgent)."
    )
    assert "非紧急" in render_error(same, "zh")
    due = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    passed = ValidationError("error-deadline_passed", deadline=due)
    assert "(2026-12-04 17:30)" in render_error(passed, "en", ZoneInfo("Asia/Shanghai"))
    assert "(2026-12-04 09:30)" in render_error(passed, "en")  # no zone given: as it is
    assert "（无）" in render_error(ValidationError("error-deadline_passed", deadline=None), "zh")
    assert str(same) == "error-same_urgency (number='2026-000001', urgent=False)"  # for logs


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_an_administrators_override_replaces_the_text(tmp_path: Path) -> None:
    _write(tmp_path / "zh" / "welcome.ftl", "privacy = 我们只保存答复您所需的信息。\n")
    result = locales.load(tmp_path)
    assert result.ok and result.overridden == 1
    assert result.catalogue is not None
    assert result.catalogue.text("zh", "privacy") == "我们只保存答复您所需的信息。"
    assert result.catalogue.text("en", "privacy") == t("en", "privacy")  # en untouched


def test_a_broken_override_folder_names_file_and_line_and_loads_nothing(tmp_path: Path) -> None:
    a = _write(tmp_path / "en" / "a.ftl", "# ok\nprivacy = We keep little.\nwelcom = Hi\n")
    b = _write(tmp_path / "en" / "b.ftl", "status-closed = Done { $when }\nbroken = { $\n")
    c = _write(tmp_path / "zh" / "c.ftl", "privacy = 一\nprivacy = 二\n")
    result = locales.load(tmp_path)
    assert result.catalogue is None
    got = sorted(str(p) for p in result.problems)
    assert got == sorted(
        [
            f"{a}:3: unknown message 'welcom'",
            f"{b}:1: message 'status-closed' uses $when; it can use only: no placeholders",
            f'{b}:2: Fluent syntax: Expected a character from range: "a-zA-Z"',
            f"{c}:2: duplicate message 'privacy' (first at line 1)",
        ]
    )


def test_install_swaps_the_live_catalogue(tmp_path: Path) -> None:
    _write(tmp_path / "en" / "x.ftl", "status-closed = finished\n")
    before = catalogue()
    result = locales.load(tmp_path)
    assert result.catalogue is not None
    locales.install(result.catalogue)
    try:
        assert t("en", "status-closed") == "finished"
    finally:
        locales.install(before)
    assert t("en", "status-closed") == "closed"


def test_long_parameters_are_rendered_whole() -> None:
    text = "噪音" * 3000  # a ticket's text may be long; Fluent guards placeables at 2,500
    body = t("zh", "citizen-reply", number="2026-000001", department="城管局", text=text)
    assert text in body
