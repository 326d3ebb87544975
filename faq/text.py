"""Text normalisation: NFKC, case, punctuation, Traditional -> Simplified, pinyin.

Everything here is pure Python and cheap to import: the Traditional -> Simplified
character map is read from OpenCC's dictionary file on first use (one ``str.translate``
per query afterwards), and pinyin readings come from pypinyin's character table, loaded
on first use and cached per character.
"""

from __future__ import annotations

import importlib.util
import re
import unicodedata
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Runs of Han characters, or of Latin letters / digits.
TOKEN_RE = re.compile(rf"[{_CJK}]+|[a-z0-9]+(?:['’][a-z]+)?")
CJK_RE = re.compile(rf"[{_CJK}]")
LATIN_WORD_RE = re.compile(r"[A-Za-z]{2,}")


@cache
def _t2s_table() -> dict[int, str]:
    """Character map Traditional -> Simplified built from OpenCC's TSCharacters."""
    table: dict[int, str] = {}
    try:
        text = (
            resources.files("opencc")
            .joinpath("dictionary", "TSCharacters.txt")
            .read_text(encoding="utf-8")
        )
    except (ModuleNotFoundError, FileNotFoundError, OSError):  # pragma: no cover
        return table
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) != 2 or len(parts[0]) != 1:
            continue
        target = parts[1].split(" ")[0]
        if len(target) == 1 and target != parts[0]:
            table[ord(parts[0])] = target
    # Variant characters common in Taiwan / Hong Kong text.
    for trad, simp in (("裏", "里"), ("爲", "为"), ("僞", "伪"), ("峯", "峰"), ("綫", "线")):
        table[ord(trad)] = simp
    return table


def to_simplified(text: str) -> str:
    return text.translate(_t2s_table())


def normalize(text: str) -> str:
    """NFKC (full/half width), lower case, Traditional -> Simplified."""
    text = unicodedata.normalize("NFKC", text).lower()
    return to_simplified(text)


@cache
def _synonym_map() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    from faq.lexicon import ZH_SYNONYMS

    table = {form: canon for canon, forms in ZH_SYNONYMS.items() for form in forms if form}
    if not table:
        return None, table
    forms = sorted(table, key=len, reverse=True)  # longest form first
    return re.compile("|".join(re.escape(f) for f in forms)), table


def canonical(normalized: str) -> str:
    """An already normalised text with everyday synonyms written one way (驾驶证 -> 驾照)."""
    pattern, table = _synonym_map()
    if pattern is None:
        return normalized
    return pattern.sub(lambda m: table[m.group(0)], normalized)


def tokens(normalized: str) -> list[str]:
    """Han runs and Latin/digit words of an already normalised text, in order."""
    return TOKEN_RE.findall(normalized)


def is_cjk(token: str) -> bool:
    return bool(token) and CJK_RE.match(token[0]) is not None


def squash(text: str) -> str:
    """Normalised text with punctuation and spaces dropped (for rapidfuzz ratios)."""
    return " ".join(tokens(normalize(text)))


@cache
def _pinyin_table() -> dict[int, str]:
    """pypinyin's character table (code point -> readings).

    Read from its module file directly: importing it the usual way runs the package's
    ``__init__``, which also loads the phrase dictionary this module never uses (a fifth of
    the CLI's start-up). Falls back to the ordinary import if the layout ever changes.
    """
    spec = importlib.util.find_spec("pypinyin")
    if spec is None:  # pragma: no cover - pypinyin is a dependency
        return {}
    for folder in spec.submodule_search_locations or ():
        path = Path(folder) / "pinyin_dict.py"
        table_spec = importlib.util.spec_from_file_location("_citizen_desk_pinyin_dict", path)
        if table_spec is None or table_spec.loader is None or not path.is_file():
            continue
        module = importlib.util.module_from_spec(table_spec)
        table_spec.loader.exec_module(module)
        table = getattr(module, "pinyin_dict", None)
        if isinstance(table, dict):
            return table
    from pypinyin.pinyin_dict import pinyin_dict  # pragma: no cover

    return pinyin_dict  # pragma: no cover


@cache
def pinyin_of(char: str) -> str:
    """Toneless pinyin of one Han character ('' when unknown); ü is written v."""
    reading = _pinyin_table().get(ord(char))
    if not reading:
        return ""
    first = reading.split(",")[0]
    plain = unicodedata.normalize("NFD", first)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return plain.replace("ü", "v").replace("u\u0308", "v")


_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q")
_INITIALS2 = ("x", "r", "z", "c", "s", "y", "w")
_FINALS = (
    "iang iong uang ueng ang eng ing ong ian iao uai uan van ai ei ao ou an en er in un vn "
    "ia ie iu ua uo ui ue ve a o e i u v"
).split()


@cache
def _syllables() -> frozenset[str]:
    out = {f for f in _FINALS if f[0] in "aoe"} | {"er"}
    for ini in _INITIALS + _INITIALS2:
        for fin in _FINALS:
            if fin == "er":
                continue  # "er" stands alone
            if fin[0] == "v" and ini not in ("n", "l", "j", "q", "x", "y"):
                continue
            out.add(ini + fin)
    return frozenset(out)


@lru_cache(maxsize=8192)
def split_pinyin(word: str) -> list[str] | None:
    """Split a Latin word typed as toneless pinyin ('shebao' -> ['she', 'bao']), or None."""
    if not word.isascii() or not word.isalpha() or len(word) < 4:
        return None
    syl = _syllables()
    n = len(word)
    # Dynamic programming, preferring fewer (longer) syllables.
    best: list[list[str] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(min(n, i + 6), i, -1):
            piece = word[i:j]
            if piece in syl:
                cand = [*best[i], piece]  # type: ignore[misc]
                cur = best[j]
                if cur is None or len(cand) < len(cur):
                    best[j] = cand
    result = best[n]
    if result is None or len(result) < 2:
        return None
    return result


def detect_language(text: str) -> str:
    """Guess the reply language: 'zh' when the text has Han characters worth counting.

    Mixed messages ("社保卡lost了") count as Chinese as soon as a Han character is present
    alongside few Latin words; a message of only Latin letters is English.
    """
    han = len(CJK_RE.findall(text))
    if han == 0:
        return "en"
    latin_words = len(LATIN_WORD_RE.findall(text))
    return "zh" if han >= latin_words else "en"
