"""Turn a text into weighted features for the inverted index.

Feature kinds (prefix):
- ``b:`` Chinese character bigram, ``u:`` character unigram,
- ``p:`` toneless pinyin bigram (homophone slips such as 设保 for 社保, and pinyin typed
  in Latin letters such as ``shebao``),
- ``k:`` a knowledge-base keyword found in the text (Chinese substring or English n-gram),
- ``e:`` English word stem (typos corrected to the knowledge base's vocabulary),
- ``i:`` a generic service intent from :mod:`faq.lexicon` (lost, renew, pay ...), shared by
  Chinese and English so mixed messages meet their entries.

Words in the scope of a negation ("没丢", "不是补办", "not lost") are dropped.

A Chinese character pair the knowledge base never writes, read exactly like one it does
with one character in common ("注消" for "注销", "公组房" for "公租房"), is read as that
pair before anything else: a homophone slip then means what the citizen meant, not what a
neighbouring entry shares with the slip ("公司注消" is deregistration, not 注册).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from itertools import pairwise

from faq import lexicon
from faq.nearmiss import Ask, extract_asks
from faq.situations import service_words
from faq.text import canonical, is_cjk, normalize, pinyin_of, split_pinyin, tokens

# Weight of each feature kind, before IDF.
KIND_WEIGHT: dict[str, float] = {"b": 1.0, "u": 0.3, "p": 0.45, "k": 1.2, "e": 1.0, "i": 0.8}
FUZZY_EN_WEIGHT = 0.8
_Adder = Callable[[str, float], None]

_SINGLE_STOP = frozenset("吗呢吧啊呀嘛哦了的我你您他她它咋啥")
_MULTI_STOP = tuple(w for w in lexicon.ZH_STOP_WORDS if len(w) > 1)
CONTRAST_MARKERS = ("不是", "并非", "就是", "只是", "而是", ",是", "是要", "是想", "是因为")
_NEG_CAP = {"不是": 6, "并非": 6, "没有": 3, "并没": 3, "还没": 3, "没": 3, "未": 3, "不": 2}
_NEG_FIRST = frozenset(g[0] for g in _NEG_CAP)
_NEG_EXEMPT = frozenset(lexicon.ZH_NEGATION_EXEMPT)
_NEG_STOP = frozenset(lexicon.ZH_NEGATION_STOP)
_NEG_STOP_FIRST = frozenset(w for w in lexicon.ZH_NEGATION_STOP if len(w) == 1)
_MULTI_STOP_SET = frozenset(_MULTI_STOP)
# Characters a homophone slip never stands for: function words and negators, which are
# rarely mistyped and often read like a content character ("没" mei, "每" mei).
_NO_SLIP = frozenset(lexicon.ZH_STOP_CHARS) | frozenset("没不未非无别了过着")
_MULTI_STOP_SIZES = tuple(sorted({len(w) for w in _MULTI_STOP}, reverse=True))


def _ignore(_feature: str) -> None:
    return None


def stem(word: str) -> str:
    """A light English stemmer: possessive, plural and a few verb endings."""
    if word.endswith("'s") or word.endswith("’s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def english_vocabulary(texts: Iterable[str]) -> set[str]:
    """Stems of the topic-bearing English words of some texts."""
    out: set[str] = set()
    for text in texts:
        for t in tokens(normalize(text)):
            if not is_cjk(t) and t not in lexicon.EN_STOP and not t.isdigit():
                out.add(stem(t))
    return out


@dataclass(frozen=True)
class Analysis:
    features: dict[str, float]  # feature -> kind weight (before IDF)
    units: frozenset[str]  # the features that stand for the text's content words/characters
    text: str  # normalised text, tokens joined by spaces (for rapidfuzz)
    content_chars: int  # informative characters (not stop words / punctuation)
    negated: frozenset[str] = frozenset()  # features the message explicitly rules out
    weak: frozenset[str] = frozenset()  # intents seen only in a weak form (lexicon)
    norm: str = ""  # the normalised text, for the asks
    fixes: tuple[tuple[str, str], ...] = ()  # Han runs as read after homophone correction

    @cached_property
    def asks(self) -> tuple[Ask, ...]:
        """What the message asks, last question clause first (faq.nearmiss); built on
        first use (only the best entry of a match is checked)."""
        return extract_asks(self.norm, self.fixes, stem)


class Analyzer:
    """Feature extraction that knows the knowledge base's keywords and English words."""

    def __init__(
        self,
        keywords: Iterable[str] = (),
        english_vocab: Iterable[str] = (),
        zh_texts: Iterable[str] = (),
        *,
        negation: bool = True,
        correct_min: int = 3,
    ) -> None:
        # negation=False keeps words in a negation's scope (the router: "没有电" is about
        # electricity all the same); words shorter than correct_min are never typo-corrected.
        self.negation = negation
        self.correct_min = correct_min
        self.zh_keywords: set[str] = set()
        self.en_keywords: set[str] = set()
        for kw in keywords:
            norm = canonical(normalize(kw))
            toks = tokens(norm)
            if not toks:
                continue
            if all(is_cjk(t) for t in toks):
                joined = "".join(toks)
                if len(joined) >= 2:
                    self.zh_keywords.add(joined)
            else:
                self.en_keywords.add(" ".join(stem(t) for t in toks))
        self.zh_kw_max = max((len(k) for k in self.zh_keywords), default=0)
        self.en_kw_max = max((k.count(" ") + 1 for k in self.en_keywords), default=0)
        self.vocab: set[str] = set(english_vocab)
        self._delete_index: dict[str, str] = {}
        self._zh_intents: dict[str, str] = {}
        self._en_intents: dict[str, str] = {}
        for concept, (zh_forms, en_forms) in lexicon.INTENTS.items():
            for form in zh_forms:
                self._zh_intents[form] = concept
            for form in en_forms:
                self._en_intents[" ".join(stem(t) for t in form.split())] = concept
        self._zh_intent_max = max(len(f) for f in self._zh_intents)
        self._rebuild_vocab()
        self._bigrams: set[str] = set()
        self._homophones: dict[tuple[str, str], list[str]] = {}
        for text in (*zh_texts, *self.zh_keywords):
            for tok in tokens(canonical(normalize(text))):
                if is_cjk(tok):
                    self._bigrams.update(a + b for a, b in pairwise(tok))
        for pair in sorted(self._bigrams):
            key = (pinyin_of(pair[0]), pinyin_of(pair[1]))
            if key[0] and key[1]:
                self._homophones.setdefault(key, []).append(pair)

    def _rebuild_vocab(self) -> None:
        index: dict[str, str] = {}
        for word in sorted(self.vocab):
            if len(word) < 4:
                continue
            index.setdefault(word, word)
            for d in _deletes(word):
                index.setdefault(d, word)
        self._delete_index = index

    def correct_homophones(self, run: str) -> str:
        """A Han run with homophone slips of the knowledge base's character pairs undone.

        A pair the base never writes becomes the one pair it does write with the same
        reading and one character in the same place ("注消" -> "注销"); ambiguous readings
        and pairs of stop characters are left alone.
        """
        if len(run) < 2 or not self._homophones:
            return run
        chars = list(run)
        known = self._bigrams
        # Characters of an intent phrase ("多长时间", "怎么交") are read as written: the
        # citizen's own frame words are not slips for a pair of the base ("多账时间").
        held = self._intent_chars(run)
        for i in range(len(chars) - 1):
            a, b = chars[i], chars[i + 1]
            if a + b in known or (a in _SINGLE_STOP and b in _SINGLE_STOP):
                continue
            options = self._homophones.get((pinyin_of(a), pinyin_of(b)))
            if not options:
                continue
            fits = [
                p
                for p in options
                if (p[0] == a) != (p[1] == b) and (a if p[0] != a else b) not in _NO_SLIP
            ]
            if len(fits) != 1:
                continue
            # Only a slip when the surrounding text does not already read as a known pair.
            fixed = fits[0]
            if (fixed[0] != a and held[i]) or (fixed[1] != b and held[i + 1]):
                continue
            if i > 0 and chars[i - 1] + a in known and fixed[0] != a:
                continue
            if i + 2 < len(chars) and b + chars[i + 2] in known and fixed[1] != b:
                continue
            chars[i], chars[i + 1] = fixed[0], fixed[1]
        return "".join(chars)

    def _intent_chars(self, run: str) -> list[bool]:
        """Per character of a Han run: inside one of the intent phrases (longest first)."""
        n = len(run)
        held = [False] * n
        top = self._zh_intent_max
        a = 0
        while a < n:
            for b in range(min(n, a + top), a + 1, -1):
                if run[a:b] in self._zh_intents:
                    held[a:b] = [True] * (b - a)
                    a = b - 1
                    break
            a += 1
        return held

    def correct(self, word: str) -> str | None:
        """The vocabulary word within one edit (delete/insert/substitute) of ``word``."""
        if word in self.vocab or len(word) < self.correct_min:
            return None
        hit = self._delete_index.get(word)
        if hit is not None:
            return hit
        for d in sorted(_deletes(word)):  # sorted: the same correction in every process
            hit = self._delete_index.get(d)
            if hit is not None and abs(len(hit) - len(word)) <= 1:
                return hit
        return None

    # ------------------------------------------------------------------ analysis
    def analyze(self, text: str, situations: bool = True) -> Analysis:
        """Features of a message (``situations``: also the usual words of the services it
        describes, faq.situations; off for the knowledge base's own questions)."""
        norm = canonical(normalize(text))
        raw = tokens(norm)
        toks = [self.correct_homophones(t) if is_cjk(t) else t for t in raw]
        feats: dict[str, float] = {}
        units: set[str] = set()
        content = 0

        def add(feature: str, weight: float) -> None:
            if weight > feats.get(feature, 0.0):
                feats[feature] = weight

        negated: set[str] = set()
        strong: set[str] = set()  # intents expressed by a phrase, not one character
        latin: list[str] = []
        for tok in toks:
            if is_cjk(tok):
                content += self._analyze_cjk(tok, add, negated.add, units.add, strong.add)
            else:
                latin.append(tok)
        pinyin_units: list[str] = []
        if latin:
            before = {f for f in feats if f[0] == "i"}
            content += self._analyze_latin(latin, add, pinyin_units)
            strong.update(f for f in feats if f[0] == "i" and f not in before)
        # A described situation also says the service's usual words (faq.situations); they
        # add features and units but no length (the message is as long as it is).
        for words in service_words(norm) if situations else ():
            said = tokens(words)
            for tok in said:
                if is_cjk(tok):
                    self._analyze_cjk(tok, add, _ignore, units.add, strong.add)
            latin_said = [t for t in said if not is_cjk(t)]
            if latin_said:
                self._analyze_latin(latin_said, add, pinyin_units)
        units.update(f for f in feats if f[0] == "e")
        units.update(pinyin_units)
        # What a message negates is ruled out only when it says what it is instead
        # ("不是补办，是第一次办", "没丢，就是过期了"); a bare "还没有社保卡" is the topic.
        if negated and not any(m in norm for m in CONTRAST_MARKERS):
            negated.clear()
        negated.difference_update(feats)
        return Analysis(
            features=feats,
            units=frozenset(units),
            text=" ".join(toks),
            content_chars=content,
            negated=frozenset(negated),
            weak=frozenset(f for f in feats if f[0] == "i" and f not in strong),
            norm=norm,
            fixes=tuple((a, b) for a, b in zip(raw, toks, strict=True) if a != b),
        )

    def _analyze_cjk(
        self,
        run: str,
        add: _Adder,
        add_negated: Callable[[str], None],
        add_unit: Callable[[str], None],
        add_strong: Callable[[str], None],
    ) -> int:
        """Features of one Han run; returns its informative characters.

        Units (what coverage of the message counts) are its characters plus the intents
        they express, so "缴纳" is partly covered by an entry that says "交" and "找不到"
        by one that says "丢了", while the object in "停电" still has to match.
        """
        n = len(run)
        stop = [False] * n
        negated = [False] * n
        i = 0
        while i < n:
            for size in _MULTI_STOP_SIZES:
                if run[i : i + size] in _MULTI_STOP_SET:
                    for j in range(i, min(n, i + size)):
                        stop[j] = True
                    i += size - 1
                    break
            else:
                if run[i] in _SINGLE_STOP:
                    stop[i] = True
            i += 1
        # Negation scopes.
        i = 0 if self.negation else n
        while i < n:
            if run[i] not in _NEG_FIRST:
                i += 1
                continue
            neg = run[i : i + 2] if run[i : i + 2] in _NEG_CAP else run[i]
            if (
                neg not in _NEG_CAP
                or run[i : i + 2] in _NEG_EXEMPT
                or run[i - 1 : i + 1] in _NEG_EXEMPT
            ):
                i += 1
                continue
            j = i + len(neg)
            end = min(n, j + _NEG_CAP[neg])
            k = j
            while k < end and run[k] not in _NEG_STOP_FIRST and run[k : k + 2] not in _NEG_STOP:
                negated[k] = True
                k += 1
            i = max(k, i + 1)

        # Keywords and intents: substrings of the run. A negated intent ("没丢",
        # "不是补办") is dropped together with the characters that express it.
        if self.zh_kw_max:
            for a in range(n):
                for b in range(a + 2, min(n, a + self.zh_kw_max) + 1):
                    if run[a:b] in self.zh_keywords:
                        if negated[a]:
                            add_negated("k:" + run[a:b])
                        else:
                            add("k:" + run[a:b], KIND_WEIGHT["k"])
        dropped = [False] * n
        intent_at: list[str | None] = [None] * n
        a = 0
        while a < n:
            for b in range(min(n, a + self._zh_intent_max), a, -1):
                concept = self._zh_intents.get(run[a:b])
                if concept is not None:
                    if negated[a]:
                        for j in range(a, b):
                            dropped[j] = True
                        add_negated("i:" + concept)
                    else:
                        add("i:" + concept, KIND_WEIGHT["i"])
                        if run[a:b] not in lexicon.WEAK_INTENT_FORMS:
                            add_strong("i:" + concept)
                        for j in range(a, b):
                            intent_at[j] = concept
                    a = b - 1
                    break
            a += 1
        negated = dropped

        # Character n-grams and pinyin over the content pieces.
        content = 0
        wb, wu, wp = KIND_WEIGHT["b"], KIND_WEIGHT["u"], KIND_WEIGHT["p"]
        prev = -2
        prev_py = ""
        for a in range(n):
            if stop[a]:
                prev = -2
                continue
            ch = run[a]
            content += 1
            py = pinyin_of(ch)
            if not negated[a]:
                add("u:" + ch, wu)
                add_unit("u:" + ch)
                concept = intent_at[a]
                if concept is not None:
                    add_unit("i:" + concept)
            if prev == a - 1 and negated[a] and negated[prev]:
                add_negated("b:" + run[prev] + ch)
            elif prev == a - 1:
                add("b:" + run[prev] + ch, wb)
                if py and prev_py:
                    add("p:" + prev_py + " " + py, wp)
            prev = a
            prev_py = py
        return content

    def _analyze_latin(self, words: list[str], add: _Adder, pinyin_units: list[str]) -> int:
        stems = [stem(w) for w in words]
        negated = [False] * len(words)
        for i, w in enumerate(words if self.negation else ()):
            if w in lexicon.EN_NEGATORS or w.endswith("n't"):
                for j in range(i + 1, min(len(words), i + 3)):
                    negated[j] = True
        content = 0
        # English keyword n-grams and intent phrases (stop words kept inside phrases).
        for a in range(len(stems)):
            if negated[a]:
                continue
            for m in range(min(len(stems) - a, max(self.en_kw_max, 2)), 0, -1):
                gram = " ".join(stems[a : a + m])
                if gram in self.en_keywords:
                    add("k:" + gram, KIND_WEIGHT["k"])
                concept = self._en_intents.get(gram)
                if concept is not None:
                    add("i:" + concept, KIND_WEIGHT["i"])
        we = KIND_WEIGHT["e"]
        for w, s, neg in zip(words, stems, negated, strict=True):
            if w in lexicon.EN_STOP or s in lexicon.EN_STOP:
                continue
            content += len(w)
            if neg:
                continue
            if w.isdigit():
                add("e:" + w, we)
                continue
            if s in self.vocab or w in self.vocab:
                add("e:" + (s if s in self.vocab else w), we)
                continue
            fixed = self.correct(s)
            if fixed is not None:
                add("e:" + fixed, we * FUZZY_EN_WEIGHT)
                continue
            syl = split_pinyin(w)
            if syl is not None:
                for x, y in pairwise(syl):
                    add("p:" + x + " " + y, KIND_WEIGHT["p"])
                    pinyin_units.append("p:" + x + " " + y)
                continue
            add("e:" + s, we)
        return content
