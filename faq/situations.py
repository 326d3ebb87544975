"""Everyday descriptions of a situation, read as the service they call for.

Citizens describe what happened ("水龙头一滴都出不来", "被邻居家的狗咬了一口", "厂子倒闭了")
rather than name the service (停水, 狂犬疫苗, 失业). Each pattern below is a common way
of describing a city-service situation; a message that matches one (without naming the
service in the matched words) is analysed as if it also said the service's usual words, so the entry that names them is found and, when the
rest agrees, answered. The patterns run on normalised Simplified text after the everyday
synonyms (faq.lexicon.ZH_SYNONYMS) are written one way.

Generic by design: the patterns name situations of any city's service desk, not the
questions of one knowledge base or evaluation set.
"""

from __future__ import annotations

import re
from functools import cache

_PERSON = "老人|爷爷|奶奶|外公|外婆|姥姥|姥爷|父亲|母亲|爸|妈|家人|亲人|老伴|丈夫|妻子|老公|老婆|婆婆|公公|岳父|岳母|舅舅|姑姑|叔叔|阿姨|哥|姐|弟|妹"
_PET = "狗|犬|猫|泰迪|金毛|柯基|哈士奇|比熊|柴犬|宠物|动物|老鼠|流浪猫|流浪狗"

# (pattern, the service's usual words: the first is the service itself; a match that
# already contains it names the service rather than describing a situation)
ZH_SITUATIONS: tuple[tuple[str, str], ...] = (
    # water, power, gas, heating
    (
        r"一滴水|滴水不|水龙头.{0,6}(不出|没有?水|出不来|拧不出)|没有水了?|没水用|水.{0,2}停了",
        "停水",
    ),
    (
        r"水.{0,4}(发黄|黄的|浑浊|有味|异味|怪味|臭|有沙|有杂质)|自来水.{0,6}(不能喝|不敢喝)",
        "水质 自来水",
    ),
    (
        r"(家里|屋里|楼里|整栋楼|整个楼|小区|整条街|对面楼).{0,8}(黑了|全黑|没电|断电|灯全灭|灯都灭)",
        "停电",
    ),
    (r"跳闸|电闸|保险丝", "停电 报修"),
    (r"打不着火|打不着|点不着|火.{0,3}(灭了|打不着|点不着)|灶.{0,8}(不着|没火|打不)", "没气 燃气"),
    (r"煤气味|燃气味|闻到.{0,6}(气味|味道|臭味)", "燃气 异味"),
    (r"暖气片?.{0,6}(冰凉|凉|不热|不烫|不暖)|屋里.{0,8}(好冷|很冷|太冷|冻)|冻得", "暖气不热 供暖"),
    # animals
    (
        rf"被.{{0,10}}({_PET}).{{0,6}}(咬|抓|挠)|({_PET}).{{0,4}}(咬|抓|挠)(了|伤|破)",
        "被狗咬 狂犬疫苗",
    ),
    (r"(咬|抓|挠)(了一口|伤了|破了|出血|出了血)", "被狗咬 狂犬疫苗"),
    (rf"(养了?|抱回来?|买了?|领养了?)(一只|一条|只|条)?.{{0,4}}({_PET})", "养犬 犬只登记"),
    # a death in the family
    (
        rf"({_PERSON}).{{0,10}}(走了|没了|不在了|咽气)|去世|过世|离世|病故|逝世|办后事|丧事",
        "去世 死亡",
    ),
    # work
    (
        r"倒闭|裁员|被裁|辞退|开除|下岗|丢了工作|没了工作|没工作|失去工作|找不到工作|待业|炒鱿鱼",
        "失业",
    ),
    (
        r"不发工资|没发工资|欠.{0,4}(工资|工钱)|工资.{0,8}(没发|不发|不给|拖|欠)|一分钱都?没(给|发)"
        r"|拿不到工资|讨薪|要不到钱",
        "拖欠工资 欠薪",
    ),
    (
        r"让我走人|不给补偿|没有补偿|一分补偿|不签合同|没签合同|违法解除|逼.{0,2}辞职|讨个说法",
        "劳动争议 劳动仲裁",
    ),
    (
        r"(上班|工作|干活|工地|单位|车间|厂里).{0,12}(受伤|撞|摔|砸|骨折|伤了|伤到|出事)"
        r"|(受伤|骨折|摔伤|砸伤|撞伤).{0,12}(上班|工作|干活|工地|单位|车间)",
        "工伤",
    ),
    # traffic
    (
        r"剐蹭|蹭了|蹭掉|追尾|碰了一下|撞了一下|刮了|刮到|擦了一下|撞车|碰到.{0,2}车",
        "交通事故 剐蹭",
    ),
    (r"车.{0,8}(不见了|没了|被拖|拖走|找不到了)", "拖车 被拖走"),
    (r"贴条|贴了罚单|被拍了|闯红灯|超速|罚单", "违章 罚款"),
    (r"没地方停车|没车位|停车难|停在.{0,4}(马路|路边|外面)", "停车"),
    (r"抽签|中签|买车.{0,10}(指标|名额)|(指标|名额).{0,6}买车", "摇号 购车指标"),
    # family events
    (r"刚出生|出生了|生了个|生了一个|刚生完|刚生了|生完(孩子|二胎|三胎)?", "新生儿 出生 生育"),
    (r"怀孕|备孕|要孩子|准备生|想生", "生育"),
    (r"产假|坐月子", "生育 产假"),
    (r"领证|扯证|要结婚|准备结婚", "结婚登记"),
    (r"过不下去|分开过|要离婚|想离婚", "离婚"),
    # disability, old age
    (
        r"中风|瘫痪|偏瘫|截肢|失明|看不见|耳聋|听不见|智力障碍|自闭症|残了|坐轮椅|行动不便|动不了|半边身子",
        "残疾",
    ),
    (r"(八十|九十|80|90)多?岁|(八十|九十)大寿|百岁", "高龄 老人"),
    (r"(老人|爸妈|父母|老两口).{0,10}(吃饭|做饭|一日三餐|送饭)", "老年助餐 老年食堂"),
    (r"没人照顾|独居|空巢|没人管", "养老 老人"),
    # housing, neighbours
    (r"没电梯|没有电梯|爬楼|装一?部?电梯|加个?电梯", "加装电梯"),
    (r"电梯.{0,6}(坏|故障|停了|困人|不能用)", "维修 电梯"),
    (r"漏水|渗水|墙皮.{0,2}(掉|脱落)|楼顶.{0,3}漏|房顶.{0,3}漏", "维修 漏水"),
    (r"物业.{0,10}(不管|不作为|乱收|不修|没人管|态度|推脱|不负责)", "物业投诉"),
    (r"(盖|搭|围|扩|建)(了|起)?.{0,6}(房子|棚|屋|墙|院子|阳台|小房子)|私搭|乱建", "违建 违章建筑"),
    (r"太吵|很吵|好吵|吵得|噪音|打桩|睡不着|扰民|震得|动静太大|半夜.{0,6}(响|吵|敲)", "噪音 扰民"),
    (r"邻居.{0,12}(吵|矛盾|闹|不说话|纠纷|打起来)|吵起来|闹矛盾|吵架", "邻里纠纷 调解"),
    (r"房东|租的房子|出租屋|租房子|房租", "租房"),
    (r"便宜的房子|廉租|保障房|住不起|买不起房|房子太小|挤在", "公租房 保障房"),
    (r"(树|树枝|树叶).{0,8}(太高|挡|遮|碰到|太密|茂盛|倒了|断了)", "树木修剪"),
    # getting around
    (r"(打车|打的|出租车|网约车|司机).{0,20}(绕|多收|宰|拒载|态度|收了我)", "出租车投诉"),
    (
        r"(落在|忘在|丢在|落到|忘到|遗落在?).{0,10}(车上|地铁|公交|座位|出租车|的士|车里)",
        "失物招领",
    ),
    # health
    (r"排不到号|挂不上号|约不上|抢不到号|号.{0,3}(难挂|挂不到)|看专家", "预约挂号"),
    (r"打预防针|打疫苗|疫苗本|接种本|打完疫苗|下一针", "接种 疫苗"),
    (r"上门看|固定的医生|私人医生|社区医生|签个医生", "家庭医生"),
    (r"献个?血|捐血", "献血"),
    (r"(住院|出院).{0,10}(资料|记录|病历|证明)", "病历 复印"),
    # legal and certificates
    (
        r"请不起律师|没钱请律师|免费.{0,4}律师|打官司.{0,8}(没钱|请不起)|(没钱|请不起).{0,8}打官司",
        "法律援助",
    ),
    (r"翻译盖章|出国.{0,12}(证明|盖章|公证)|国外.{0,10}(证明|盖章)", "公证"),
    (r"政审|背景调查|没有犯罪|没犯过罪|犯罪记录", "无犯罪记录证明"),
    (r"当兵|去部队|参军|入伍|服兵役", "参军 入伍 征兵"),
    # school, business, waste
    (r"满六岁|6岁|六岁|上一年级|上小学", "小学 入学"),
    (r"满三岁|3岁|三岁|上幼儿园|入园", "幼儿园 入园"),
    (r"(从老家|异地|老家).{0,14}(上学|读书|转学|接过来)", "随迁子女 入学"),
    (r"旧沙发|旧床|旧柜子|旧家具|旧床垫|大衣柜|(沙发|床垫|柜子).{0,8}(扔|处理|搬走)", "大件垃圾"),
    (r"(分不清|不会分|怎么分).{0,6}垃圾|垃圾.{0,8}(分不清|不会分)", "垃圾分类"),
    (r"开个?(小店|店|网店|早餐店|奶茶店|饭店|小饭馆|摊)|摆摊", "个体工商户 营业执照"),
    (r"(公司|店).{0,6}(关掉|关门|不干了|不开了|不做了)", "注销"),
    (r"(餐馆|饭店|餐饮|食堂|奶茶店|后厨).{0,14}(体检|办个?证|上岗)", "健康证"),
    (r"异地.{0,10}(就医|住院|生病|手术|看急诊)", "异地就医 备案"),
    (r"换工作|换了工作|跳槽|调到|回来工作|来这边工作|辞职回来", "转移"),
)

EN_SITUATIONS: tuple[tuple[str, str], ...] = (
    (r"\b(bitten|bit me|bit my|scratched by)\b", "rabies"),
    (r"\b(passed away|died|death in the family)\b", "death"),
    (r"\b(lost my job|laid off|got fired|was fired|factory closed|unemployed)\b", "unemployment"),
    (r"\b(not been paid|haven't been paid|hasn't paid|unpaid|owes me)\b", "unpaid wages"),
    (r"\b(towed|car is gone|car was gone|car has been gone)\b", "towed"),
    (r"\b(no water|water is off|water has been off|tap is dry)\b", "no water"),
    (r"\b(lights went out|power went out|whole building is dark)\b", "power outage"),
)


def required_chars(pattern: str) -> frozenset[str] | None:
    """Characters of which every match of ``pattern`` contains at least one (None: no such
    guarantee). Lets a message skip the patterns it cannot match with one set lookup."""
    try:
        from re import _parser as parser  # type: ignore[attr-defined]
    except ImportError:  # pragma: no cover - Python < 3.11
        return None
    try:
        tree = parser.parse(pattern)
    except re.error:  # pragma: no cover - the patterns are tested
        return None
    return _required(list(tree))


# The most frequent characters of everyday Chinese (and the letters of English): a
# required set made of them lets too many messages through, so rarer ones are preferred.
_COMMON = frozenset(
    "的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年得就那要下以生会自着去之过"
    "家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所"
    "本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全"
    "工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教"
    "西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性"
    "通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲"
    "界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认"
    "算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红"
    "治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写"
    "呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首"
    "单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坐集编宝谈府拉黑且随格"
    "abcdefghijklmnopqrstuvwxyz"
)


def _common(chars: frozenset[str]) -> tuple[int, int]:
    return (sum(1 for c in chars if c in _COMMON), len(chars))


def _required(seq: list) -> frozenset[str] | None:
    best: frozenset[str] | None = None
    for op, arg in seq:
        name = str(op)
        found: frozenset[str] | None = None
        if name == "LITERAL":
            found = frozenset(chr(arg))
        elif name == "SUBPATTERN":
            found = _required(list(arg[-1]))
        elif name == "BRANCH":
            parts = [_required(list(alt)) for alt in arg[1]]
            if all(p is not None for p in parts):
                found = frozenset().union(*parts)  # type: ignore[arg-type]
        elif name in ("MAX_REPEAT", "MIN_REPEAT") and arg[0] >= 1:
            found = _required(list(arg[2]))
        elif name == "IN" and all(str(o) == "LITERAL" for o, _ in arg):
            found = frozenset(chr(a) for _, a in arg)
        if found is not None and (best is None or _common(found) < _common(best)):
            best = found
    return best


_Pattern = tuple[re.Pattern[str], str]


@cache
def _compiled() -> tuple[list[_Pattern], dict[str, list[int]], list[int]]:
    """The patterns, an index character -> patterns needing it, and those needing none."""
    patterns: list[_Pattern] = []
    by_char: dict[str, list[int]] = {}
    always: list[int] = []
    for i, (p, words) in enumerate((*ZH_SITUATIONS, *EN_SITUATIONS)):
        patterns.append((re.compile(p), words))
        need = required_chars(p)
        if need is None:
            always.append(i)
            continue
        for ch in need:
            by_char.setdefault(ch, []).append(i)
    return patterns, by_char, always


def service_words(norm: str) -> list[str]:
    """The usual words of the services a normalised message describes (may be empty)."""
    patterns, by_char, always = _compiled()
    todo = set(always)
    for ch in set(norm):
        hit = by_char.get(ch)
        if hit is not None:
            todo.update(hit)
    out: list[str] = []
    seen: set[str] = set()
    for i in sorted(todo):
        pattern, words = patterns[i]
        if words in seen:
            continue
        match = pattern.search(norm)
        if match is None:
            continue
        seen.add(words)
        said = words.split()
        if said[0] in match.group(0):
            continue  # the message names the service itself ("去世"), not a situation
        new = " ".join(w for w in said if w not in norm)
        if new:
            out.append(new)
    return out
