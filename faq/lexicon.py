"""Small generic lexicons: stop words, chit-chat, and bilingual service intents.

Nothing here names a topic of one knowledge base; the intents are the verbs and
question types common to any government service desk (lost / renew / pay / query ...),
in Simplified Chinese (Traditional input is converted first) and English stems.
"""

from __future__ import annotations

# English words that carry no topic (after lower-casing).
EN_STOP: frozenset[str] = frozenset(
    """a an the i me my we our us you your he she his her it its they them their this that
    these those is am are was were be been being do does did doing have has had having can
    could would should will shall may might must to of in on at by for with from about into
    as and or but if so than then there here what which who whom whose when where why how
    please pls plz hi hello hey thanks thank thx ok okay yes no not want need like just
    get got some any all also too very much many more most one someone anyone something
    anything know tell help question ask asking wondering would'd let me'm i'm it's
    go going way ways do i'd""".split()
)

# Chinese characters / words that carry no topic; removed before indexing.
ZH_STOP_WORDS: tuple[str, ...] = tuple(
    sorted(
        """请问 你好 您好 麻烦 谢谢 感谢 一下 怎么样 怎么 怎样 如何 什么 为什么 哪些 哪个 哪里 哪儿
        在哪 是否 能否 可以 可不可以 能不能 需不需要 需要 想要 想问 请教 知道 告诉 应该 我们 你们
        他们 自己 这个 那个 这样 那样 现在 已经 还是 或者 因为 所以 但是 就是 然后 还有 的话
        一个 有没有 是不是 要不要 吗 呢 吧 啊 呀 嘛 哦 哈 了 的 地 得 着 过 我 你 您 他 她 它
        是 在 有 和 与 及 或 也 都 就 还 又 很 太 把 被 给 让 从 到 对 向 去 来 要 想 能 会 该
        这 那 个 些 么 咋 啥 谁 下 上 里 中 么""".split(),
        key=len,
        reverse=True,
    )
)
ZH_STOP_CHARS: frozenset[str] = frozenset(w for w in ZH_STOP_WORDS if len(w) == 1)

# Messages that are only chit-chat; they never get an answer.
CHITCHAT: frozenset[str] = frozenset(
    """你好 您好 在吗 在不在 有人吗 谢谢 谢谢你 多谢 好的 嗯 哈哈 再见 早上好 晚上好 hello hi hey
    thanks thank you ok okay bye good morning""".split()
)

# Bilingual intents: concept -> (Chinese surface forms, English stems / phrases).
INTENTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "lost": (
        (
            "丢",
            "遗失",
            "丢失",
            "弄丢",
            "找不到",
            "不见",
            "被偷",
            "被盗",
            "挂失",
            "补办",
            "补发",
            "补领",
            "补卡",
            "补证",
        ),
        ("lost", "lose", "losing", "missing", "stolen", "replace", "replacement"),
    ),
    "damaged": (("坏了", "损坏", "破损", "失效", "磨损"), ("damaged", "broken", "damage")),
    "expire": (
        ("到期", "过期", "期满", "有效期", "换证", "换发", "换领", "续期", "延期", "续签", "签注"),
        ("expire", "expired", "expiry", "expiring", "renew", "renewal", "extend", "extension"),
    ),
    "first": (("首次", "第一次", "新办", "初次", "从来没"), ("first",)),
    "apply": (("申请", "申领", "申报", "办理", "领取", "办证"), ("apply", "application", "obtain")),
    "pay": (
        (
            *("缴费", "交费", "缴纳", "交纳", "充值", "付费", "支付", "缴", "交钱", "费"),
            *("交税", "纳税"),
        ),
        ("pay", "paying", "payment", "top up", "bill", "fee", "fees"),
    ),
    "query": (
        ("查询", "查看", "查", "余额", "记录", "进度", "明细"),
        ("check", "query", "balance", "record", "records", "look up", "history"),
    ),
    "transfer": (
        ("转移", "迁移", "转入", "转出", "转学", "迁入", "迁出", "转过来"),
        ("transfer", "move", "moving"),
    ),
    "cancel": (("注销", "取消", "撤销"), ("cancel", "deregister", "cancellation")),
    "change": (("变更", "修改", "更改", "更正"), ("change", "modify", "update", "correct")),
    "book": (("预约", "挂号", "排队"), ("appointment", "book", "booking", "reserve")),
    "complain": (("投诉", "举报"), ("complain", "complaint", "report")),
    "withdraw": (("提取", "取出", "提现", "提领", "取钱"), ("withdraw", "withdrawal", "cash out")),
    "outage": (
        ("停水", "停电", "停气", "没水", "没电", "没气", "断水", "断电", "断气", "停了", "报修"),
        ("outage", "power cut", "no water", "no power", "no gas", "blackout"),
    ),
    "fine": (("罚款", "罚", "处罚", "扣分"), ("fine", "fined", "penalty", "penalise", "penalize")),
    "materials": (
        ("材料", "证件", "带什么", "资料", "手续", "证明"),
        ("document", "documents", "material", "materials", "papers", "bring", "proof"),
    ),
    "cost": (("多少钱", "费用", "收费", "价格", "工本费"), ("cost", "price", "charge", "how much")),
    "when": (
        ("什么时候", "多久", "几天", "时间", "几点", "多长时间", "多长"),
        ("when", "how long", "time"),
    ),
    "where": (("哪里", "在哪", "地点", "地址", "哪儿"), ("where", "address", "location")),
    "register": (
        ("登记", "注册", "备案", "办执照"),
        ("register", "registration", "enrol", "enroll", "sign up", "signup"),
    ),
    "reimburse": (("报销", "结算"), ("reimburse", "reimbursement", "claim")),
    "subsidy": (("补贴", "补助", "津贴", "救助"), ("subsidy", "allowance", "benefit", "benefits")),
    "refund": (("退税", "退费", "退款", "退还"), ("refund", "rebate")),
}

# Single-character intent forms that also sit inside unrelated words (检查, 查验, 清缴,
# 免费): as the only sign of an intent they do not count as the action asked for.
WEAK_INTENT_FORMS: frozenset[str] = frozenset("查缴费")

# Words that negate what follows ("没丢", "不是补办", "not lost").
ZH_NEGATORS: tuple[str, ...] = ("不是", "并非", "没有", "并没", "还没", "没", "未", "不")
ZH_NEGATION_STOP: tuple[str, ...] = ("就是", "只是", "而是", "但是", "可是", "是", "但", "而")
# Forms that contain a negator but are themselves the topic ("没水" = outage).
ZH_NEGATION_EXEMPT: tuple[str, ...] = (
    "没水",
    "没电",
    "没气",
    "不见",
    "不了",
    "不能",
    "不会",
    "不到",
    "不出",
    "不着",
)
EN_NEGATORS: frozenset[str] = frozenset(
    {
        "not",
        "never",
        "no",
        "isn't",
        "didn't",
        "haven't",
        "hasn't",
        "wasn't",
        "aren't",
        "don't",
        "doesn't",
    }
)


def is_chitchat(text: str) -> bool:
    """A greeting, thanks or acknowledgement with nothing else in it."""
    import re

    from faq.text import normalize

    words = re.findall(r"[a-z]+|[\u4e00-\u9fff]+", normalize(text))
    if not words:
        return True
    joined = " ".join(words)
    if joined in CHITCHAT:
        return True
    return all(w in CHITCHAT for w in words)


# Everyday names of the same thing in government services: canonical form first, then
# the forms citizens or administrators also write. Applied to knowledge-base questions,
# keywords and messages alike (longest form first), so "驾照" meets "驾驶证" and "社会保障卡"
# meets "社保卡" whatever side writes which. Generic: no entry of any one base is named.
ZH_SYNONYMS: dict[str, tuple[str, ...]] = {
    "驾照": ("驾驶证", "驾驶执照", "驾驶本", "驾驶照"),
    "社保卡": ("社会保障卡", "社会保险卡"),
    "医保": ("医疗保险",),
    "公积金": ("住房公积金",),
    "租房": ("租屋",),
    "户口": ("户籍",),
    "身份证": ("身分证", "居民身份证"),
    "孩子": ("小孩", "子女", "小朋友", "儿女"),
    "老人": ("老年人", "长者", "老人家"),
    "房产证": ("不动产权证书", "不动产权证", "不动产证", "房本", "房产证书"),
    "出生证": ("出生医学证明", "出生证明"),
    "燃气": ("天然气", "煤气"),
    "电动车": ("电动自行车", "电瓶车"),
    "养老金": ("退休金", "退休工资"),
    "失业金": ("失业保险金",),
    "低保": ("最低生活保障",),
    "工资": ("薪水", "薪资", "工钱"),
    "违章": ("交通违法", "违法行为", "违规"),
    "营业执照": ("营业证", "执照"),
    "异地": ("外地", "外省", "外市"),
    "就医": ("看病", "看医生"),
    "新生儿": ("婴儿", "刚出生的孩子", "刚出生的宝宝"),
}


# English words written one way before routing (faq.routing): British and American spellings,
# irregular forms and everyday near-synonyms of the words government services use. Generic:
# no department of any one city is named. Canonical form first.
EN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "street light": ("streetlight", "streetlights", "streetlamp", "streetlamps", "lamp post"),
    "pavement": ("sidewalk", "sidewalks", "footpath", "footpaths"),
    "lorry": ("truck", "trucks", "lorries"),
    "rubbish": ("garbage", "trash", "litter", "refuse"),
    "flat": ("apartment", "apartments", "flats"),
    "licence": ("license", "licenses", "licences"),
    "neighbour": ("neighbor", "neighbors", "neighbours"),
    "centre": ("center", "centers", "centres"),
    "steal": ("stole", "stolen", "steals", "stealing", "theft", "thief", "thieves"),
    "pay": ("paid", "pays"),
    "wage": ("wages", "salary", "salaries"),
    "child": ("children", "kid", "kids", "son", "sons", "daughter", "daughters"),
    "marriage": ("married", "marry", "marrying", "wedding"),
    "disability": ("disabled", "disabilities", "handicapped"),
    "poverty": ("poor",),
    "elderly": ("elder", "elders", "senior", "seniors", "older people", "old people"),
    "noise": ("noisy", "loud"),
    "vaccine": ("vaccines", "vaccination", "vaccinations", "vaccinated", "jab", "jabs"),
    "doctor": ("doctors", "physician", "physicians"),
    "car": ("cars", "vehicle", "vehicles"),
    "fee": ("fees", "charge", "charges", "charged"),
    "job": ("jobs", "work", "employment"),
    "boss": ("employer", "employers", "bosses"),
    "burglary": (
        "broke into",
        "broken into",
        "break into",
        "breaking into",
        "break-in",
        "break-ins",
        "burgle",
        "burgled",
        "burglar",
        "burglars",
        "burglaries",
    ),
    "lift": ("lifts", "elevator", "elevators"),
    "police": ("cop", "cops", "policeman", "policemen", "policewoman", "police officer"),
    "scam": ("scams", "scammed", "scammer", "scammers", "swindle", "swindled", "conned"),
    "dismissal": ("fired", "sacked", "dismissed", "dismiss"),
    "injury": ("injured", "injuries", "hurt"),
    "electric bike": (
        "e-bike",
        "e-bikes",
        "ebike",
        "ebikes",
        "electric bikes",
        "electric bicycle",
        "electric bicycles",
        "electric scooter",
        "electric scooters",
    ),
    "motorbike": ("motorbikes", "motorcycle", "motorcycles"),
    "driving licence": (
        "driver's license",
        "driver's licence",
        "drivers license",
        "drivers licence",
        "driver license",
        "driving license",
    ),
    "traffic light": ("traffic lights", "traffic signal", "traffic signals", "stoplight"),
    "petrol station": ("petrol stations", "gas station", "gas stations", "filling station"),
    "kindergarten": ("kindergartens", "nursery", "nurseries", "preschool", "pre-school"),
    "adoption": ("adopt", "adopted", "adopting", "adopts"),
    "died": ("dies", "dead", "death", "deceased", "passed away"),
}


# Where / when / how often: words a demand says around its topic, in any city and for any
# department ("小区门口", "每天晚上", "好几天了"). The router (faq.routing) leaves them out
# of profiles and demands alike, so that a duty saying "学校门口交通拥堵" does not draw every
# demand that happens at a gate.
ZH_ROUTE_FILLER: tuple[str, ...] = tuple(
    sorted(
        """门口 附近 旁边 周边 周围 对面 楼下 楼上 隔壁 这边 那边 这里 那里 每天 天天 每次
        晚上 早上 白天 中午 下午 半夜 凌晨 今天 昨天 前天 前几天 最近 现在 一直 经常 总是 老是
        好几天 好几次 几天 几次 一周 一星期 一个星期 一个月 几个月 上周 上个月 非常 特别 真的
        实在 根本""".split(),
        key=len,
        reverse=True,
    )
)

# What any demand says to any department ("反映一个问题", "希望相关部门尽快处理", "一直没人管",
# "打了好几次电话"): left out like the words above, so that a duty which happens to say one of
# them ("交通事故处理", "商品质量问题") does not draw every demand that says it.
ZH_ROUTE_BOILERPLATE: tuple[str, ...] = tuple(
    sorted(
        """反映 问题 情况 希望 相关部门 有关部门 部门 相关单位 政府 领导 尽快 及时 处理 解决 落实
        没人管 没有人管 无人管 谁管 管一管 管管 没人处理 没人理 不作为 帮忙 帮帮忙 帮一下 看一下
        看看 到底 究竟 怎么回事 为什么 多次 好多次 很多次 打电话 打了电话 电话 一下 急急急 在线等
        谢谢 感谢 麻烦 您好 你好""".split(),
        key=len,
        reverse=True,
    )
)

# The same in English: where, when and how often ("outside", "every evening", "for weeks"),
# and what any demand says ("please deal with this problem").
EN_ROUTE_FILLER: frozenset[str] = frozenset(
    """outside inside near nearby behind beside opposite around front every day days daily
    night nights tonight morning mornings evening evenings afternoon week weeks month months
    year years today yesterday always still again already since until keep keeps kept lot
    lots really actually even ever often sometimes now recently problem problems issue
    issues department departments government authority authorities handle handled deal
    solve resolve sort asap urgent urgently nobody report""".split()
)
# ---------------------------------------------------------------- near-miss questions
# What a question asks is in its last clause with a question word ("…，可以提前还吗").
ZH_QUESTION_MARKERS: tuple[str, ...] = (
    "吗",
    "么",
    "呢",
    "怎",
    "如何",
    "什么",
    "哪",
    "多少",
    "多久",
    "几",
    "能不能",
    "可不可以",
    "是否",
    "要不要",
    "需不需要",
    "可以",
    "能否",
)
EN_QUESTION_MARKERS: frozenset[str] = frozenset(
    "how what where when which who why can could do does is are will should may".split()
)
# Words of a question's frame that say nothing about its topic: an entry need not write
# them to answer the question ("献血需要满足什么条件" is answered by the donation entry).
ZH_GENERIC_ASK: tuple[str, ...] = tuple(
    sorted(
        """流程 手续 程序 步骤 要求 条件 满足 材料 东西 准备 电话 部门 单位 地方 情况 问题 具体
        现在 今天 明天 今年 明年 时间 时候 多少 多久 怎么办 办法 政策 规定 相关 一般 需要 应该
        哪个 哪些 哪里 什么 这种 那种 这边 那边 里面 只是 以后 之前 办理 申请 参加 国家 政府
        找谁 谁 可以 能 用 新 问 弄 见 完 才 每 号 本 张 次 月 天 年 后 快 件 钱 找 领 发 办
        没 不 交给 处理 搞 弄好 解决 帮 帮忙 一定 必须 马上 尽快 先 再 还 哪 几 最 有人 回复 在线
        等 急 谢谢 麻烦 知道 清楚 告诉 请问 一下 这个 那个 情况下 的话 怎么弄 咋办 老板 老板娘 店家 商家 找回 拿回
        走 花 拿 拿到 得到 获得 玩 看 买了""".split(),
        key=len,
        reverse=True,
    )
)
# Short forms of the generic intents that count only in what a question asks ("填错了怎么改"
# asks a change); as features they would sit inside too many unrelated words.
ASK_INTENT_FORMS: dict[str, str] = {
    "改": "change",
    "填错": "change",
    "写错": "change",
    "弄错": "change",
}
EN_GENERIC_ASK: frozenset[str] = frozenset(
    """use used using online pick up find get make take give go come way ways help done
    possible allowed able new old really exactly still already now today soon again""".split()
)
# Actions a question may ask that an entry answers only if it says so somewhere (its
# questions, keywords or answer): buying is not applying, repaying is not borrowing.
ASK_ACTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "buy": (("购买", "可以买", "能买", "能不能买", "买吗", "买得", "买卖"), ("buy", "purchase")),
    "sell": (("出售", "卖掉", "可以卖", "能卖", "卖吗", "转卖", "转让"), ("sell", "resell")),
    "flee": (
        ("逃逸", "逃跑", "开跑了", "跑掉了", "对方跑了"),
        ("hit and run", "fled", "drove off"),
    ),
    "repay": (
        ("还款", "还贷", "提前还", "月供", "还清", "还钱", "偿还"),
        ("repay", "repayment", "pay off", "pay back", "early repayment"),
    ),
    "increase": (
        ("上涨", "涨价", "涨了", "涨多少", "涨", "提高多少", "调高"),
        ("increase", "raise", "rise"),
    ),
    "compensate": (
        ("赔偿", "补偿", "赔钱", "索赔", "赔多少", "怎么赔"),
        ("compensation", "compensate", "damages"),
    ),
    "sublet": (("转租", "出租给", "租给别人", "分租"), ("sublet", "sublease", "let out")),
    "inherit": (("继承", "过继", "遗产"), ("inherit", "inheritance", "estate")),
    "exam": (
        ("考试", "在哪考", "怎么考", "去哪考", "考取", "考证", "报考", "考驾照"),
        ("exam", "examination", "take the test", "pass the test"),
    ),
}
