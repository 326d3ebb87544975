"""Gap clustering (faq.clusters) on a generated corpus with known needs."""

from __future__ import annotations

import math
from collections import Counter

from faq.clusters import cluster, features, key_of
from tests.faq.gapcorpus import corpus


def adjusted_rand_index(truth: list[str], found: list[int]) -> float:
    def comb2(n: int) -> float:
        return n * (n - 1) / 2

    pairs = Counter(zip(truth, found, strict=True))
    a = Counter(truth)
    b = Counter(found)
    index = sum(comb2(n) for n in pairs.values())
    sum_a = sum(comb2(n) for n in a.values())
    sum_b = sum(comb2(n) for n in b.values())
    expected = sum_a * sum_b / comb2(len(truth))
    top = (sum_a + sum_b) / 2
    return (index - expected) / (top - expected) if top != expected else 1.0


def labels(texts: list[str], threshold: float | None = None) -> list[int]:
    clusters = cluster(texts) if threshold is None else cluster(texts, threshold)
    found = [0] * len(texts)
    for k, c in enumerate(clusters):
        for i in c.members:
            found[i] = k
    return found


def test_generated_needs_are_recovered() -> None:
    pairs = list(corpus())
    texts = [t for t, _ in pairs]
    truth = [n for _, n in pairs]
    found = labels(texts)
    ari = adjusted_rand_index(truth, found)
    # Purity: each found cluster's most common need, over all questions.
    by_cluster: dict[int, Counter[str]] = {}
    for need, k in zip(truth, found, strict=True):
        by_cluster.setdefault(k, Counter())[need] += 1
    purity = sum(c.most_common(1)[0][1] for c in by_cluster.values()) / len(texts)
    assert ari >= 0.8, ari
    assert purity >= 0.95, purity


def test_clusters_are_ranked_by_size_with_typical_questions_first() -> None:
    texts = [
        "家里停水了怎么办",
        "怎么又停水了",
        "小区停水什么时候恢复",
        "停水了",
        "社保卡丢了",
        "社保卡丢了怎么补办",
        "How do I pay my water bill?",
        "water bill payment",
    ]
    clusters = cluster(texts, weights=[1, 1, 1, 1, 3, 1, 1, 1])
    assert [c.size for c in clusters] == [4, 4, 2]  # the lost card was asked four times
    top = {frozenset(texts[i] for i in c.members) for c in clusters}
    assert frozenset(texts[:4]) in top and frozenset(texts[4:6]) in top
    water = next(c for c in clusters if texts[0] in {texts[i] for i in c.members})
    assert water.terms[0] == "停水"
    assert water.suggested_id() == "gap-tingshui"
    english = next(c for c in clusters if texts[6] in {texts[i] for i in c.members})
    assert set(english.terms[:2]) == {"water", "bill"}


def test_normalisation_folds_width_script_and_stop_words() -> None:
    assert key_of("停水了？") == key_of("停水了") == key_of("停水了 ")
    assert features("停水了") == features("停水了！")
    assert "b:停水" in features("停水") and not any("了" in f for f in features("停水了"))
    assert features("供暖費怎麼繳") == features("供暖费怎么缴")
    assert cluster([]) == []
    assert [c.size for c in cluster(["同一个问题", "同一个问题"])] == [2]


def test_every_text_is_in_exactly_one_cluster() -> None:
    texts = [t for t, _ in corpus(per_need=5, noise=10, seed=9)]
    seen = sorted(i for c in cluster(texts) for i in c.members)
    assert seen == list(range(len(texts)))
    assert all(math.isfinite(c.size) for c in cluster(texts))
