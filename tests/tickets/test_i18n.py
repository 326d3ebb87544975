"""The message catalogue: complete in zh and en, with fallback to zh."""

from __future__ import annotations

import re
import string

import pytest

from tickets.errors import Conflict, NotAllowed, NotFound, ValidationError
from tickets.i18n import CATALOGUE, LANGS, normalize_lang, t
from tickets.lifecycle import DEMAND_TYPES, Action, Status


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_key_has_zh_and_en_with_the_same_placeholders(key: str) -> None:
    entry = CATALOGUE[key]
    assert set(LANGS) <= set(entry), f"{key} lacks {set(LANGS) - set(entry)}"
    names = {lang: {f[1] for f in string.Formatter().parse(entry[lang]) if f[1]} for lang in LANGS}
    assert names["zh"] == names["en"], key
    assert all(entry[lang].strip() for lang in LANGS)


def test_labels_exist_for_every_status_action_and_demand_type() -> None:
    for s in Status:
        assert f"status.{s}" in CATALOGUE
    for a in Action:
        assert f"action.{a}" in CATALOGUE
    for d in DEMAND_TYPES:
        assert f"type.{d}" in CATALOGUE


def test_language_normalisation_and_fallback() -> None:
    assert normalize_lang("zh-hans") == "zh"
    assert normalize_lang("en-US") == "en"
    assert normalize_lang(None) == "zh"
    assert normalize_lang("ru") == "zh"  # the city's default language
    assert t("ru", "status.closed") == "已办结"
    assert t("en", "status.closed") == "closed"
    with pytest.raises(KeyError):
        t("en", "no.such.key")


def test_errors_render_in_both_languages() -> None:
    assert NotAllowed().render("en") == NotFound().render("en")  # nothing is revealed
    assert "2026-000001" in Conflict("error.conflict", number="2026-000001").render("zh")
    err = ValidationError("error.bad_days", max=30)
    assert "30" in err.render("en") and "30" in err.render("zh")
    assert re.search(r"[\u4e00-\u9fff]", err.render("zh"))
