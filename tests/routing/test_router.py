"""The department router: proposals, candidates, scores, and the figures on held-out demands."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from faq.features import Analyzer
from faq.models import Entry
from faq.routing import Router
from faq.routing.evaluation import evaluate
from faq.routing.profiles import Phrase, indexed_text
from faq.routing.text import features, lemma, prepare
from faq.text import is_cjk
from tests.faq.perturbation import PREFIXES, SUFFIXES, homophone_typo, traditional
from tests.routing.conftest import (
    FRESH,
    FRESH_B,
    FRESH_C,
    FRESH_D,
    HELDOUT,
    desk_from,
    heldout_lines,
    toy_router,
)


# -- the sample departments and FAQ, on demands written for them (tests/routing/data) --------
# Floors a little under the figures measured on each set (README, "Department routing"): the
# duties were written knowing the held-out set; fresh and fresh_b were looked at while tuning;
# fresh_c was routed once, after the tuning (its "three" is under the 0.97 target: the honest
# figure for demands nobody tuned for); fresh_d was written later, before one fix it found
# (多长时间 read as a slip for 到账时间).
@pytest.mark.parametrize(
    ("path", "lines", "first", "three"),
    [
        (HELDOUT, 150, 0.95, 0.99),
        (FRESH, 60, 0.90, 0.97),
        (FRESH_B, 150, 0.88, 0.97),
        (FRESH_C, 150, 0.85, 0.95),
        (FRESH_D, 100, 0.92, 0.98),
    ],
    ids=lambda v: v.stem if isinstance(v, Path) else None,
)
def test_sample_router_meets_the_targets(
    sample_router: Router, path: Path, lines: int, first: float, three: float
) -> None:
    with path.open(encoding="utf-8") as fh:
        report = evaluate(sample_router, fh)
    t = report.totals()
    assert t.lines >= lines and not report.errors
    assert t.first / t.in_scope >= first
    assert t.three / t.in_scope >= three
    # The form pre-selects the proposal (the citizen sees it and changes it with one tap):
    # most demands get the right one, few a wrong one.
    assert t.proposed_right / t.lines >= first - 0.01
    assert t.wrong <= 0.10 * t.lines
    assert report.thresholds.endswith("[calibrated]")


def test_sample_router_survives_traditional_typos_and_chatter(sample_router: Router) -> None:
    """The held-out demands in Traditional characters, with a homophone typo, in chatter."""
    rng = random.Random(3)
    rows = [r for r in heldout_lines() if r["lang"] == "zh"]
    pool = frozenset(ch for r in rows for ch in r["text"] if is_cjk(ch))
    lines = []
    for r in rows:
        typo = homophone_typo(r["text"], pool, rng) or r["text"]
        chatter = rng.choice(PREFIXES) + r["text"] + rng.choice(SUFFIXES)
        for kind, text in (
            ("traditional", traditional(r["text"])),
            ("typo", typo),
            ("chatter", chatter),
        ):
            lines.append(json.dumps({**r, "text": text, "kind": kind}, ensure_ascii=False))
    t = evaluate(sample_router, lines).totals()
    assert t.first / t.in_scope >= 0.85
    assert t.three / t.in_scope >= 0.95
    assert t.wrong <= 0.02 * t.lines


# What a caller says to any department around the demand itself.
BOILERPLATE_PREFIXES = (
    "我要反映一个问题：",
    "您好，我想投诉一下，",
    "麻烦领导看一下，",
    "市民反映：",
    "",
)
BOILERPLATE_SUFFIXES = (
    "，希望相关部门尽快处理，谢谢",
    "，打了好几次电话都没人管",
    "，到底谁管？",
    "",
)
BOILERPLATE_EN = (("Hi, I want to report a problem: ", " Please deal with it asap."),
                  ("Hello, ", " Nobody has done anything about this issue."))  # fmt: skip


def test_boilerplate_alone_proposes_nothing(sample_router: Router) -> None:
    """Words every demand says ("希望相关部门尽快处理") point to no department."""
    for text in (
        "我要反映一个问题，希望相关部门尽快处理，打了好几次电话一直没人管，到底谁管",
        "I want to report a problem, please deal with it asap, nobody handles this issue",
    ):
        assert sample_router.route(text).department is None, text


def test_sample_router_keeps_the_department_of_a_demand_in_boilerplate(
    sample_router: Router,
) -> None:
    rng = random.Random(5)
    lines = []
    for path in (FRESH, FRESH_B):
        for raw in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(raw)
            if r["lang"] == "en":
                head, tail = rng.choice(BOILERPLATE_EN)
            else:
                head, tail = rng.choice(BOILERPLATE_PREFIXES), rng.choice(BOILERPLATE_SUFFIXES)
            lines.append(json.dumps({**r, "text": head + r["text"] + tail}, ensure_ascii=False))
    t = evaluate(sample_router, lines).totals()
    assert t.lines >= 200
    assert t.first / t.in_scope >= 0.88
    assert t.three / t.in_scope >= 0.97
    assert t.wrong <= 0.10 * t.lines


def test_the_issue_examples(sample_router: Router) -> None:
    # 老人 (elderly) no longer pulls a street-light demand to Civil Affairs.
    lamp = sample_router.route("路灯坏了一个星期，老人晚上出门都不方便")
    assert lamp.first == "urban-management"
    assert lamp.department in (None, "urban-management")
    assert sample_router.route("小区的路灯坏了好几天了").department == "urban-management"
    # An English demand meets the English duties.
    english = sample_router.route("street light broken")
    assert english.first == "urban-management"
    # "多长时间" is not a slip for the housing fund's "到账时间".
    assert sample_router.route("办护照要多长时间").first == "public-security"


# -- behaviour on a small city's file ---------------------------------------------------------
def test_a_clear_demand_is_proposed(tmp_path: Path) -> None:
    router = toy_router(tmp_path)
    result = router.route("我家门口的路灯不亮了")
    assert result.department == "roads"
    assert result.candidates[0].slug == "roads"
    assert [c.score for c in result.candidates] == sorted(
        (c.score for c in result.candidates), reverse=True
    )
    assert all(0 <= c.score <= 100 for c in result.candidates)
    assert result.to_json()["department"] == "roads"


def test_english_and_traditional_demands(tmp_path: Path) -> None:
    router = toy_router(tmp_path)
    assert router.route("There is a huge pothole on my road").department == "roads"
    assert router.route("A tree fell over in the park").department == "parks"
    assert router.route("公園裡的樹倒了").department == "parks"  # Traditional characters


def test_negation_keeps_the_topic(tmp_path: Path) -> None:
    router = toy_router(tmp_path)
    assert router.route("不是停电，是电表走得太快").department == "power"
    assert router.route("We have had no electricity since this morning").department == "power"


def test_a_demand_of_two_departments_is_not_proposed(tmp_path: Path) -> None:
    router = toy_router(tmp_path)
    result = router.route("公园门口的路灯坏了")
    assert result.department is None
    assert {c.slug for c in result.candidates} == {"roads", "parks"}
    assert len(result.candidates) <= 3


def test_nothing_known_gives_no_candidates(tmp_path: Path) -> None:
    router = toy_router(tmp_path)
    result = router.route("我想反映一个情况")
    assert result.department is None and result.candidates == []
    assert result.to_json() == {"department": None, "candidates": []}


def test_faq_entries_teach_their_department(tmp_path: Path) -> None:
    desk = desk_from(tmp_path)
    entry = Entry(
        id="bench-repair",
        questions=("公园的长椅坏了找谁修？",),
        answer={"zh": "…"},
        keywords=("长椅",),
        department="parks",
    )
    without = Router.build(list(desk.departments.values()), ())
    with_faq = Router.build(list(desk.departments.values()), (entry,))
    assert without.route("长椅坏了没人修").department is None
    assert with_faq.route("长椅坏了没人修").department == "parks"
    # An entry of a department the file does not have is ignored.
    stray = Entry(id="x", questions=("长椅",), answer={"zh": "…"}, department="nowhere")
    assert Router.build(list(desk.departments.values()), (stray,)).route("长椅").candidates == []
    assert "长椅" not in {p.text for p in without.phrases}


def test_margin_from_settings_and_default_for_a_small_file(tmp_path: Path) -> None:
    assert toy_router(tmp_path).thresholds.source == "default"  # too few phrases to calibrate
    strict = toy_router(tmp_path, margin=100.0)
    assert strict.thresholds.source == "settings"
    result = strict.route("我家门口的路灯不亮了")
    assert result.department is None and result.first == "roads"


def test_english_synonyms_word_prefixes_and_pairs() -> None:
    analyzer = Analyzer(negation=False)
    assert prepare("The SIDEWALK near my apartment") == "the pavement , my flat"  # near: where
    assert "x:marri" in features(analyzer, "my marriage")
    assert "x:marri" in features(analyzer, "we got married")  # "married" -> "marriage" too
    assert "w:street light" in features(analyzer, "the streetlights")  # one word, two words
    assert "w:street light" not in features(analyzer, "the street, lights")


def test_english_inflections_accents_and_filler_words() -> None:
    """Every form of an English word meets the others; where / when words are left out."""
    for forms in (
        ("park", "parked", "parking", "parks"),
        ("charge", "charged", "charges", "charging"),
        ("stop", "stopped", "stopping", "stops"),
        ("carry", "carried", "carries"),
        ("speed", "speeding", "speeds"),
    ):
        assert len({lemma(f) for f in forms}) == 1, forms
    assert lemma("shebao") == "shebao" and lemma("gongche") == "gongche"  # pinyin kept
    assert lemma("there") == "there"  # a stop word stays one
    assert prepare("my fiancée") == "my fiancee"
    assert prepare("Someone broke into my flat") == "someone burglary my flat"
    assert prepare("cars parked outside every evening") == "car park , , ,"
    analyzer = Analyzer(negation=False)
    assert "e:park" in features(analyzer, "illegal parking") and "e:park" in features(
        analyzer, "he parked on the pavement"
    )


def test_list_joiners_of_duties_join_no_words(tmp_path: Path) -> None:
    """ "道路坑洼和路面破损": no department has the pair "洼和" (nor "和" alone)."""
    router = toy_router(tmp_path)
    assert router.idf("b:洼和") == router.unknown_idf  # unknown to every profile
    assert router.idf("u:和") == router.unknown_idf
    assert router.idf("b:坑洼") < router.unknown_idf
    assert indexed_text(Phrase("roads", "duty", "电梯、锅炉等特种设备")) == "电梯、锅炉，特种设备"
    assert indexed_text(Phrase("roads", "faq", "我和老公")) == "我和老公"  # a citizen's words


def test_explain_names_the_matching_phrases(tmp_path: Path) -> None:
    router = toy_router(tmp_path)
    assert router.explain("路灯不亮", "roads")[0] == "路灯维修"
    assert router.explain("路灯不亮", "nowhere") == []
