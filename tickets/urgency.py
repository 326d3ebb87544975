"""Danger in a citizen's demand, by category: what makes the request form propose "urgent".

High precision first: a category counts only in a clause that states it now (not negated —
"没有闻到煤气味", "not on fire" —, not in the past — "上个月还关过人" —, not a question about
a course, a fee or prevention — "急救培训", "燃气费", "fire lane" —). A strong cue (a gas
smell, a fire, someone trapped, missing, unconscious or threatened, water rising indoors, a live
wire down, a structure about to fall) is enough; a weak one (a leak, "紧急", a fear of what
could happen) needs another. A lost supply is urgent when it endangers someone: no heating in
the cold (a temperature of 12 °C or less, frost) or for a vulnerable person, no power for a
breathing machine, no water for days.
"""

from __future__ import annotations

import re
from functools import cache

from tickets.demand_text import Clauses, Cues, compile_cues

__all__ = ["DANGER", "URGENT_SCORE", "danger_categories", "urgency_score"]

URGENT_SCORE = 2.0
# category -> (strong patterns, weak patterns); matched on folded text (demand_text.fold)
DANGER: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "gas": (
        (
            "(?:煤气|燃气|天然气|液化气|瓦斯|沼气)(?:味|泄漏|泄露|漏了|漏气|漏出)", "漏气",
            "臭鸡蛋味", "闻到.{0,8}(?:煤气|燃气|天然气|液化气|气味很)", "一氧化碳",
            "gas leak\\w*", "leak\\w* gas", "smell\\w* (?:of )?gas", "gas smell", "carbon monoxide",
        ),
        ("(?:煤气|燃气|天然气).{0,6}(?:味|漏)", "(?:燃气|煤气|天然气)管", "gas pipe", "gas"),
    ),
    "fire": (
        (
            "(?<!不)着火", "起火", "失火", "火灾(?!险|保险)", "火势", "烧起来", "烧着了", "冒(?:黑|浓|白)?烟",
            "浓烟", "全是烟", "都是烟", "烟.{0,6}(?:往外冒|冒出|窜|呛)", "爆炸", "救火",
            "on fire", "caught fire", "fire (?:in|at|on|broke|is spreading|spread)",
            "(?:full of|thick) smoke", "there's smoke", "smoke (?:is |coming|everywhere|pouring)",
            "(?:buzzing|sparking|is|started) (?:and )?smoking", "explosion",
        ),
        ("烧焦", "焦糊味", "burning smell", "smoke"),
    ),
    "electric": (
        (
            "漏电", "触电", "电线.{0,10}(?:断了|断落|掉|落地|垂|冒火|打火|裸露|泡在)", "冒火花",
            "打火花", "电火花", "火花", "配电箱.{0,6}(?:着火|冒烟|进水|泡)", "滋滋响",
            "spark\\w*", "live (?:wire|cable)", "power line.{0,30}(?:down|fallen|hanging|lying)",
            "(?:wire|cable)s?.{0,20}(?:hanging|down|exposed|fallen|lying)", "electrocut\\w*",
            "dripping onto the wiring",
        ),
        ("电线", "电缆", "wiring"),
    ),
    "water": (
        (
            "淹(?:了|没|到)", "被淹", "全淹", "水.{0,6}(?:漫到|漫过|漫进|没过|涨到|进屋|灌进屋)",
            "进水.{0,10}(?:没过|膝盖|脚踝|还在涨)", "没过(?:脚踝|膝盖|小腿|腰)", "还在涨",
            "(?:水管|管子|管道|水表|主管).{0,4}(?:爆|裂)", "爆管", "冻裂", "发大水", "洪水",
            "被水围", "决堤", "漫过堤", "往下灌",
            "flood(?:ing|ed)? (?:fast|quickly)", "burst", "water (?:is )?(?:rising|pouring)",
            "water everywhere", "knee-deep", "(?:is|are) flooding",
        ),
        ("倒灌", "漫出", "淹", "漏水", "flood\\w*", "leak\\w*"),
    ),
    "trapped": (
        (
            "被困", "困在", "(?:关|卡|锁)在.{0,8}(?:电梯|里面|里头|屋里|车里|房间|厕所|中间)",
            "电梯.{0,10}(?:卡住|卡在|里面有人|关人)", "反锁.{0,10}(?:里|孩子|老人)",
            "(?:孩子|小孩|宝宝|婴儿|老人).{0,6}(?:还)?在(?:里面|车里|屋里)",
            "trapped", "stuck in (?:the |a )?(?:lift|elevator)", "stuck between floors",
            "locked in", "(?:child|baby|kid)\\w* (?:is |are )?(?:still )?inside",
        ),
        ("出不去", "stuck"),
    ),
    "missing": (
        (
            "走失", "失踪", "走丢",
            "(?:老人|老爷子|老太太|爸|妈|爷爷|奶奶|外公|外婆|姥姥|姥爷|孩子|小孩|儿子|女儿|老公|老伴|家人)"
            ".{0,24}(?:不见了|找不到|没回来|没回家|联系不上|失联)",
            "(?:has |have )?(?:been |gone |went )missing", "wandered (?:off|away)",
            "hasn't come (?:home|back)", "didn't come home", "haven't seen (?:him|her) for",
            "no answer when i knock", "can't find my (?:son|daughter|child|mother|father|mum|dad|grand\\w+)",
        ),
        ("老年痴呆", "阿尔茨海默", "记性不好", "dementia", "alzheimer\\w*"),
    ),
    "gone": (
        (
            "出门.{0,12}(?:没回来|没回家|找不到|不见)", "到现在(?:都|还)?没(?:回来|回家|到家)",
            "hasn't come (?:home|back)", "didn't come home",
        ),
        ("没回来", "没回家", "没到家", "联系不上", "关机", "不见了", "找不到人", "no answer"),
    ),
    "medical": (
        (
            "晕倒", "昏倒", "昏迷", "晕过去", "叫不醒", "不省人事", "没有?了?呼吸",
            "喘不(?:上|过)气", "呼吸困难", "胸(?:口)?(?:疼|痛|闷)", "心脏病.{0,4}(?:犯|发作)",
            "抽搐", "大出血", "流了?(?:很多|好多|一地)血", "血流不止", "骨折",
            "摔倒.{0,10}(?:起不来|不能动|动不了)", "起不来了", "中毒", "误吞", "误食", "吞了",
            "上吐下泻", "咬伤", "掉进.{0,6}(?:河|水|湖|井|坑|海)", "落水", "溺水",
            "被.{0,4}(?:卡住|夹住|压住|砸伤|砸中)", "躺着?.{0,6}一动不动", "倒在地上", "走不了路", "被.{0,3}撞了",
            "unconscious", "(?:not|isn't|is not|wasn't|stopped) breathing", "no pulse",
            "lying (?:on|in) the (?:road|pavement|street|floor|ground)", "collapsed", "bleeding",
            "can't breathe", "chest pain", "heart attack", "can't get up", "swallowed",
            "poison\\w*", "(?:not|isn't) moving", "isn't responding", "not responding",
            "overdose", "seizure", "hit by a (?:car|bus|truck)",
            "fell into (?:the |a )?(?:river|water|lake|well|manhole|sea|canal)", "drowning",
        ),
        ("心脏病", "摔倒", "摔了", "流血", "受伤", "injur\\w*", "fell"),
    ),
    "violence": (
        (
            "(?:拿|持|举)着?(?:刀|斧头|棍子)", "砍人", "捅人", "打我和", "打我们", "家暴",
            "砸门", "打孩子", "虐待", "追着?.{0,4}砍",
            "with a knife", "knife", "beat(?:ing)? (?:me|us|my)", "hitting (?:me|us|my)",
        ),
        ("打人", "打架", "威胁", "threaten\\w*", "fight\\w*"),
    ),
    "suicide": (
        (
            "跳楼", "跳河", "跳桥", "轻生", "自杀", "不想活", "寻死", "割腕", "要跳下来", "要跳",
            "suicid\\w*", "kill (?:himself|herself|myself|themselves)", "jump(?:ing)? off",
            "going to jump", "end (?:his|her|my) life",
        ),
        ("想不开", "hopeless"),
    ),
    "structure": (
        (
            "倒塌", "坍塌", "塌了", "塌方", "要塌", "快塌", "要倒了", "快倒了", "要掉下来",
            "快掉下来", "砸下来", "滑坡", "泥石", "落石", "被埋", "埋了", "大树倒", "树倒了",
            "(?:护栏|栏杆).{0,6}断", "(?:railing|guardrail).{0,20}broken", "broken (?:railing|guardrail)", "(?:隧道|高速).{0,10}(?:抛锚|车坏|熄火)",
            "(?:抛锚|车坏了).{0,10}(?:隧道|高速)",
            "(?:广告牌|招牌|塔吊|脚手架|电线杆).{0,8}(?:倒|歪|掉|松动)",
            "井盖.{0,6}(?:丢了|没了|不见了|被偷|缺)", "窨井.{0,6}(?:没盖|敞开)",
            "(?:红绿灯|信号灯).{0,6}(?:坏|不亮|失灵|灭|黑)",
            "landslide", "about to (?:fall|collapse)", "falling (?:down|onto|off)",
            "(?:tree|branch) (?:fell|has fallen|came down)", "fallen tree",
            "manhole cover.{0,12}(?:missing|gone|stolen)", "open manhole",
            "traffic lights?.{0,60}(?:out|not working|broken|dead)",
        ),
        ("井盖", "塌", "could fall", "manhole", "隧道", "抛锚", "滑倒"),
    ),
    "alarm": (
        ("救命", "快来人", "十万火急", "sos", "emergency(?! exit| number| contact)"),
        ("紧急", "危险", "急死", "urgent\\w*", "danger\\w*"),
    ),
}  # fmt: skip

_SUPPLY_HEAT = (
    "暖气.{0,8}(?:坏|停|不热|冻裂|没了|不行|不供)", "没有?暖气", "停暖", "停止供暖",
    "no (?:heating|heat)", "heating.{0,20}(?:off|broken|out|hasn't worked|not working|stopped)",
)  # fmt: skip
_SUPPLY_POWER = ("停电", "断电", "没电", "no (?:power|electricity)", "power(?:'s| is)? out", "power cut", "outage")  # fmt: skip
_SUPPLY_WATER = ("停水", "断水", "没水", "no water")
_DEVICE = ("呼吸机", "制氧机", "透析", "氧气", "oxygen", "ventilator", "dialysis")
_VULNERABLE = (
    "老人", "老太太", "老爷子", "婆婆", "奶奶", "爷爷", "外婆", "外公", "姥姥", "独居",
    "一个人住", "[七八九]十(?:多)?岁", "婴儿", "宝宝", "刚出生", "满月", "新生儿", "孕妇",
    "瘫痪", "卧床", "病人", "手术", "elderly", "old (?:man|woman|lady)", "baby", "newborn",
    "pregnant", "surgery", "bedridden", "lives alone", "[6-9]\\d(?:-year-old| years old)",
    "(?:aged|is) [7-9]\\d",
)  # fmt: skip
_FROST = (
    "零下",
    "冰窖",
    "冻得",
    "冻坏",
    "冷得",
    "哆嗦",
    "minus",
    "below zero",
    "freezing",
    "sub-zero",
)
_DAYS = "(?:[两三四五六七八九十]|好几|几|[2-9])天"
# A clause about a course, a fee, prevention, insurance... is not an emergency.
_NOT_NOW = (
    "培训", "演练", "讲座", "宣传", "知识", "课程", "报名", "预防", "防范", "保险", "补贴", "费",
    "安检", "证书", "标准", "通道", "灭火器", "请问", "想问", "想了解", "咨询", "科普",
    "training", "course", "drill", "prevent\\w*", "insurance", "subsid\\w*", "bill", "fee",
    "lane", "exit", "certificate", "inspection", "extinguisher", "wondering", "information",
    "烟囱", "排放", "偷排", "chimney", "discharg\\w*",
)  # fmt: skip
_PAST = (
    "上个月", "上周", "上星期", "上次", "去年", "前年", "以前", "之前", "曾经", "那次", "修好了",
    "已经解决", "last (?:week|month|year|time)", "ago", "used to", "was fixed",
)  # fmt: skip
_MAYBE = ("怕", "担心", "万一", "会不会", "可能会", "容易", "隐患", "worried", "afraid", "in case")


def _rx(patterns: tuple[str, ...]) -> Cues:
    return compile_cues(patterns)


@cache
def _compiled() -> dict[str, tuple[Cues, Cues]]:
    return {name: (_rx(strong), _rx(weak)) for name, (strong, weak) in DANGER.items()}


@cache
def _aux() -> dict[str, Cues]:
    return {
        "heat": _rx(_SUPPLY_HEAT),
        "power": _rx(_SUPPLY_POWER),
        "water": _rx(_SUPPLY_WATER),
        "device": _rx(_DEVICE),
        "vulnerable": _rx(_VULNERABLE),
        "frost": _rx(_FROST),
        "days": _rx((f"(?:停水|断水|没水).{{0,4}}{_DAYS}", f"{_DAYS}.{{0,6}}(?:停水|没水|没有水)")),
        "not_now": _rx(_NOT_NOW),
        "past": _rx(_PAST),
        "maybe": _rx(_MAYBE),
    }


_ZH_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_DEGREES = re.compile(r"(零下|minus )?([0-9]+|[零一二两三四五六七八九十]+)\s*(?:度|°|degrees)")


def _zh_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        value = (_ZH_DIGITS.get(tens, 1) if tens else 1) * 10
        return value + (_ZH_DIGITS.get(ones[:1], 0) if ones else 0)  # 十七八 -> 17
    return _ZH_DIGITS.get(text[:1])  # 八九 -> 8


def _temperatures(folded: str) -> list[int]:
    found = []
    for sign, number in _DEGREES.findall(folded):
        value = _zh_number(number)
        if value is not None:
            found.append(-value if sign else value)
    return found


def danger_categories(parsed: Clauses) -> dict[str, float]:
    """Danger categories stated in the demand, each 2 (strong) or 1 (weak)."""
    aux = _aux()
    skip = parsed.matched(aux["not_now"]) | parsed.matched(aux["past"])
    maybe = parsed.matched(aux["maybe"])
    found: dict[str, float] = {}
    for name, (strong, weak) in _compiled().items():
        stated = parsed.stated(strong) - skip
        if stated:
            found[name] = 2.0 if stated - maybe else 1.0
        elif parsed.stated(weak) - skip:
            found[name] = 1.0
    supply = _supply_danger(parsed, skip)
    if supply:
        found["supply"] = supply
    return found


def _supply_danger(parsed: Clauses, skip: set[int]) -> float:
    aux = _aux()
    heat = bool(parsed.stated(aux["heat"]) - skip)
    power = bool(parsed.stated(aux["power"]) - skip)
    water = bool(parsed.stated(aux["water"]) - skip)
    if not (heat or power or water):
        return 0.0
    text = "\n".join(parsed.clause(i) for i in range(len(parsed)) if i not in skip)
    temps = _temperatures(text)
    cold = aux["frost"].search(text) or any(t <= 12 for t in temps)
    mild = bool(temps) and all(t > 12 for t in temps)
    vulnerable = aux["vulnerable"].search(text)
    if (power or heat) and aux["device"].search(text):
        return 2.0
    if heat and (cold or (vulnerable and not mild)):
        return 2.0
    if water and (aux["days"].search(text) or (vulnerable and "瘫痪" in text)):
        return 2.0
    if heat and vulnerable:
        return 1.0
    return 0.0


def urgency_score(parsed: Clauses) -> float:
    return sum(danger_categories(parsed).values())
