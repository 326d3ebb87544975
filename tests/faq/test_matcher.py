"""Matcher behaviour per kind of message, on the sample knowledge base (config/faq)."""

from __future__ import annotations

import pytest

from faq import KnowledgeBase, MatchResult, detect_language
from faq.text import normalize, split_pinyin


def resolved(result: MatchResult, expect: str) -> bool:
    if result.decision == "answer":
        return result.entry_id == expect
    return result.decision == "suggest" and expect in [c.id for c in result.candidates]


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("社保卡补办", "ss-card-lost"),  # short
        ("水費怎麼交", "water-bill"),  # traditional
        ("设保卡丢了", "ss-card-lost"),  # homophone slip 设保 for 社保
        ("shebao卡丢了怎么办", "ss-card-lost"),  # pinyin typed in Latin letters
        ("身份证lost了怎么办", "id-card-lost"),  # mixed
        ("how to renew driver licence", "dl-renew"),  # English with a spelling variant
        ("How do I pay my electricity bill?", "power-bill"),
        ("路灯坏了", "streetlight-repair"),
    ],
)
def test_confident_answers(sample_kb: KnowledgeBase, text: str, expect: str) -> None:
    result = sample_kb.match(text)
    assert result.decision == "answer", result
    assert result.entry_id == expect
    assert result.candidates == []
    assert 0 <= result.score <= 100


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        (
            "我上周末在公园跑步的时候把钱包弄丢了，里面有身份证，现在要怎么补办身份证啊，急用",
            "id-card-lost",
        ),
        ("社會保障卡遺失怎麼辦", "ss-card-lost"),
        ("驾照过期", "dl-renew"),
        ("公积金", "hf-balance"),
    ],
)
def test_long_or_vague_messages_are_resolved_within_one_click(
    sample_kb: KnowledgeBase, text: str, expect: str
) -> None:
    result = sample_kb.match(text)
    assert resolved(result, expect), result
    assert len(result.candidates) <= 3
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    "text", ["你好", "在吗？", "谢谢！", "thanks", "hello", "Hi!", "好的，谢谢", "", "？？？"]
)
def test_chitchat_gets_none(sample_kb: KnowledgeBase, text: str) -> None:
    result = sample_kb.match(text)
    assert result.decision == "none"
    assert result.entry_id is None and result.candidates == []


@pytest.mark.parametrize(
    "text",
    ["今天天气怎么样", "附近有什么好吃的", "护照怎么办理", "Where is the nearest subway station?"],
)
def test_out_of_scope_never_answered(sample_kb: KnowledgeBase, text: str) -> None:
    assert sample_kb.match(text).decision in ("none", "suggest")


def test_negation_points_to_the_other_entry(sample_kb: KnowledgeBase) -> None:
    ranked = sample_kb.rank(sample_kb.analyze("身份证没丢，是过期了要换"))
    assert sample_kb.entries[ranked[0].entry].id == "id-card-expire"
    ranked = sample_kb.rank(sample_kb.analyze("身份证没过期，是丢了"))
    assert sample_kb.entries[ranked[0].entry].id == "id-card-lost"


def test_normalisation_and_helpers() -> None:
    assert normalize("ＡＢＣ，社會保障卡") == "abc,社会保障卡"
    assert split_pinyin("shebao") == ["she", "bao"]
    assert split_pinyin("water") is None
    assert detect_language("社保卡丢了") == "zh"
    assert detect_language("How do I pay?") == "en"
    assert detect_language("社保卡lost了") == "zh"


def test_heldout_knowledge_base_meets_the_targets(heldout_kb: KnowledgeBase) -> None:
    """A second, independent knowledge base and question set (tests/faq/data)."""
    from pathlib import Path

    from faq.evaluation import evaluate

    path = Path(__file__).parent / "data" / "heldout.jsonl"
    with path.open(encoding="utf-8") as fh:
        totals = evaluate(heldout_kb, fh).totals()
    assert totals.resolved / totals.in_scope >= 0.9
    assert totals.wrong <= 1
