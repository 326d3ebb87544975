"""Structural cues of a citizen's demand: what the sentence does, not what it is about.

A demand is cut into clauses at punctuation (and at long runs of spaces, for run-on
messages). Each clause is matched against cue groups that describe a speech act — asking how,
where or whether (consultation); dissatisfaction, neglect, repetition, a nuisance (complaint);
someone else's wrongdoing (report); a first-person difficulty or danger (help); proposing,
wishing, "would be great" (suggestion) — plus the type words themselves ("投诉", "report"),
which count only when they are not negated ("不是投诉") and not the subject of a question
("怎么投诉", "how do I report"). The last clause, which often carries the ask, adds its cues a
second time under ``last:``.

The cue features feed the demand model (:mod:`tickets.demand_model`), which learns their
weights from the training demands together with character n-grams.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cache, lru_cache

from tickets.demand_text import Clauses, Cues, compile_cues
from tickets.urgency import danger_categories

__all__ = [
    "CUE_GROUPS",
    "CUE_PRIORS",
    "TYPE_WORDS",
    "Analysis",
    "analyse",
    "cue_features",
    "mask_type_words",
]

# Type words: said outright, they are strong evidence; negated or asked about, they are not.
TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "complaint": ("投诉", "投述", "complain\\w*"),
    "report": ("举报", "检举", "告发", "揭发", "report(?:ing|ed)?", "whistle-?blow\\w*"),
    "help": ("求助", "救命", "求求", "救救", "帮帮", "help", "sos"),
    "suggestion": ("建议", "提议", "提个意见", "suggest\\w*", "propos\\w*", "idea"),
    "consultation": ("咨询", "请问", "想问", "问一下", "问下", "打听", "enquir\\w*", "inquir\\w*"),
}  # fmt: skip

_Q = "(?:怎么|怎样|如何|咋|哪里|哪儿|哪个|在哪|去哪|向哪|找谁|找哪)"
# Cue groups: name -> patterns. A Chinese pattern matches anywhere; an ASCII pattern matches
# whole words. Names start with the type they mostly point to, but the model learns the weights.
CUE_GROUPS: dict[str, tuple[str, ...]] = {
    # -- asking for information --------------------------------------------------------------
    "ask.how": (
        "怎么(?!办[?？!！]?$|回事|搞的|能这样|可以这样)", "怎样", "如何", "咋(?!回事)",
        "how (?:do|does|can|to|should|would|is|are|long|much|many|often|soon)",
        "what (?:do|does|is|are|should|kind|documents|time|happens)",
    ),
    "ask.where": (
        "在哪", "去哪", "到哪", "哪里", "哪儿", "哪个(?:窗口|部门|大厅|单位|网站|地方|点)",
        "什么地方", "啥地方", "where", "which (?:office|department|window|bus|website)",
    ),
    "ask.whether": (
        "能不能.{0,12}[吗呢]", "可不可以.{0,12}[吗呢]", "还是.{1,12}(?:[吗呢啊]|$)", "是否", "是不是.{0,10}(?:[吗呢啊]|$)",
        "有没有.{0,10}(?:[吗呢啊]|$)", "还能.{0,10}吗", "可以.{0,10}吗", "能.{0,10}吗",
        "会不会", "要不要", "需不需要", "用不用", "算不算", "够不够", "适不适用", "合不合",
        "can i", "can we", "can someone else", "do i (?:need|have)", "is (?:it|there|the)",
        "are (?:there|we|they)", "does (?:it|that|this|the)", "am i", "will (?:it|i|the)",
    ),
    "ask.what": (
        "什么(?:时候|条件|材料|手续|东西|证|标准|政策|流程|区别)", "啥(?:时候|材料|条件|子)?",
        "哪些", "多少", "多久", "多长时间", "几(?:号|点|天|岁|年|个工作日|月份|次)",
        "when", "which", "what", "how much", "how long",
    ),
    "ask.polite": (
        "请问", "想问", "问一下", "问下", "问问", "咨询", "了解一下", "想了解", "想知道",
        "打听", "请教", "不晓得", "不清楚", "搞不懂", "不太懂", "不知道.{0,6}(?:能不能|可不可以|是不是|怎么|在哪|要不要)",
        "wondering", "could you (?:tell|explain|let)", "i'd like to know", "i want to know",
        "quick question", "curious", "information about", "just checking", "not sure (?:who|how|where|whether|if)",
    ),
    "ask.info": (
        "条件", "流程", "材料", "手续", "政策", "标准", "规定", "时间", "费用", "收费标准",
        "资格", "办理", "申请", "预约", "报名", "补贴", "补办", "到期",
        "requirements?", "documents?", "procedure", "eligib\\w*", "deadline", "opening hours",
        "apply\\w*", "renew\\w*", "register\\w*", "appointment", "subsid\\w*", "fee",
    ),
    "ask.mark": ("[?？]", "[吗呢](?:[?？啊呀]|$)", "吗"),
    # -- dissatisfaction ---------------------------------------------------------------------
    "dis.neglect": (
        "不管", "没人管", "没有人管", "管不了", "不处理", "没处理", "不解决", "没解决", "不理",
        "没人理", "不作为", "推诿", "踢皮球", "推来推去", "互相推", "不负责", "没人负责",
        "没下文", "没有下文", "没人来", "没有人来", "都没人", "没人回", "不回复", "不接",
        "不给(?:退|修|换|开|办|处理|解决|赔|说法)", "不退", "不肯", "不让", "拖着", "一拖再拖",
        "拖了", "拖延", "一直没", "还没(?:修|处理|解决|到账|来|好|办|退|有)", "还是没", "照样",
        "照旧", "说了也", "都不", "根本没", "从来不", "不认账", "不承认", "说管不了", "不归",
        "nobody (?:has|came|comes|does|answers|cares)", "no one (?:has|came|comes|answers)",
        "ignor\\w+", "won't", "refus\\w+", "still (?:not|hasn't|haven't|nothing|no)",
        "nothing (?:has )?(?:happened|changes|changed|done)", "never (?:answer|reply|come)\\w*",
        "keep(?:s)? (?:saying|promising|blaming)", "blam\\w+", "shrug\\w*",
    ),
    "dis.repeat": (
        "好几次", "多次", "几次", "三番五次", "第[二三四五六七八九十几]次", "[两三四五六七八九十]次",
        "天天", "每天", "每晚", "每次", "三天两头", "总是", "老是", "经常", "又(?:坏|停|来|开始|涨)",
        "again", "every (?:day|night|week|time|morning|evening|weekend)", "keeps?",
        "(?:three|four|five|several|many) times", "always", "third time", "for (?:weeks|months)",
    ),
    "dis.emotion": (
        "受够", "气死", "气人", "服了", "离谱", "过分", "太差", "很差", "差劲", "恶劣", "蛮横",
        "粗暴", "冷漠", "不耐烦", "阴阳怪气", "态度", "坑", "凭什么", "什么态度", "什么服务",
        "还想不想", "为难", "刁难", "敷衍", "折腾", "白跑", "跑了.{0,2}趟", "简直", "崩溃了?",
        "不合理", "合理吗", "不像话", "太慢", "烦死", "顶唔顺", "寂寞", "摆设", "说不过去",
        "欺负", "凶", "骂", "吼", "推我", "甩脸", "给脸色", "翻白眼", "被坑",
        "fed up", "ridiculous", "unacceptable", "rude\\w*", "disgrac\\w+", "awful", "terrible",
        "unbearable", "disgusting", "outrageous", "annoy\\w*", "frustrat\\w*", "exhausted",
        "a mess", "idiot", "shout\\w*", "rolled (?:her|his) eyes", "strung along", "lied",
        "(?:not |un|dis)satisf\\w+", "upset",
    ),
    "dis.nuisance": (
        "吵", "噪音", "噪声", "扰民", "睡不着", "睡不好", "睡不著", "油烟", "臭", "异味", "刺鼻",
        "味道", "灰尘", "扬尘", "太亮", "晃眼", "震动", "轰隆", "嘈", "苍蝇", "蚊子", "老鼠",
        "noise", "noisy", "loud\\w*", "smell\\w*", "stink\\w*", "can't sleep", "rats?",
        "music", "barks?", "barking", "parties",
    ),
    "dis.money": (
        "多收", "乱收费", "收费", "多扣", "扣了", "扣费", "退费", "退钱", "押金", "定金", "不退",
        "加价", "涨价", "涨", "贵", "赔", "发票", "收据", "开票", "到账",
        "overcharg\\w*", "refund\\w*", "deposit", "charged", "charg(?:es|ing)", "fees?",
        "paid", "pay(?:ing)?", "receipt", "bill",
    ),
    "dis.service": (
        "物业", "司机", "工作人员", "窗口", "客服", "商家", "老板", "店员", "医生", "护士",
        "保安", "中介", "房东", "开发商", "驾校", "快递", "外卖", "平台", "公司", "柜员",
        "management", "landlord", "driver", "staff", "shop", "store", "company", "agent",
        "office", "operator", "counter", "service",
    ),
    "dis.stop": (
        "管一管", "管管", "管一下", "给个说法", "讨个说法", "要个说法", "整改", "处理一下",
        "解决一下", "查一查", "严肃处理", "处罚", "赔偿",
        "do something", "something done", "sort (?:this|it) out", "deal with", "take action",
    ),
    # -- someone else's wrongdoing ------------------------------------------------------------
    "rep.illegal": (
        "违法", "违规", "非法", "违章", "违建", "私自", "擅自", "偷偷", "私搭", "乱搭", "乱建",
        "无证", "无照", "无牌", "没有(?:营业执照|执照|资质|许可|证|批号|手续|办学许可)", "没牌子",
        "黑(?:诊所|作坊|车|中介|工厂|网吧|加油站|出租)", "三无",
        "假(?:药|烟|酒|货|证|发票|币|冒)", "冒充", "冒用", "诈骗", "骗子", "骗(?:钱|人|老人|押金|报名费)",
        "行贿", "受贿", "贿赂", "好处费", "回扣", "红包", "挪用", "侵占", "童工", "赌",
        "偷排", "偷(?:挖|砍|盗|拆)", "倒卖", "私设", "私拉", "乱拉", "改装", "掺", "注水", "地沟油",
        "缺斤少两", "不打表", "宰客", "收保护费", "利用职权", "造假",
        "illegal\\w*", "unlicen[cs]ed", "without (?:a |any )?(?:licen[cs]e|permit)", "no permit",
        "doubt he has any permit", "not licen[cs]ed", "fraud\\w*", "scam\\w*", "bribe\\w*",
        "fake", "counterfeit", "pretending", "stealing", "gambl\\w+", "subdivid\\w+",
        "refused to use the meter",
    ),
    "rep.pollute": (
        "排(?:污|放|黑水|废|脏水)", "污水", "废水", "废气", "废油", "废机油", "泔水", "倾倒",
        "乱倒", "倒(?:进|入)", "往.{0,4}(?:河|沟|下水道|雨水井|井)里?(?:倒|排|扔)",
        "焚烧", "烧(?:垃圾|塑料|轮胎|秸秆|电线)", "电鱼", "采砂", "挖沙", "砍伐", "扬尘",
        "dump\\w*", "pour\\w*", "discharg\\w*", "burn(?:ing)? (?:plastic|rubbish|garbage|waste|tyres)",
        "waste", "unloading",
    ),
    "rep.third": (
        "有人", "有个(?:人|老板|商家|店|公司|厂|工地|诊所|机构)", "有家", "有一家", "有一户",
        "有一伙", "一伙人", "某", "他们(?:把|在|往)", "邻居(?:把|在)", "老板(?:把|在|往)",
        "someone", "somebody", "people are", "a (?:man|guy|woman|shop|company|factory|truck|van|landlord|clinic|neighbour)",
        "there's (?:a|an) (?:shop|clinic|factory|unlicensed|illegal|fake)",
    ),
    "rep.occupy": (
        "占道", "占用", "圈(?:起来|占|成)", "堵(?:住|死|着)", "堆放", "摆摊", "地锁",
        "消防通道", "安全出口", "盲道", "人行道",
        "fire lane", "blocking", "blocks", "pavement", "sidewalk",
    ),
    "rep.minors": (
        "未成年", "(?:卖|给).{0,6}(?:学生|小学生|初中生|小孩|孩子|未成年)", "minors", "to (?:kids|children)",
    ),
    # -- a difficulty or danger of one's own -------------------------------------------------
    "help.plea": (
        "帮帮", "帮忙", "帮我", "帮一下", "救命", "救救", "求求", "快来", "快点来", "快派",
        "派人", "来人", "(?:了|我|我们)(?:该|要)?(?:怎么办|咋办|咋整)", "该怎么办", "不知道(?:该)?怎么办", "不知道该找谁", "想想办法",
        "能不能帮", "有没有人能帮", "please (?:help|send|come)", "need help", "help me",
        "can (?:anyone|someone|somebody) help", "what should i do", "don't know what to do",
        "send (?:someone|help)", "is there (?:a |any )?(?:service|support|help)",
    ),
    "help.difficulty": (
        "被困", "困在", "关在", "卡在", "反锁", "出不去", "进不去", "回不了", "回不去", "走不了",
        "没钱", "交不起", "付不起", "没法(?:出门|生活|照顾|住)", "照顾不过来",
        "(?:我|俺|孩子|钱包|手机|身份证|证件|钥匙|护照|包|卡|车).{0,8}丢(?:了|在)",
        "被偷", "被骗", "被打", "被撞", "被咬", "迷路", "找不到", "失业", "辞退", "欠(?:了)?.{0,6}工资",
        "拖欠", "没发工资", "一分钱都没", "一分没", "没拿到", "连.{0,6}都没有", "没地方住",
        "无家可归", "走投无路", "活不下去", "崩溃", "瘫痪", "残疾", "重病", "独居", "一个人住", "没有亲戚",
        "locked (?:out|in)", "stuck", "trapped", "lost (?:my|our)", "stole", "stolen", "can't afford",
        "lost (?:my|her|his) job", "hasn't paid", "haven't been paid", "unpaid", "alone",
        "disabled", "single mother",
    ),
    "help.broken": (
        "坏了", "不亮", "堵了", "堵塞", "漏水", "漏雨", "滴水", "停水", "停电", "没水", "没电",
        "没网", "断网", "打不着", "点不着", "不热", "不出水", "水压", "用不了", "不能用",
        "not working", "broken", "blocked", "leak\\w*", "dripping", "won't (?:ignite|start|turn)",
        "(?:is|are|went) out", "no (?:water|power|electricity|heating|heat|internet)",
    ),
    "help.fix": (
        "修一下", "修一修", "来修", "维修", "来看看", "看一看", "上门", "找人", "找谁", "换个",
        "联系一下", "安排", "fix", "repair\\w*", "come and", "check (?:it|on)", "plumber",
    ),
    # -- where the problem is: in the street (a hazard for everyone) or at home (one's own)
    "place.public": (
        "马路", "路口", "路边", "路中间", "路上", "街上", "街道上", "人行道", "小区门口", "门口的路",
        "公交站", "桥", "村口", "学校门口", "广场", "公园", "隧道", "高速", "十字路口",
        "road", "street", "pavement", "sidewalk", "junction", "crossroads", "bridge", "corner",
        "park", "bus stop", "square", "motorway", "highway", "tunnel", "near the school",
    ),
    "place.home": (
        "家里", "我家", "俺家", "屋里", "厨房", "卫生间", "厕所", "卧室", "客厅", "阳台", "房间",
        "楼道", "我们楼", "我们这栋", "我们单元",
        "my (?:flat|home|apartment|kitchen|house|room|bathroom)", "our (?:flat|home|apartment|kitchen|house|building|stairwell)",
        "at home", "indoors",
    ),
    # -- proposing an improvement ------------------------------------------------------------
    "sug.wish": (
        "希望", "要是.{0,30}就好", "如果.{0,30}(?:就好|会好|方便|安心|受益|更好)", "就好了", "就更好",
        "会好很多", "方便很多", "大家都受益", "期待", "盼望", "有个(?:小小的)?想法", "提个",
        "i hope", "i wish", "would be (?:great|nice|good|better|lovely|helpful)", "would help",
        "would make", "might be worth", "it'd be", "just (?:an idea|a thought)", "my idea",
        "a suggestion", "how about", "why not",
    ),
    "sug.add": (
        "增加", "增设", "加装", "加个", "加一", "装个", "建个", "设个", "搞个", "办个", "开个",
        "多(?:建|设|放|种|开|安排|组织|装|搞|办|几)", "开通", "延长", "设置", "设立", "开设",
        "整合", "统一", "合并", "优化", "改进", "改善", "简化", "规范", "完善", "公示", "保留",
        "add\\w*", "install\\w*", "extend\\w*", "more", "build", "plant", "put (?:up|in)",
        "provide", "offer", "open (?:later|longer|earlier)", "run",
    ),
    "sug.modal": (
        "能不能", "可不可以", "可以考虑", "考虑", "应该", "最好", "是不是可以", "有没有可能",
        "可以再", "其实可以", "可以在", "可以把", "我觉得", "觉得.{0,10}可以",
        "could the", "could you add", "should", "consider\\w*", "maybe", "perhaps", "could",
    ),
    "sug.ask": (
        "(?:能不能|可不可以|可以|能否|是否可以|有没有可能|是不是可以|能)(?:在|把|给|再|也)?.{0,10}"
        "(?:多|增加|增设|加|装|建|设|延长|提前|推迟|开通|标|改|换成|放宽|取消|整合|安排|清楚|大一点|早一点|晚一点)",
        "could (?:the city|you|they|we|there be)(?: please)? (?:add|install|open|extend|put|have|run|build|make|plant)",
        "can (?:you|the city)(?: please)? (?:add|install|extend|put|build|make)", "please (?:think about|consider)",
        "needs? (?:a|an|more|better)", "should (?:have|add|be|put|install|open|make)",
    ),
    "sug.praise": ("表扬", "感谢", "点赞", "thank\\w*", "praise"),
}  # fmt: skip

# Prior weights of the cues that mean the same in every demand (a type said outright, a type
# denied, a how-to question about a type, a danger): the model starts from them and learns
# how far to move away (see demand_model.train).
CUE_PRIORS: dict[str, dict[str, float]] = {
    **{f"c:say:{kind}": {kind: 2.0} for kind in TYPE_WORDS if kind != "consultation"},
    "c:say:consultation": {"consultation": 1.0},
    **{f"c:neg:{kind}": {kind: -1.5} for kind in TYPE_WORDS},
    **{f"c:about:{kind}": {"consultation": 1.5} for kind in TYPE_WORDS},
    "c:sug.wish": {"suggestion": 1.0},
    "c:sug.ask": {"suggestion": 1.0},
    "c:sug.praise": {"suggestion": 1.0},
    "c:help.broken": {"help": 1.0},  # something to fix, unless danger or a wrongdoer says otherwise
    **{
        f"c:danger:{name}": {"help": 1.0}
        for name in (
            "gas",
            "fire",
            "trapped",
            "missing",
            "gone",
            "medical",
            "suicide",
            "supply",
            "water",
        )
    },
    "c:danger:structure": {"report": 1.0},
}
_QUESTION_CUES = ("ask.how", "ask.where")
_TYPE_WORD_MASK = "□"


@cache
def _group_patterns() -> dict[str, Cues]:
    return {name: compile_cues(patterns) for name, patterns in CUE_GROUPS.items()}


@cache
def _type_word_patterns() -> dict[str, Cues]:
    return {kind: compile_cues(words) for kind, words in TYPE_WORDS.items()}


@cache
def _type_word_any() -> Cues:
    return compile_cues(p for words in TYPE_WORDS.values() for p in words)


def mask_type_words(folded: str) -> str:
    """The text with the type words replaced by one mark (the model sees them as cues only)."""
    return _type_word_any().sub(_TYPE_WORD_MASK, folded)


def cue_features(parsed: Clauses) -> dict[str, float]:
    """Cue features of a demand cut into clauses (see the module docstring)."""
    per_clause: dict[int, set[str]] = defaultdict(set)
    for name, cues in _group_patterns().items():
        for index in parsed.stated(cues):
            per_clause[index].add(name)
    for kind, cues in _type_word_patterns().items():
        stated = parsed.stated(cues)
        for index in parsed.matched(cues):
            found = per_clause[index]
            if index not in stated:
                found.add(f"neg:{kind}")
            elif kind != "consultation" and any(q in found for q in _QUESTION_CUES):
                found.add(f"about:{kind}")  # "怎么投诉", "how do I report": what is asked about
            else:
                found.add(f"say:{kind}")
    features: dict[str, float] = {}
    last = len(parsed) - 1
    for index, names in per_clause.items():
        for cue in names:
            features[cue] = 1.0
            if index == last:
                features[f"last:{cue}"] = 1.0
    return features


@dataclass(frozen=True)
class Analysis:
    """A demand read once: its clauses, its cues and the dangers it states."""

    clauses: Clauses
    cues: dict[str, float]
    danger: dict[str, float]


@lru_cache(maxsize=256)
def analyse(text: str) -> Analysis:
    """The analysis of ``text`` (cached: the form asks for the type and the urgency of the same
    text one after the other)."""
    parsed = Clauses.of(text)
    danger = danger_categories(parsed)
    cues = cue_features(parsed)
    for category, value in danger.items():
        cues[f"danger:{category}"] = value / 2
    return Analysis(parsed, cues, danger)
