"""Every setting is documented: each field of :class:`bot.config.Settings` has its row in the
README's settings table (``| `NAME` | default | meaning |``)."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import Settings

README = Path(__file__).resolve().parents[2] / "README.md"


def _env_name(field: str) -> str:
    alias = Settings.model_fields[field].validation_alias
    return alias if isinstance(alias, str) else field.upper()


def test_every_setting_has_a_row_in_the_readme_table() -> None:
    rows = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", README.read_text(encoding="utf-8"), re.M))
    names = {_env_name(f) for f in Settings.model_fields}
    assert len(names) >= 30
    assert sorted(names - rows) == []
