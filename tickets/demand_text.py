"""Text helpers shared by the demand-type cues and the urgency hint: folding, clauses,
negation, cue patterns."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from faq.text import normalize

__all__ = ["ANALYSED_MAX", "Clauses", "Cues", "compile_cues", "fold"]

ANALYSED_MAX = 400  # a longer demand is read on its first 300 and last 100 characters
_HEAD, _TAIL = 300, 100
_NEG_ZH = ("不是", "没有", "没", "并非", "并不", "不想", "不要", "无需", "不用", "不需要", "别")
_NEG_EN = {"not", "no", "never", "nothing", "without", "nobody's"}
_NEG_CHARS = frozenset("".join(_NEG_ZH))
_FILLERS = ("", "要", "想", "想要", "在", "是", "来", "被", "有")
# Punctuation, line breaks, or a space before a Chinese word (run-on messages are often typed
# with spaces instead of commas).
_CLAUSE_SPLIT = re.compile(r"[。,.!！?？;；:：\n、~…()（）\[\]【】]+|\s{2,}|\s(?=[\u4e00-\u9fff])")
_EN_WORDS = re.compile(r"[a-z']+")


def fold(text: str) -> str:
    """NFKC, lower case, Traditional -> Simplified (the text every cue is matched on)."""
    return normalize(text)


class Cues:
    """A group of cue patterns: a Chinese cue matches anywhere, an ASCII cue matches whole
    words only ("help" is not "helpful"). Neither crosses a clause."""

    __slots__ = ("_patterns",)

    def __init__(self, patterns: Iterable[str]) -> None:
        zh: list[str] = []
        en: list[str] = []
        for p in patterns:
            (en if p.isascii() and any(c.isalpha() for c in p) else zh).append(p)
        compiled = []
        if zh:  # one alternation each: a leading look-behind would defeat re's prefix scan
            compiled.append(re.compile("|".join(f"(?:{p})" for p in zh), re.M))
        if en:
            compiled.append(re.compile(r"\b(?:" + "|".join(en) + r")\b", re.M | re.ASCII))
        self._patterns = tuple(compiled)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        for pattern in self._patterns:
            yield from pattern.finditer(text)

    def search(self, text: str) -> bool:
        return any(p.search(text) for p in self._patterns)

    def sub(self, replacement: str, text: str) -> str:
        for pattern in self._patterns:
            text = pattern.sub(replacement, text)
        return text


def compile_cues(patterns: Iterable[str]) -> Cues:
    return Cues(patterns)


@dataclass(frozen=True)
class Clauses:
    """A folded demand cut into clauses, kept as one string (clauses joined by line breaks)
    so that each cue group is matched once per demand."""

    text: str
    starts: tuple[int, ...]

    @classmethod
    def of(cls, raw: str) -> Clauses:
        if len(raw) > ANALYSED_MAX:
            raw = f"{raw[:_HEAD]}\n{raw[-_TAIL:]}"
        parts = [c.strip() for c in _CLAUSE_SPLIT.split(fold(raw)) if c.strip()]
        starts, offset = [], 0
        for part in parts:
            starts.append(offset)
            offset += len(part) + 1
        return cls("\n".join(parts), tuple(starts))

    def __len__(self) -> int:
        return len(self.starts)

    def clause(self, index: int) -> str:
        start = self.starts[index]
        end = self.starts[index + 1] - 1 if index + 1 < len(self.starts) else len(self.text)
        return self.text[start:end]

    def index_of(self, position: int) -> int:
        return bisect_right(self.starts, position) - 1

    def is_negated(self, position: int) -> bool:
        """Whether a negation stands just before ``position`` in its clause ("不是投诉",
        "不是要投诉", "没有被困", "not a complaint"); "是不是" and "是否" ask, not deny."""
        lo = self.starts[self.index_of(position)]
        before = self.text[max(lo, position - 5) : position]
        if _NEG_CHARS.intersection(before):
            if before.endswith(("是不是", "是否", "不是说")):
                return False
            for filler in _FILLERS:
                if before.endswith(filler):
                    head = before[: len(before) - len(filler)]
                    if any(head.endswith(n) for n in _NEG_ZH) and not head.endswith("是不"):
                        return True
        window = self.text[max(lo, position - 20) : position]
        if "n" not in window:  # every English negation has an n
            return False
        words = _EN_WORDS.findall(window)
        return any(w in _NEG_EN or w.endswith("n't") for w in words[-3:])

    def stated(self, cues: Cues) -> set[int]:
        """The clauses in which one of ``cues`` is stated (matched and not negated)."""
        return {
            self.index_of(m.start())
            for m in cues.finditer(self.text)
            if not self.is_negated(m.start())
        }

    def matched(self, cues: Cues) -> set[int]:
        """The clauses in which one of ``cues`` matches, negated or not."""
        return {self.index_of(m.start()) for m in cues.finditer(self.text)}
