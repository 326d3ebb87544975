"""The proposal margin is calibrated on the profiles' own phrases, left out one at a time."""

from __future__ import annotations

from faq.loader import read_folder
from faq.routing import Router, RouterConfig
from faq.routing.calibration import MARGIN_RANGE, MIN_PROBES, MIN_TOLERATED, collect_probes
from tests.routing.conftest import SAMPLE_FAQ


def test_sample_margin_keeps_wrong_proposals_on_the_probes_within_the_target(
    sample_router: Router,
) -> None:
    probes = collect_probes(sample_router)
    assert len(probes) >= MIN_PROBES
    margin = sample_router.thresholds.margin
    assert MARGIN_RANGE[0] <= margin < MARGIN_RANGE[1]
    allowed = max(sample_router.config.target_wrong_rate * len(probes), MIN_TOLERATED)
    wrong = sum(1 for p in probes if p.lead >= margin and not p.right)
    assert wrong <= allowed
    # One point looser would exceed it (the loosest margin that keeps the target).
    if margin > MARGIN_RANGE[0]:
        looser = sum(1 for p in probes if p.lead >= margin - 1 and not p.right)
        assert looser > allowed


def test_a_stricter_target_gives_a_wider_margin(sample_desk) -> None:  # type: ignore[no-untyped-def]
    entries, _, _ = read_folder(SAMPLE_FAQ)
    departments = list(sample_desk.departments.values())
    loose = Router.build(departments, entries, RouterConfig(target_wrong_rate=0.08))
    strict = Router.build(departments, entries, RouterConfig(target_wrong_rate=0.01))
    assert strict.thresholds.margin > loose.thresholds.margin


def test_leaving_a_phrase_out_removes_its_evidence(sample_router: Router) -> None:
    p = next(i for i, ph in enumerate(sample_router.phrases) if ph.text == "井盖缺失、破损")
    alone = sample_router.rank("井盖缺失、破损")
    left_out = sample_router.rank("井盖缺失、破损", exclude=p)
    assert alone[0].slug == "urban-management"
    assert left_out[0].score < alone[0].score
