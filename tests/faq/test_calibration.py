from __future__ import annotations

from pathlib import Path

from faq import KnowledgeBase, MatcherConfig, load_knowledge_base
from faq.calibration import MARGINS, collect_probes
from tests.faq.conftest import SAMPLE_KB, write


def test_sample_thresholds_are_calibrated_and_ordered(sample_kb: KnowledgeBase) -> None:
    t = sample_kb.thresholds
    assert t.source == "calibrated"
    assert 0 < t.suggest_score <= t.answer_score <= 100
    assert t.answer_margin >= MARGINS[0] > 0  # a tie with the runner-up is never answered


def test_probes_cover_both_kinds(sample_kb: KnowledgeBase) -> None:
    probes = collect_probes(sample_kb)
    in_scope = [p for p in probes if p.in_scope]
    out = [p for p in probes if not p.in_scope]
    assert in_scope and out
    assert not any(p.right for p in out)  # the expected entry was left out of the index
    assert sum(p.in_top3 for p in in_scope) > len(in_scope) / 2


def test_settings_override_calibration() -> None:
    result = load_knowledge_base(
        SAMPLE_KB, MatcherConfig(answer_score=99.5, suggest_score=5.0, answer_margin=1.0)
    )
    kb = result.kb
    assert kb is not None
    assert (kb.thresholds.answer_score, kb.thresholds.suggest_score) == (99.5, 5.0)
    assert kb.thresholds.answer_margin == 1.0
    assert "settings" in kb.thresholds.source
    # "社保卡补办" is answered with calibrated thresholds, only suggested at 99.5.
    res = kb.match("社保卡补办")
    assert res.decision == "suggest" and res.candidates[0].id == "ss-card-lost"


def test_tiny_knowledge_base_falls_back_to_defaults(tmp_path: Path) -> None:
    write(
        tmp_path,
        "a.yaml",
        "department: health\nentries:\n"
        "  - id: a\n    questions: [狂犬疫苗在哪里打]\n    answer: x\n"
        "  - id: b\n    questions: [HPV疫苗怎么预约]\n    answer: y\n",
    )
    kb = load_knowledge_base(tmp_path).kb
    assert kb is not None
    assert kb.thresholds.source == "default"
    assert kb.match("狂犬疫苗在哪里打").entry_id == "a"


def test_fit_prefers_the_loosest_of_equally_good_rules() -> None:
    from faq.calibration import Probe, fit

    # Right answers well clear of the runner-up, near misses that never reach the floor.
    pos = [Probe(70.0 + i % 5, 30.0, True, True, True, True) for i in range(40)]
    neg = [Probe(20.0, 2.0, True, False, False, False) for _ in range(40)]
    t = fit(pos + neg, 0.05)
    assert t is not None
    assert (t.answer_score, t.answer_margin) == (40.0, MARGINS[0])
    # A few confident probes that land on the wrong entry do not move the rule
    # (noise on a few dozen probes), many of them do.
    few = [Probe(72.0, 30.0, True, False, True, True) for _ in range(3)]
    assert fit(pos + neg + few, 0.05) == t
    many = [Probe(72.0, 30.0, True, False, True, True) for _ in range(12)]
    stricter = fit(pos + neg + many, 0.05)
    assert stricter is not None
    assert (stricter.answer_score, stricter.answer_margin) > (t.answer_score, t.answer_margin)


def test_long_probes_are_wrapped_in_chatter(sample_kb: KnowledgeBase) -> None:
    from faq.calibration import collect_long_probes

    probes = collect_long_probes(sample_kb)
    assert any(p.in_scope for p in probes) and any(not p.in_scope for p in probes)
    assert not any(p.right for p in probes if not p.in_scope)
    # Some wrapped in-scope probes can only be answered on entry coverage.
    assert any(p.dcov > 0 and p.right for p in probes)


def test_long_coverage_fit_stays_above_every_wrong_probe() -> None:
    from faq.calibration import LONG_GRID, LongProbe, fit_long_coverage

    right = [LongProbe(60.0, 30.0, 0.9, True, True) for _ in range(10)]
    assert fit_long_coverage(right, 40.0, 10.0) == LONG_GRID[0]
    wrong = [*right, LongProbe(55.0, 25.0, 0.72, False, False)]
    assert fit_long_coverage(wrong, 40.0, 10.0) == 0.75
    # Below the answer score or margin a wrong probe would never be answered anyway.
    low = [*right, LongProbe(35.0, 25.0, 0.95, False, False)]
    assert fit_long_coverage(low, 40.0, 10.0) == LONG_GRID[0]
    worst = [*right, LongProbe(90.0, 40.0, 1.0, False, False)]
    assert fit_long_coverage(worst, 40.0, 10.0) > 1.0


def test_agreement_slack_adds_no_false_answer_on_the_probes() -> None:
    from faq.calibration import Probe, fit_agree_slack

    def neg(score: float, agreed: bool = True, answerable: bool = False) -> Probe:
        return Probe(score, 15.0, answerable, False, False, False, agreed)

    # No out-of-scope probe could be answered on the agreement: the loosest slack.
    assert fit_agree_slack([neg(38.0, agreed=False)], 40.0, 10.0) == 10.0
    # One would be at 3 points under the answer score: only a slack under 3 points.
    assert fit_agree_slack([neg(37.0)], 40.0, 10.0) == 0.0
    # One would be even at the answer score: the rule is off for this base.
    assert fit_agree_slack([neg(45.0)], 40.0, 10.0) is None
    # A probe the answer rule answers anyway is not the agreement's doing.
    assert fit_agree_slack([neg(45.0, answerable=True)], 40.0, 10.0) == 10.0
