"""A third, self-made check: perturbed held-out questions of a knowledge base.

From any FAQ folder it builds a reduced knowledge base and labelled lines that the
reduced base never saw:

- every entry with three or more questions loses one of them (the held-out question,
  expected back); the others are asked with chatter around a homophone typo,
- every ``OOS_EVERY``-th entry is removed entirely (its questions expect ``None``: the
  adversarial near-miss of a topic the base does not cover),
- each held-out question is asked as is, wrapped in generic chatter, in Traditional
  characters and with one homophone typo; plus chit-chat lines that expect ``None``.

Nothing here is fitted to an evaluation set; it detects over-fitting of the matcher to
one set of real questions. Run ``python -m tests.faq.perturbation KB_DIR`` for figures.
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from functools import cache
from importlib import resources
from pathlib import Path

from faq.knowledge_base import KnowledgeBase
from faq.loader import load_knowledge_base
from faq.models import Entry, MatcherConfig
from faq.text import is_cjk, pinyin_of, tokens

OOS_EVERY = 6
PREFIXES = (
    "你好，",
    "您好，请问一下，",
    "我想问一下，",
    "麻烦问下，",
    "打扰了，我有个问题，",
    "",
)
SUFFIXES = ("，谢谢", "，急，在线等", "，麻烦尽快回复", "？谢谢了", "，有人知道吗", "")
EN_PREFIXES = ("Hi, ", "Hello, quick question: ", "Sorry to bother you, ")
EN_SUFFIXES = (" Thanks!", " Thank you.", " Please help.")
CHITCHAT = ("你好", "在吗", "谢谢你们", "好的，谢谢", "hello", "thank you very much", "早上好")


@cache
def _s2t() -> dict[int, str]:
    text = (
        resources.files("opencc")
        .joinpath("dictionary", "STCharacters.txt")
        .read_text(encoding="utf-8")
    )
    table: dict[int, str] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            target = parts[1].split(" ")[0]
            if len(target) == 1:
                table[ord(parts[0])] = target
    return table


def traditional(text: str) -> str:
    return text.translate(_s2t())


@cache
def _homophones(chars: frozenset[str]) -> dict[str, list[str]]:
    by_py: dict[str, list[str]] = {}
    for ch in sorted(chars):
        py = pinyin_of(ch)
        if py:
            by_py.setdefault(py, []).append(ch)
    return by_py


def homophone_typo(text: str, pool: frozenset[str], rng: random.Random) -> str | None:
    """Replace one Han character with another of the same reading (from ``pool``)."""
    by_py = _homophones(pool)
    spots = []
    for i, ch in enumerate(text):
        if is_cjk(ch):
            others = [c for c in by_py.get(pinyin_of(ch), []) if c != ch]
            if others:
                spots.append((i, others))
    if not spots:
        return None
    i, others = rng.choice(spots)
    return text[:i] + rng.choice(others) + text[i + 1 :]


def build(
    kb_dir: Path, seed: int = 11, config: MatcherConfig | None = None
) -> tuple[KnowledgeBase, list[dict[str, object]]]:
    """The reduced knowledge base (matched with ``config``) and the labelled lines."""
    rng = random.Random(seed)
    full = load_knowledge_base(kb_dir, MatcherConfig(calibrate=False)).kb
    assert full is not None
    # Characters common in everyday text: those of the base's own questions.
    pool = frozenset(
        ch for e in full.entries for q in e.questions for ch in q if is_cjk(ch)
    ) | frozenset("的是在有人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动")
    kept: list[Entry] = []
    lines: list[dict[str, object]] = []
    for n, entry in enumerate(full.entries):
        out = n % OOS_EVERY == OOS_EVERY - 1
        zh = [q for q in entry.questions if any(is_cjk(t) for t in tokens(q))]
        if out:
            asked, expect, prefix = list(entry.questions), None, "oos_"
        elif len(entry.questions) >= 3 or len(zh) >= 3:
            # A paraphrase the reduced base never saw.
            pick = rng.choice(zh if len(zh) >= 2 else list(entry.questions[1:]))
            asked, expect, prefix = [pick], entry.id, ""
            kept.append(replace(entry, questions=tuple(q for q in entry.questions if q != pick)))
        else:
            # A known question, asked with chatter and a typo.
            kept.append(entry)
            q = rng.choice(entry.questions)
            typo = homophone_typo(q, pool, rng) or q
            text = rng.choice(PREFIXES) + typo.rstrip("？?") + rng.choice(SUFFIXES)
            lines.append({"text": text, "expect": entry.id, "kind": "known_noisy"})
            continue
        for q in asked:
            lines.append({"text": q, "expect": expect, "kind": prefix + "plain"})
            if q in zh:
                wrapped = rng.choice(PREFIXES) + q.rstrip("？?") + rng.choice(SUFFIXES)
                lines.append({"text": wrapped, "expect": expect, "kind": prefix + "chatter"})
                lines.append(
                    {"text": traditional(q), "expect": expect, "kind": prefix + "traditional"}
                )
                typo = homophone_typo(q, pool, rng)
                if typo:
                    lines.append({"text": typo, "expect": expect, "kind": prefix + "typo"})
            else:
                wrapped = rng.choice(EN_PREFIXES) + q + rng.choice(EN_SUFFIXES)
                lines.append({"text": wrapped, "expect": expect, "kind": prefix + "chatter"})
    lines.extend({"text": t, "expect": None, "kind": "chitchat"} for t in CHITCHAT)
    reduced = KnowledgeBase.build(kept, config or MatcherConfig(), full.source)
    return reduced, lines


def main(argv: list[str]) -> int:
    import json

    from faq.evaluation import evaluate

    kb_dir = Path(argv[0]) if argv else Path(__file__).resolve().parents[2] / "config" / "faq"
    kb, lines = build(kb_dir)
    report = evaluate(kb, (json.dumps(x, ensure_ascii=False) for x in lines))
    print(report.render(max_misses=int(argv[1]) if len(argv) > 1 else 10))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
