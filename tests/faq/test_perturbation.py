"""The third check: perturbed held-out questions of a knowledge base (no dev phrases)."""

from __future__ import annotations

import json

from faq.evaluation import evaluate
from tests.faq.conftest import HELDOUT_KB, SAMPLE_KB
from tests.faq.perturbation import build, homophone_typo, traditional


def test_perturbations_are_real_changes() -> None:
    import random

    assert traditional("社保卡丢了怎么补办") == "社保卡丟了怎麼補辦"
    typo = homophone_typo("社保卡丢了", frozenset("设社保宝"), random.Random(1))
    assert typo is not None and typo != "社保卡丢了" and len(typo) == 5


def test_reduced_base_never_saw_the_probes() -> None:
    kb, lines = build(HELDOUT_KB)
    known = {q for e in kb.entries for q in e.questions}
    plain = [x for x in lines if x["kind"] in ("plain", "oos_plain")]
    assert plain and not any(x["text"] in known for x in plain)
    assert all(x["expect"] is None or x["expect"] in kb for x in lines)


def test_sample_base_survives_perturbation_without_false_answers() -> None:
    kb, lines = build(SAMPLE_KB)
    report = evaluate(kb, (json.dumps(x, ensure_ascii=False) for x in lines))
    t = report.totals()
    assert t.wrong <= 0.01 * t.lines
    assert t.resolved / t.in_scope >= 0.95
    chit = report.by_kind()["chitchat"]
    assert chit.correct == chit.lines


def test_unseen_base_survives_perturbation_without_false_answers() -> None:
    # The out-of-scope probes here include a sibling entry narrower than the question asked
    # (公租房怎么申请 against the rent entry): four false answers before the narrower rule.
    kb, lines = build(HELDOUT_KB.parent / "unseen_kb")
    report = evaluate(kb, (json.dumps(x, ensure_ascii=False) for x in lines))
    t = report.totals()
    assert t.wrong <= 0.01 * t.lines
    assert t.resolved / t.in_scope >= 0.95
