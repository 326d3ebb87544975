"""Situation descriptions read as the service they call for (faq.situations)."""

from __future__ import annotations

import re

import pytest

from faq import KnowledgeBase
from faq.situations import EN_SITUATIONS, ZH_SITUATIONS, required_chars, service_words
from faq.text import canonical, normalize


def words(text: str) -> list[str]:
    return service_words(canonical(normalize(text)))


def test_situations_add_the_services_words() -> None:
    assert words("早上起来水龙头拧了半天也出不来水") == ["停水"]
    assert words("下楼的时候被邻居家的柯基咬了一口") == ["被狗咬 狂犬疫苗"]
    assert words("厂子上个月倒闭了，现在在家待着") == ["失业"]
    assert words("My neighbour's dog bit me this morning") == ["rabies"]


def test_a_message_naming_the_service_gets_nothing_added() -> None:
    assert words("家里停水了怎么办") == []
    assert words("父亲去世了，丧葬费怎么领") == []  # 去世 names it; no 死亡 is added
    assert words("社保卡丢了怎么补办") == []


def test_every_pattern_compiles_and_has_required_characters() -> None:
    for pattern, said in (*ZH_SITUATIONS, *EN_SITUATIONS):
        re.compile(pattern)
        assert said.split(), pattern
        need = required_chars(pattern)
        assert need, pattern  # the prefilter never has to run a pattern blindly


def test_required_characters_are_a_necessary_condition() -> None:
    pattern = r"一滴水|水龙头.{0,6}(不出|没有?水)"
    need = required_chars(pattern)
    assert need is not None and len(need) <= 2
    for text in ("家里一滴水都没有", "水龙头拧开就是不出", "水龙头没水"):
        match = re.search(pattern, text)
        assert match is not None and not need.isdisjoint(match.group(0))
    assert required_chars(r"(咬|抓)(了一口|伤了)") == frozenset("咬抓")
    assert required_chars(r".{0,3}") is None


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("今天下班回家拧开水龙头一点都出不来，物业也没发通知", "water-outage"),
        ("刚才在楼下被一只没拴绳的泰迪咬了一口，破皮了", "vax-rabies"),
        ("早上出门发现停在路边的车不见了，地上有张违停告示", "parking-towed"),
    ],
)
def test_situation_descriptions_find_their_entry(
    sample_kb: KnowledgeBase, text: str, expect: str
) -> None:
    result = sample_kb.match(text)
    ids = [result.entry_id] if result.decision == "answer" else [c.id for c in result.candidates]
    assert expect in ids, result
