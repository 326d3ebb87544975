"""Ticket intake rules: which department, which demand type and whether urgency a citizen's
text suggests.

Pure functions of the text (and the departments configuration); the citizen can always change
the guess in the form, and staff later with ``/type`` and ``/urgent``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tickets.config.desk import DeskConfig
from tickets.lifecycle import DEMAND_TYPES

__all__ = [
    "DEMAND_TYPE_CUES",
    "MATCH_TEXT_MAX",
    "MAX_TICKET_TEXT",
    "URGENT_CUES",
    "DepartmentGuess",
    "append_text",
    "demand_type_scores",
    "guess_demand_type",
    "guess_department",
    "guess_urgent",
    "text_for_matching",
]

MAX_TICKET_TEXT = 4000  # TicketService's limit: a longer message is kept up to this
MATCH_TEXT_MAX = 500  # the FAQ matcher sees at most this many characters
TRUNCATED = " […]"

# -- demand type and urgency ------------------------------------------------------------------
# Cues per type, each a pattern with a weight. A Chinese pattern matches anywhere (no word
# breaks); an ASCII pattern matches whole words only ("help" is not "helpful"). The text is
# cut into clauses at punctuation; in each clause a cue preceded by a negation ("不是投诉",
# "not a complaint", "我没有被困") does not count, and a clause that asks how to do something
# ("怎么办理", "how do I report ...") counts for consultation and discounts the other cues in
# it (its "complaint" or "report" is the subject of the question, not the demand). The type with
# the highest score wins; consultation when no cue is strong enough. Measured on the labelled
# set tests/tickets/data/demand_types.jsonl (``python -m tests.tickets.demand_eval``).
_W = tuple[str, float]

DEMAND_TYPE_CUES: dict[str, tuple[_W, ...]] = {
    "consultation": (
        ("请问", 2), ("咨询", 2.5), ("问下", 2), ("问一下", 2), ("想问", 2), ("问问", 2),
        ("了解一下", 2), ("怎么", 1.5), ("如何", 2), ("怎样", 1.5), ("咋", 1), ("哪里", 1.5),
        ("在哪", 1.5), ("去哪", 1.5), ("多少", 1), ("多久", 1.5), ("多长时间", 1.5),
        ("什么时候", 1), ("吗", 1), ("有没有", 1), ("是否", 0.5), ("能否", 0.5),
        ("条件", 1.5), ("流程", 1.5), ("材料", 1.5), ("手续", 1.5), ("证明", 1), ("要求", 1),
        ("需要什么", 2), ("几岁", 1), ("几个月", 1), ("政策", 1.5), ("补贴", 1), ("标准", 1),
        ("[?？]", 0.5),
        ("how", 1.5), ("what", 1), ("where", 1.5), ("when", 1), ("which", 1.5),
        ("can i", 1.5), ("do i", 1.5), ("is there", 1.5), ("are there", 1.5), ("is the", 1),
        ("tell me", 1.5), ("wondering", 2), ("requirements?", 1.5), ("documents?", 1),
        ("apply\\w*", 1), ("appointment", 1), ("subsid\\w*", 1), ("open on", 1),
    ),
    "help": (
        ("求助", 4), ("帮帮", 3), ("帮忙", 2), ("帮我", 1), ("救命", 4), ("快来人", 3),
        ("被困", 4), ("困在", 3), ("走失", 3), ("没回来", 3), ("找不到", 1.5),
        ("停水", 2.5), ("停电", 2.5), ("断水", 2.5), ("断电", 2.5), ("没水", 2), ("没电", 2),
        ("暖气", 1.5), ("不热", 1.5), ("漏水", 2.5), ("漏气", 3), ("煤气味", 3), ("泄漏", 3),
        ("爆了", 3), ("爆管", 3), ("堵了", 2), ("堵塞", 2), ("坏了", 2), ("不亮", 2),
        ("损坏", 1.5), ("修一下", 2), ("维修", 1.5), ("来修", 2), ("派人", 2), ("抛锚", 3),
        ("着火", 3), ("起火", 3), ("冒烟", 2), ("晕倒", 3), ("摔倒", 3), ("流血", 3),
        ("很多血", 3), ("跳河", 4), ("跳楼", 4), ("轻生", 4), ("误吞", 3), ("拖欠", 2.5),
        ("欠薪", 2.5), ("工资", 1), ("丢了", 1), ("困难", 1.5), ("独居", 1.5),
        ("怎么办", 1.5), ("麻烦安排", 2), ("麻烦派", 2), ("清掏", 2), ("异响", 1.5),
        ("上门", 1), ("能喝", 1.5), ("回不了家", 2), ("受不了", 1), ("还?没回家", 2.5),
        ("联系不上", 2), ("打不通", 1), ("出不去", 2), ("进不去", 2), ("被埋", 3),
        ("泥石", 3), ("塌方", 3), ("滑坡", 3), ("没有?暖气", 2.5), ("反水", 2),
        ("用不了", 1.5), ("派人去", 2), ("看看", 0.5),
        ("(?<!would )help", 3), ("please help", 2), ("stuck", 3), ("trapped", 4),
        ("locked out", 3),
        ("wandered off", 3), ("missing", 1.5), ("hasn't come back", 3),
        ("no (?:water|heating|heat|power|electricity|gas)", 3), ("power cut", 3),
        ("outage", 3), ("not working", 2), ("broken", 2), ("blocked", 1.5),
        ("leak\\w*", 2.5), ("burst", 3), ("flood\\w*", 2), ("on fire", 3), ("smoke", 2),
        ("smell of gas", 3), ("collapsed", 3), ("not breathing", 4), ("unconscious", 4),
        ("freezing", 2), ("hasn't paid", 2.5), ("unpaid", 2.5), ("lost my", 2),
        ("send someone", 3), ("what should i do", 2), ("can't get", 1.5),
        ("(?:lights?|power|electricity) (?:is|are|has been|have been|went) out", 2.5),
        ("pitch dark", 1.5), ("can someone", 2), ("dripping", 1.5), ("landslide", 3),
    ),
    "complaint": (
        ("投诉", 3), ("不满", 3), ("态度.{0,3}(?:差|恶劣|不好|冷漠|蛮横)", 3), ("扰民", 3),
        ("噪音", 2), ("太吵", 2), ("很吵", 2), ("吵得", 2), ("好吵", 2), ("吵死", 2),
        ("乱收费", 3), ("多收", 2), ("收费不", 2), ("不作为", 3), ("不管", 1.5),
        ("没人管", 1.5), ("没人接", 1.5), ("没有下文", 2.5), ("推诿", 3), ("刁难", 3),
        ("敷衍", 2), ("拖延", 2), ("太差", 2), ("很差", 2), ("离谱", 2), ("不合理", 2),
        ("绕路", 2), ("粗暴", 3), ("跑路", 2), ("不退", 2), ("退费", 1.5), ("欺负", 2),
        ("油烟", 2), ("过期", 1.5), ("跑了.{0,2}趟", 2), ("都没用", 1.5), ("又坏了", 2),
        ("第.次", 1), ("好几次", 1), ("还没到账", 2), ("不按", 1.5), ("音响", 1.5),
        ("大声", 1.5), ("不耐烦", 2), ("不一样", 1), ("不公示", 2), ("不告诉", 1.5),
        ("越来越差", 3), ("服务.{0,3}差", 3), ("太麻烦", 2), ("不客气", 2), ("很冲", 2),
        ("冷漠", 2), ("太慢", 2), ("一直没", 1.5), ("还是没", 1.5), ("没人处理", 2),
        ("每次都", 1.5), ("年年涨", 2), ("乱涨", 2), ("凭什么", 2), ("坑人", 2),
        ("气死", 2), ("吵", 1), ("差劲", 3),
        ("complain\\w*", 3), ("rude", 3), ("unacceptable", 3), ("overcharg\\w*", 3),
        ("nois[ey]", 2), ("loud", 2), ("can't sleep", 2), ("ridiculous", 2),
        ("(?:not |un|dis)satisfied", 3), ("ignor\\w+", 2), ("nobody has replied", 2),
        ("no one (?:has )?(?:replied|answered)", 2), ("stinks", 1.5), ("drove off", 2),
        ("without telling", 2), ("third time", 1.5), ("again", 1), ("terrible", 2),
        ("hasn't been collected", 2), ("refus\\w*", 2), ("wouldn't", 1),
        ("too slow", 2.5), ("far too", 1.5), ("nobody does anything", 3),
        ("still nothing", 2.5), ("still not", 1.5),
        ("waiting (?:for )?(?:\\w+ )?(?:weeks|months)", 2),
        ("three times|several times|many times", 1.5), ("disgrace\\w*", 3), ("awful", 2),
    ),
    "report": (
        ("举报", 4), ("违法", 3), ("违规", 3), ("违章搭建", 3), ("违建", 3), ("违章", 1),
        ("偷排", 3), ("非法", 3), ("黑诊所", 3), ("黑作坊", 3), ("黑车", 3), ("无证", 3),
        ("没有营业执照", 3), ("无照", 3), ("诈骗", 3), ("冒充", 3), ("虚假", 2), ("骗", 1.5),
        ("假药", 3), ("假货", 3), ("倾倒", 3), ("乱倒", 2), ("倒进", 2), ("偷偷", 1.5),
        ("私自", 2), ("砍伐", 2), ("占道", 3), ("占用", 2), ("乱停", 2), ("乱放", 1.5),
        ("消防通道", 2), ("盲道", 1.5), ("井盖", 2), ("飙车", 3), ("缺斤少两", 3),
        ("未成年人", 2), ("发现", 1.5), ("有人在", 0.5), ("(?:拿|持)着?刀", 3),
        ("冒火花", 2), ("大坑", 1.5), ("咬人", 1.5), ("咬伤", 1.5), ("充电", 1),
        ("(?:红绿灯|信号灯).{0,3}(?:坏|不亮|失灵)", 2.5), ("加盖", 1.5), ("擅自", 2),
        ("圈起来", 2), ("圈占", 2), ("排(?:放|污|泥浆|废水|脏水)", 2), ("群租", 3),
        ("黑(?:出租|车|中介|加油站|网吧|工厂|作坊)", 3), ("卖(?:烟|酒)给", 2.5),
        ("拉客", 2), ("护栏", 2), ("电线", 1.5), ("电缆", 1.5), ("焚烧", 2.5),
        ("烧垃圾", 2.5), ("有人(?:把|往|偷)", 1.5),
        ("report\\w*", 3), ("illegal\\w*", 3), ("unlicensed", 3), ("without a licen[cs]e", 3),
        ("scam\\w*", 3), ("fraud\\w*", 3), ("pretending", 2), ("dumping", 3),
        ("pouring", 2), ("discharg\\w*", 2), ("fire lane", 2), ("blocking", 1.5),
        ("manhole", 2), ("to children", 2), ("minors", 2), ("sparks", 2), ("tree fell", 2),
        ("someone (?:is|has been|keeps)", 1.5), ("violat\\w*", 3), ("bribe\\w*", 3),
        ("renting out", 2), ("burning (?:rubbish|garbage|waste)", 2.5),
        ("parked on", 1.5), ("(?:live |electric )(?:cable|wire)s?", 2), ("hanging", 1),
    ),
    "suggestion": (
        ("建议", 3), ("提议", 3), ("意见", 2), ("希望", 2.5), ("能不能", 1.5),
        ("可不可以", 1.5), ("可以多", 2), ("多放", 2), ("多种", 2), ("多建", 2), ("多设", 2),
        ("增加", 2), ("增设", 2), ("加装", 2), ("设置", 1.5), ("开通", 1.5), ("延长", 2),
        ("考虑", 2), ("应该", 1.5), ("缺个", 1.5), ("缺少", 1.5), ("规划", 1),
        ("就好了", 3), ("要是", 1.5), ("改进", 2), ("优化", 2), ("简化", 2), ("表扬", 2),
        ("suggest\\w*", 3), ("propos\\w*", 3), ("would be (?:great|nice|good|better)", 3),
        ("consider\\w*", 2.5), ("should (?:have|add|be|put|install)", 2), ("why not", 3),
        ("maybe add", 2), ("add more", 2), ("more \\w+s", 1), ("idea", 2.5),
        ("i wish", 2.5), ("i hope", 2), ("could the city", 2), ("install", 1),
        ("would help", 2.5), ("it would", 1.5), ("should", 1.5), ("perhaps", 1.5),
        ("maybe", 1.5), ("could (?:\\w+ )?(?:lend|add|open|provide|offer|put|have)", 1.5),
        ("more", 1), ("加个", 2), ("多开", 2), ("多办", 2), ("加一", 1.5),
    ),
}  # fmt: skip
assert set(DEMAND_TYPE_CUES) == set(DEMAND_TYPES)

# A clause asking how to do something: its other cues are the subject of the question.
_PROCEDURE = (
    "怎么办理", "如何办理", "怎么申请", "如何申请", "怎么投诉", "如何投诉", "怎么举报",
    "如何举报", "怎么处理", "怎么预约", "怎么交", "在哪交", "在哪办", "去哪办", "在哪报名",
    "请问", "想问", "问一下", "咨询一下", "想咨询", "了解一下",
    "how do i", "how can i", "how to", "where do i", "where can i", "how long", "how much",
    "wondering",
)  # fmt: skip
# Urgency: danger to people or property, or a basic supply long gone. Scored like the type
# cues; a score of 2 proposes "urgent" in the form (the citizen can switch it off).
URGENT_CUES: tuple[_W, ...] = (
    ("紧急", 2), ("十万火急", 2), ("救命", 2), ("快来人", 2), ("人身安全", 2),
    ("漏气", 2), ("燃气泄漏", 2), ("煤气味", 2), ("泄漏", 2), ("燃气", 1), ("煤气", 1),
    ("天然气", 1), ("着火", 2), ("起火", 2), ("火灾", 2), ("冒烟", 1), ("被困", 2),
    ("困在", 2), ("流血", 2), ("很多血", 2), ("急救", 2), ("晕倒", 2), ("昏迷", 2),
    ("没有呼吸", 2), ("摔倒", 1), ("起不来", 1), ("走失", 2), ("没回来", 1),
    ("老年痴呆", 1), ("跳河", 2), ("跳楼", 2), ("轻生", 2), ("自杀", 2), ("误吞", 2),
    ("中毒", 2), ("(?:拿|持)着?刀", 2), ("咬伤", 2), ("井盖.{0,3}(?:丢|偷|没了|缺)", 2),
    ("爆了", 2), ("爆管", 2), ("冒火花", 2), ("漏电", 2), ("危险", 1),
    ("停水(?:两|三|四|五|好几|多|[2-9])天", 2), ("暖气.{0,4}(?:不热|坏|停)", 2),
    ("(?:红绿灯|信号灯).{0,3}(?:坏|不亮|失灵)", 2), ("抛锚", 1), ("隧道", 1),
    ("urgent\\w*", 2), ("emergency", 2), ("gas leak\\w*", 2), ("smell of gas", 2),
    ("smell gas", 2), ("on fire", 2), ("fire", 1), ("smoke", 1), ("trapped", 2),
    ("stuck in (?:the |a )?(?:lift|elevator)", 2), ("collapsed", 2), ("not breathing", 2),
    ("unconscious", 2), ("bleeding", 2), ("blood", 1), ("dementia", 1), ("wandered off", 2),
    ("no heating", 2), ("no heat", 2), ("freezing", 1), ("minus", 1), ("burst", 2),
    ("people inside", 2), ("fall in", 1), ("manhole", 1), ("missing", 1), ("sparks", 2),
    ("tree fell", 2), ("fallen tree", 2), ("danger\\w*", 1), ("心脏病", 1.5),
    ("制氧机", 2), ("呼吸机", 2), ("oxygen", 2), ("ventilator", 2), ("没有?暖气", 2),
    ("泥石", 2), ("塌方", 2), ("滑坡", 2), ("landslide", 2), ("电线", 1), ("电缆", 1),
    ("(?:live |electric )(?:cable|wire)s?", 2), ("wiring", 1.5), ("护栏.{0,3}断", 2),
    ("还?没回家", 1), ("老人", 0.5), ("elderly", 0.5),
)  # fmt: skip
# Phrases that look alarming but are not ("fire lane", "blood test", "燃气费").
_URGENT_EXCEPTIONS = (
    "fire lane", "fire exit", "fire safety", "blood test", "燃气费", "燃气开户", "消防通道",
)  # fmt: skip
_NEGATIONS_ZH = ("不是", "没有", "没", "并非", "并不", "无需", "不用", "不需要")
_NEGATIONS_EN = ("not", "no", "never", "isn't", "wasn't", "not a", "not an", "nothing")
_CLAUSES = re.compile(r"[。，,.!！?？;；:：\n]+")
_TYPE_THRESHOLD = 1.5
_URGENT_THRESHOLD = 2.0
_PRIORITY = ("report", "complaint", "help", "suggestion", "consultation")  # ties


def _compile(pattern: str) -> re.Pattern[str]:
    if pattern.isascii() and any(c.isalpha() for c in pattern):
        return re.compile(rf"(?<![a-z'])(?:{pattern})(?![a-z])")  # whole words
    return re.compile(pattern)


_TYPE_PATTERNS = {
    kind: tuple((_compile(p), w) for p, w in cues) for kind, cues in DEMAND_TYPE_CUES.items()
}
_URGENT_PATTERNS = tuple((_compile(p), w) for p, w in URGENT_CUES)
_PROCEDURE_PATTERNS = tuple(_compile(p) for p in _PROCEDURE)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _negated(clause: str, start: int) -> bool:
    """Whether a negation stands just before ``start`` ("不是投诉", "not a complaint")."""
    before = clause[max(0, start - 4) : start]
    if before.endswith("是不是") or before.endswith("是否"):
        return False  # "是不是漏气了" asks, it does not deny
    if any(before.endswith(n) for n in _NEGATIONS_ZH):
        return True
    words = re.findall(r"[a-z']+", clause[max(0, start - 16) : start])
    tail = " ".join(words[-2:])
    return any(tail == n or tail.endswith(" " + n) or words[-1:] == [n] for n in _NEGATIONS_EN)


def _score(clause: str, patterns: tuple[tuple[re.Pattern[str], float], ...]) -> float:
    total = 0.0
    for pattern, weight in patterns:
        if any(not _negated(clause, m.start()) for m in pattern.finditer(clause)):
            total += weight
    return total


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSES.split(_fold(text)) if c.strip()]


def _is_procedure(clause: str) -> bool:
    return any(p.search(clause) for p in _PROCEDURE_PATTERNS)


def demand_type_scores(text: str) -> dict[str, float]:
    """The score of each demand type for ``text`` (see DEMAND_TYPE_CUES)."""
    scores = dict.fromkeys(DEMAND_TYPES, 0.0)
    for clause in _clauses(text):
        procedure = _is_procedure(clause)
        for kind, patterns in _TYPE_PATTERNS.items():
            value = _score(clause, patterns)
            if procedure:
                value = value + 3 if kind == "consultation" else value * 0.25
            scores[kind] += value
    return scores


def guess_demand_type(text: str) -> str:
    """The demand type the text reads as; ``consultation`` when nothing stands out."""
    scores = demand_type_scores(text)
    best = max(_PRIORITY, key=lambda kind: (scores[kind], -_PRIORITY.index(kind)))
    if best == "consultation" or scores[best] < _TYPE_THRESHOLD:
        return "consultation"
    return best


def guess_urgent(text: str) -> bool:
    """Whether the text describes an emergency (danger to people, a gas leak, a fire, no
    water for days, no heating...): the form proposes the urgent flag, the citizen decides."""
    total = 0.0
    for clause in _clauses(text):
        for phrase in _URGENT_EXCEPTIONS:
            clause = clause.replace(phrase, " ")
        if _is_procedure(clause):
            continue
        total += _score(clause, _URGENT_PATTERNS)
    return total >= _URGENT_THRESHOLD


def _has(text: str, word: str) -> bool:
    if word.isascii():
        padded = f" {''.join(c if c.isalnum() else ' ' for c in text)} "
        return f" {word} " in padded
    return word in text


@dataclass(frozen=True)
class DepartmentGuess:
    slug: str | None
    source: str  # "faq" | "keywords" | "none"


def guess_department(
    text: str, config: DeskConfig, faq_department: str | None = None
) -> DepartmentGuess:
    """The closest FAQ entry's department when configured; else the department whose keywords
    the text mentions most (a tie means no guess); else none (the citizen chooses)."""
    if faq_department and config.get(faq_department) is not None:
        return DepartmentGuess(faq_department, "faq")
    folded = _fold(text)
    scores: dict[str, int] = {}
    for slug, dept in config.departments.items():
        hits = sum(1 for k in dept.keywords if k and _has(folded, _fold(k)))
        if hits:
            scores[slug] = hits
    if scores:
        ranked = sorted(scores.items(), key=lambda kv: -kv[1])
        if len(ranked) == 1 or ranked[0][1] > ranked[1][1]:
            return DepartmentGuess(ranked[0][0], "keywords")
    return DepartmentGuess(None, "none")


def _cap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - len(TRUNCATED)].rstrip() + TRUNCATED


def text_for_matching(text: str) -> str:
    """A very long message is matched on its beginning (the question is usually there)."""
    return text.strip()[:MATCH_TEXT_MAX]


def append_text(current: str, addition: str, limit: int = MAX_TICKET_TEXT) -> str:
    """The ticket text with the citizen's next message added, within the ticket's limit."""
    addition = addition.strip()
    combined = f"{current.rstrip()}\n{addition}" if current.strip() else addition
    return _cap(combined, limit)


def cap_ticket_text(text: str, limit: int = MAX_TICKET_TEXT) -> str:
    return _cap(text.strip(), limit)
