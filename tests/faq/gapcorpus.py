"""A generated corpus of unanswered questions with known needs, for the clustering tests
and ``bench/gaps_bench.py``: needs x paraphrase templates x fillers, chatter and noise."""

from __future__ import annotations

import random
from collections.abc import Iterator

from tests.faq.perturbation import traditional

# need -> paraphrase templates ({p}: a place, {t}: a time)
NEEDS: dict[str, tuple[str, ...]] = {
    "water-outage": (
        "{p}停水了，什么时候来水",
        "{p}又停水了怎么回事",
        "{t}{p}一直没水，找谁",
        "{p}突然停水了，有没有停水通知",
    ),
    "heating": (
        "{p}暖气不热怎么办",
        "{t}暖气片是凉的，{p}好冷",
        "暖气一直不热，找谁修",
        "{p}供暖温度太低了",
    ),
    "noise-night": (
        "{p}晚上施工太吵了",
        "{t}工地还在施工，吵得睡不着",
        "夜间施工噪音扰民找谁",
        "{p}半夜施工噪音太大",
    ),
    "pet-cat": (
        "养猫需要办证吗",
        "{p}养猫要登记吗",
        "猫需要打疫苗登记吗",
        "家里养了只猫，要不要办猫证",
    ),
    "loan-prepay": (
        "公积金贷款可以提前还吗",
        "公积金贷款提前还款怎么办理",
        "想提前还公积金贷款，去哪办",
        "公积金贷款能不能提前还清",
    ),
    "parking-permit": (
        "{p}居民停车证怎么办",
        "小区停车证在哪里申请",
        "{p}停车证怎么申请",
        "想办个停车证，需要什么材料",
    ),
    "bus-route": (
        "{p}公交线路什么时候调整",
        "{p}的公交车改线了吗",
        "公交站{t}取消了吗",
        "{p}附近的公交线路变了",
    ),
    "school-lunch": (
        "学校午餐怎么收费",
        "孩子在学校吃午饭要交多少钱",
        "{p}小学午餐费怎么交",
        "学生午餐费标准是多少",
    ),
    "passport-photo": (
        "护照照片有什么要求",
        "办护照的照片在哪里拍",
        "护照照片背景是什么颜色",
        "拍护照照片要注意什么",
    ),
    "en-bin": (
        "When is the bin collection day in {e}?",
        "Which day do they collect the bins in {e}?",
        "bin collection schedule for {e}",
        "My bins were not collected in {e}",
    ),
    "en-pothole": (
        "There is a pothole on the road in {e}",
        "How do I report a pothole in {e}?",
        "pothole outside my house in {e}",
        "Report a pothole near {e}",
    ),
}
PLACES = ("我们小区", "家里", "朝阳路", "城南", "我家楼下", "幸福里", "")
TIMES = ("今天", "从昨天开始", "这两天", "早上", "")
EN_PLACES = ("Park Street", "the old town", "Riverside", "Elm Road")
PREFIXES = ("", "", "你好，", "请问", "您好，我想问一下，")
SUFFIXES = ("", "", "？", "，谢谢", "，急")
NOISE = (
    "今天天气怎么样",
    "附近有什么好吃的",
    "市长信箱在哪里",
    "图书馆几点开门",
    "怎么申请人才补贴",
    "电动车充电桩装在哪",
    "How do I get a fishing licence?",
    "Where can I recycle batteries?",
    "办理结婚登记要带什么",
    "游泳馆几点开放",
)


def corpus(per_need: int = 30, noise: int = 20, seed: int = 5) -> Iterator[tuple[str, str]]:
    """(question, need) pairs; noise questions are their own need each."""
    rng = random.Random(seed)
    for need, templates in NEEDS.items():
        for _ in range(per_need):
            text = rng.choice(templates).format(
                p=rng.choice(PLACES), t=rng.choice(TIMES), e=rng.choice(EN_PLACES)
            )
            if not need.startswith("en-"):
                text = rng.choice(PREFIXES) + text + rng.choice(SUFFIXES)
                if rng.random() < 0.15:
                    text = traditional(text)
            yield text, need
    for i in range(noise):
        yield NOISE[i % len(NOISE)], f"noise-{i % len(NOISE)}"
