"""The request form's guesses: demand type and urgency, measured on the labelled sets
(tests/tickets/data/; figures: ``python -m tests.tickets.demand_eval``), and the demand model
shipped in the package (tickets/data/demand_model.json)."""

from __future__ import annotations

import json

import pytest
from rapidfuzz import fuzz, process

from tests.tickets.demand_eval import (
    SETS,
    TYPES,
    load,
    load_all,
    load_set,
    type_report,
    urgency_report,
)
from tickets.demand_model import (
    MODEL_PATH,
    feature_fingerprint,
    load_model,
    load_training,
    train,
)
from tickets.demand_text import ANALYSED_MAX, fold
from tickets.intake import MAX_TICKET_TEXT, guess_demand_type, guess_urgent
from tickets.lifecycle import DEMAND_TYPES

# Floors per labelled set: accuracy, the lowest per-type precision and recall, and urgency
# precision and recall. Each sits a few points under the figure measured when it was set, so
# that a change which loses more than a demand or two per set fails. fresh_b is the honest
# held-out figure (never looked at while developing the cues and the model); dev, holdout and
# fresh_a were looked at, their figures are optimistic.
FLOORS: dict[str, dict[str, float]] = {
    "dev": {"accuracy": 0.9, "type": 0.8, "urgent_precision": 0.95, "urgent_recall": 0.95},
    "holdout": {"accuracy": 0.9, "type": 0.75, "urgent_precision": 0.8, "urgent_recall": 0.8},
    "fresh_a": {"accuracy": 0.94, "type": 0.85, "urgent_precision": 0.9, "urgent_recall": 0.9},
    # measured once, at the end: 86.2% (106/123), lowest per-type figure 68.2% (help
    # precision: long complaints about something broken read as help), urgency P 80% R 100%
    "fresh_b": {"accuracy": 0.82, "type": 0.6, "urgent_precision": 0.7, "urgent_recall": 0.9},
}


def test_the_labelled_sets_are_varied_enough_to_measure() -> None:
    rows = load()
    assert len(rows) >= 150
    assert sum(1 for r in rows if r.set == "holdout") >= 40
    for name in SETS:
        part = load_set(name)
        assert {r.lang for r in part} == {"zh", "en"}, name
        assert {r.type for r in part} == set(TYPES), name
        assert sum(r.urgent for r in part) >= 5, name
    for name in ("fresh_a", "fresh_b"):
        part = load_set(name)
        assert len(part) >= 100
        assert sum(r.urgent for r in part) >= 10
        assert sum(r.lang == "en" for r in part) >= 0.15 * len(part)


def test_no_training_demand_is_in_an_evaluation_set() -> None:
    measured = [fold(r.text) for r in load_all()]
    for text, _ in load_training():
        _, similarity, _ = process.extractOne(fold(text), measured, scorer=fuzz.ratio)
        assert similarity < 80, text


def test_the_shipped_model_is_built_from_the_shipped_training_demands() -> None:
    """Fails when the training demands, the cues or the features changed without a rebuild
    (``.venv/bin/python tools/build_demand_model.py``)."""
    rows = load_training()
    meta = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert meta["rows"] == len(rows)
    assert meta["fingerprint"] == feature_fingerprint(rows)
    assert set(load_model().classes) == set(DEMAND_TYPES)
    assert {kind for _, kind in rows} == set(DEMAND_TYPES)


def test_training_learns_what_it_is_shown() -> None:
    rows = [
        ("请问社保卡怎么补办", "consultation"),
        ("请问居住证在哪里办", "consultation"),
        ("楼上太吵了，说了好几次都不管", "complaint"),
        ("楼下饭店油烟太大，物业不管", "complaint"),
        ("举报有人偷排污水", "report"),
        ("有人私自搭建违章建筑", "report"),
        ("建议增加公交班次", "suggestion"),
        ("希望公园多放几个长椅", "suggestion"),
        ("求助，老人走失了", "help"),
        ("家里水管漏水，麻烦派人来修", "help"),
    ]
    model = train(rows)
    assert set(model.classes) == set(DEMAND_TYPES)
    for text, kind in rows:
        scores = model.scores(text)
        assert max(scores, key=lambda k: scores[k]) == kind, text
    assert abs(sum(model.scores("随便说点什么").values()) - 1) < 1e-9


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_demand_type_accuracy_holds_its_floor(name: str) -> None:
    floors = FLOORS[name]
    report = type_report(load_set(name))
    assert report.accuracy >= floors["accuracy"], "\n".join(report.lines(name))
    for demand_type in TYPES:
        score = report.score(demand_type)
        assert score.recall >= floors["type"], score
        assert score.precision >= floors["type"], score


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_urgency_hint_holds_its_floor(name: str) -> None:
    floors = FLOORS[name]
    urgent = urgency_report(load_set(name)).score("urgent")
    assert urgent.precision >= floors["urgent_precision"], urgent
    assert urgent.recall >= floors["urgent_recall"], urgent


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("楼下烧烤摊每天晚上噪音很大", "complaint"),
        ("门口有人占道经营，车都过不去", "report"),
        ("请问居住证怎么办理", "consultation"),
        ("不是投诉，就是想问问噪音的标准", "consultation"),  # negated
        ("Not a complaint, I only want to know the opening hours", "consultation"),
        ("How do I report illegal parking?", "consultation"),  # the report is the question
        ("发现有人往河里倾倒垃圾", "report"),
        ("井盖丢了", "report"),
        ("建议在公园增加座椅", "suggestion"),
        ("希望增加一条公交线路", "suggestion"),
        ("求助，老人走失了", "help"),
        ("my water pipe is leaking, please help", "help"),
        ("helpful staff, thanks", "suggestion"),  # praise; and "help" is a whole word only
        # a person in danger is a call for help, however it is phrased
        ("有个人在河边好像要跳下去，快来人", "help"),
        ("Someone is lying on the pavement outside the bank and isn't breathing", "help"),
        # a demand in a question form that proposes something is a suggestion
        ("菜市场门口能不能装个雨棚啊", "suggestion"),
        # Traditional characters read like Simplified ones
        ("樓上每天半夜裝修，吵得睡不著，物業也不管", "complaint"),
    ],
)
def test_guess_demand_type_examples(text: str, expected: str) -> None:
    assert guess_demand_type(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("家里燃气泄漏了", True),
        ("电梯坏了，我们被困在里面", True),
        ("我没有被困，电梯有点异响", False),  # negated
        ("小区停水三天了", True),
        ("小区停水了", False),
        ("No heating in winter and my baby is freezing", True),
        ("请问急救培训在哪报名", False),  # a question about first-aid courses
        ("Cars park in the fire lane every night", False),
        ("怎么交燃气费", False),
        # by category, with the look-alikes that are not emergencies
        ("厨房有股煤气味，不敢开灯", True),
        ("燃气灶打不着火了，找谁修", False),
        ("楼下冒黑烟了，好像着火了", True),
        ("工厂烟囱天天排放黑烟", False),
        ("路边电线断了掉在地上，还在冒火花", True),
        ("地下室进水了，已经没过膝盖", True),
        ("我妈有老年痴呆，早上出门到现在没回来", True),
        ("我的快递找不到了", False),
        ("上个月电梯还关过人，物业一直不修", False),  # in the past
        ("暖气不热，屋里十七八度，老人穿着棉袄", False),  # a complaint, not a danger
        ("奶奶一个人住，暖气坏了，屋里只有六度", True),
        ("停电了，家里老人用着制氧机", True),
        ("I don't smell gas any more, the engineer fixed it", False),
    ],
)
def test_guess_urgent_examples(text: str, expected: bool) -> None:
    assert guess_urgent(text) is expected


def test_a_long_demand_is_read_on_its_beginning_and_its_end() -> None:
    story = "我们小区的情况一直是这样，大家都知道，" * (MAX_TICKET_TEXT // 20)
    assert len(story) > ANALYSED_MAX
    assert guess_urgent(f"{story}现在厨房里一股煤气味") is True
    assert guess_urgent(f"厨房里一股煤气味，{story}") is True
    assert guess_demand_type(f"{story}请问居住证怎么办理？") == "consultation"
