"""Near-miss questions: the message asks something the best entry never speaks of.

A citizen asking "人才公寓可以买吗" or "养猫需要办登记吗" shares almost every word with an
entry ("人才公寓怎么申请？", "养狗需要办理登记吗？") that does not answer them: the part of the
question that asks (its last clause with a question word, :class:`Ask`) names a thing (猫)
or an action (买, 提前还) that the entry's questions, keywords and answer never mention.
Such a match is offered as a suggestion, never given as the answer.

A character of the ask is explained by an entry that writes it anywhere (questions,
keywords or answer) or writes, next to the same neighbour, a character of the same reading
in its questions (a homophone slip, read with the usual fuzzy pinyin: z/zh, c/ch, s/sh,
n/l, -n/-ng: "执造" for 执照); words of
a question's frame (流程, 条件, 哪里 …) and intents the entry has need no explaining. The
ask judged is the last question clause that shares something with the entry (a trailing
"有人知道吗" shares nothing), else the last one. Only short asks are judged character by character (a long one
describes a situation in words no entry writes); an action the ask names (:data:`ASK_ACTIONS`
and the action intents) must be explained at any length.

The other way round, an entry narrower than the question is not its answer either: a short
ask that names only part of the entry's keywords ("公租房怎么申请" against an entry whose
keyword is 公租房租金) and none of them whole (:meth:`Scope.narrower`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise

from faq import lexicon
from faq.text import is_cjk, pinyin_of, split_pinyin, tokens

ASK_MAX = 8  # content characters (or words) of an ask judged character by character
# ... and the share of them that must be unexplained: one odd character in a longer ask is
# usually the citizen's own wording ("免费", "老人家"), one in four or five is the topic.
UNEXPLAINED_SHARE = 0.2
_LATIN = re.compile(r"[a-z]")
_INSURE_RE = re.compile(
    r"买[了个份]?[\u4e00-\u9fff]{0,4}(?:保险|社保|医保)|buy\w* (?:\w+ )?insurance"
)
CLAUSE_RE = re.compile(r"([,.!?;:\n，。！？；：、]+)")
_NEGATOR_CHARS = frozenset("不没未非")
_NEGATED_START = ("不是", "并非", "并不是", "没有", "不", "没", "not ", "no ")
# Intents whose words are part of a question's frame, not what it asks about. Not the cost:
# "how much does a care home cost" is not answered by an entry that never speaks of money.
FRAME_INTENTS = frozenset(
    "i:" + c for c in ("materials", "when", "where", "apply", "register", "first")
)
# An entry speaks of the cost when its texts name an amount or say it is free, besides the
# cost intent's own words (费用, price...).
COST_EVIDENCE = re.compile(
    r"\d\s*(?:元|块|万元)|免费|不收费|收取|缴费|交费|¥|\bfees?\b|\bfree\b|\byuan\b|\brmb\b|\bpaid\b",
    re.IGNORECASE,
)


@cache
def fuzzy_reading(char: str) -> str:
    """Toneless pinyin with the distinctions an input method commonly blurs removed."""
    py = pinyin_of(char)
    if py[:2] in ("zh", "ch", "sh"):
        py = py[0] + py[2:]
    if py.startswith("l"):
        py = "n" + py[1:]
    if py.endswith("ng") and len(py) > 2:
        py = py[:-1]
    return py


@dataclass(frozen=True)
class Ask:
    chars: tuple[str, ...]  # Han characters to be explained (not frame words, not intents)
    sides: tuple[tuple[str, str], ...]  # the characters around each of them ("" at an end)
    words: tuple[str, ...]  # English stems to be explained
    intents: frozenset[str]  # action intents asked ("i:lost", "a:repay" …)
    size: int  # content characters + words of the clause (frame words excluded)


@cache
def _ask_tables() -> tuple[re.Pattern[str], dict[str, str], dict[str, str], re.Pattern[str]]:
    zh: dict[str, str] = {}
    en: dict[str, str] = {}
    for concept, (zh_forms, en_forms) in lexicon.INTENTS.items():
        for form in zh_forms:
            zh[form] = "i:" + concept
        for form in en_forms:
            en[form] = "i:" + concept
    for form, concept in lexicon.ASK_INTENT_FORMS.items():
        zh.setdefault(form, "i:" + concept)
    for concept, (zh_forms, en_forms) in lexicon.ASK_ACTIONS.items():
        for form in zh_forms:
            zh[form] = "a:" + concept
        for form in en_forms:
            en[form] = "a:" + concept
    generic = set(lexicon.ZH_GENERIC_ASK) | set(lexicon.ZH_STOP_WORDS)

    def alternation(words: Iterable[str]) -> re.Pattern[str]:
        # Longest first: at each position the regex takes the first alternative that fits.
        return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))

    return alternation(zh), zh, en, alternation(generic)


@cache
def _ask_actions_re() -> re.Pattern[str]:
    forms = [f for zh, en in lexicon.ASK_ACTIONS.values() for f in (*zh, *en)]
    return re.compile("|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True)))


def scan_zh(run: str) -> tuple[list[str | None], list[bool]]:
    """Per character of a Han run: the intent its phrase expresses, and whether it is a
    frame word (generic or stop word). Longest phrase first, left to right."""
    intents_re, zh, _, generic_re = _ask_tables()
    n = len(run)
    intent: list[str | None] = [None] * n
    frame = [False] * n
    for m in intents_re.finditer(run):
        concept = zh[m.group(0)]
        for k in range(m.start(), m.end()):
            intent[k] = concept
    # Frame words never overlap an intent phrase: look for them with the phrases masked.
    masked = run
    if any(intent):
        masked = "".join("\0" if c else ch for ch, c in zip(run, intent, strict=True))
    for m in generic_re.finditer(masked):
        for k in range(m.start(), m.end()):
            frame[k] = True
    return intent, frame


def scan_en(stems: list[str]) -> tuple[list[str | None], set[str]]:
    """Per English stem: the intent its phrase expresses (three-word phrases first)."""
    en = _ask_tables()[2]
    n = len(stems)
    intent: list[str | None] = [None] * n
    found: set[str] = set()
    for size in (3, 2, 1):
        for i in range(n - size + 1):
            if size == 1:
                if intent[i] is not None:
                    continue
                key = stems[i]
            else:
                if any(intent[i : i + size]):
                    continue
                key = " ".join(stems[i : i + size])
            concept = en.get(key)
            if concept is not None:
                found.add(concept)
                intent[i : i + size] = [concept] * size
    return intent, found


def _clauses(norm: str) -> list[tuple[str, bool]]:
    """(clause, ends with a question mark) of a normalised text."""
    parts = CLAUSE_RE.split(norm)
    out: list[tuple[str, bool]] = []
    for i in range(0, len(parts), 2):
        clause = parts[i].strip()
        delim = parts[i + 1] if i + 1 < len(parts) else ""
        if clause and tokens(clause):
            out.append((clause, "?" in delim or "？" in delim))
    return out


@cache
def _markers_re() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(m) for m in lexicon.ZH_QUESTION_MARKERS))


def _is_question(clause: str, marked: bool) -> bool:
    if marked:
        return True
    if _markers_re().search(clause) is not None:
        return True
    words = clause.split()
    return bool(words) and words[0] in lexicon.EN_QUESTION_MARKERS


def extract_asks(
    norm: str,
    correct: Iterable[tuple[str, str]] = (),
    stem: object = None,
) -> tuple[Ask, ...]:
    """The question clauses of a normalised message, last first (see the module docstring).

    A message without a question clause is one ask when it is one clause ("护照过期"),
    none otherwise. ``correct`` maps Han runs to their homophone-corrected form (as the
    analyser read them); ``stem`` is the English stemmer.
    """
    clauses = [c for c in _clauses(norm) if not c[0].startswith(_NEGATED_START)]
    asked = [c for c, marked in clauses if _is_question(c, marked)]
    if not asked and len(clauses) == 1:
        asked = [clauses[0][0]]
    fixes = dict(correct)
    return tuple(_ask(clause, fixes, stem) for clause in reversed(asked))


def _ask(clause: str, fixes: dict[str, str], stem: object) -> Ask:
    chars: list[str] = []
    sides: list[tuple[str, str]] = []
    words: list[str] = []
    intents: set[str] = set()
    size = 0
    latin: list[str] = []
    for tok in tokens(clause):
        if not is_cjk(tok):
            latin.append(tok)
            continue
        run = fixes.get(tok, tok)
        intent, frame = scan_zh(run)
        # What follows a negator is what the citizen does not ask about ("公司不做了").
        for i, ch in enumerate(run):
            if ch in _NEGATOR_CHARS and intent[i] is None:
                for k in range(i + 1, min(len(run), i + 3)):
                    if intent[k] is None:
                        frame[k] = True
        for i, (ch, concept, generic) in enumerate(zip(run, intent, frame, strict=True)):
            if concept is not None:
                if concept not in FRAME_INTENTS:
                    intents.add(concept)
                size += 1
            elif not generic:
                chars.append(ch)
                sides.append((run[i - 1] if i else "", run[i + 1] if i + 1 < len(run) else ""))
                size += 1
    if latin:
        stems = [stem(w) for w in latin] if callable(stem) else latin
        intent, found = scan_en(stems)
        intents.update(c for c in found if c not in FRAME_INTENTS)
        for w, s, concept in zip(latin, stems, intent, strict=True):
            if concept is not None or w in lexicon.EN_STOP or s in lexicon.EN_STOP:
                continue
            if w.isdigit() or w in lexicon.EN_GENERIC_ASK or s in lexicon.EN_GENERIC_ASK:
                continue
            if split_pinyin(w) is not None:  # pinyin typed in Latin letters: judged as pinyin
                continue
            words.append(s)
            size += 1
    if "a:buy" in intents and _INSURE_RE.search(clause):
        intents.discard("a:buy")  # buying insurance is taking it out (参保, 投保)
    return Ask(tuple(chars), tuple(sides), tuple(words), frozenset(intents), size)


def _cover(key: str, text: str) -> tuple[set[str], str]:
    """The characters of a keyword that ``text`` writes in pieces of two or more, and the
    rest of it (frame words and intents left out)."""
    n = len(key)
    hit = [False] * n
    for a in range(n - 1):
        for b in range(n, a + 1, -1):
            if key[a:b] in text:
                for k in range(a, b):
                    hit[k] = True
                break
    intent, frame = scan_zh(key)
    covered = {key[k] for k in range(n) if hit[k]}
    rest = "".join(key[k] for k in range(n) if not hit[k] and intent[k] is None and not frame[k])
    return covered, rest


@dataclass(frozen=True)
class Scope:
    """What an entry speaks of, for the near-miss check (built once per entry, at load).

    Kept as strings (membership is a substring search in C), not sets: a knowledge base of
    10,000 entries holds a few kilobytes per entry at most.
    """

    chars: str  # the Han characters of its questions, keywords and answer (each once)
    # Character pairs of its questions and keywords with one side as read ("认|ding",
    # "ren|定" for 认定), "\0"-separated: a near-homophone slip of one is explained ("认订").
    pairs: str
    words: str  # English stems of its questions, keywords and answer, " "-separated
    # intents of its questions, keywords and answer; the actions of ASK_ACTIONS only from
    # its questions and keywords (an answer saying "未还清的贷款" is not about repaying)
    intents: frozenset[str]
    keys: tuple[str, ...] = ()  # the Han runs of its keywords (see narrower)
    questions: str = ""  # the Han characters of its questions alone (see narrower)

    @classmethod
    def of(
        cls,
        asked: Iterable[str],
        answer: Iterable[str],
        stem: object,
        keywords: Iterable[str] = (),
    ) -> Scope:
        intents_re, zh, _en, _frame = _ask_tables()
        asked, answer = list(asked), list(answer)
        chars: set[str] = set()
        pairs: set[str] = set()
        words: set[str] = set()
        intents: set[str] = set()
        for is_answer, texts in ((False, asked), (True, answer)):
            for text in texts:
                latin: list[str] = []
                for tok in tokens(text):
                    if is_cjk(tok):
                        chars.update(tok)
                        if not is_answer:
                            for a, b in pairwise(tok):
                                pairs.add(a + "|" + fuzzy_reading(b))
                                pairs.add(fuzzy_reading(a) + "|" + b)
                        for m in intents_re.finditer(tok):
                            concept = zh[m.group(0)]
                            if not (is_answer and concept[0] == "a"):
                                intents.add(concept)
                    else:
                        latin.append(tok)
                stems = [stem(w) for w in latin] if callable(stem) else latin
                words.update(stems)
                if stems:
                    intents.update(c for c in scan_en(stems)[1] if not (is_answer and c[0] == "a"))
        every = [*asked, *answer]
        if any(COST_EVIDENCE.search(text) for text in every):
            intents.add("i:cost")
        keywords = list(keywords)
        keys = {tok for k in keywords for tok in tokens(k) if is_cjk(tok) and len(tok) >= 2}
        said = {ch for text in asked if text not in keywords for ch in text if is_cjk(ch)}
        return cls(
            "".join(sorted(chars)),
            "\0" + "\0".join(sorted(pairs)) + "\0",
            " " + " ".join(sorted(words)) + " ",
            frozenset(intents),
            tuple(sorted(keys)),
            "".join(sorted(said)),
        )

    def has_word(self, word: str) -> bool:
        return " " + word + " " in self.words

    def has_pair(self, pair: str) -> bool:
        return "\0" + pair + "\0" in self.pairs

    def covers(self, units: Iterable[str], intents: Iterable[str], norm: str) -> bool:
        """A quick sufficient test that nothing of a message can be unexplained: every
        character and English word it has is the entry's, every intent it asks too, and it
        names none of the ASK_ACTIONS."""
        for u in units:
            kind = u[0]
            if kind == "u" and u[2:] not in self.chars:
                return False
            elif kind == "e" and not self.has_word(u[2:]) and not u[2:].isdigit():
                return False
        for i in intents:
            if i not in self.intents and i not in FRAME_INTENTS:
                return False
        return _ask_actions_re().search(norm) is None

    def narrower(self, asks: tuple[Ask, ...], text: str, long: bool = False) -> bool:
        """The entry is about something narrower than what a short ask names: the ask's
        words are only a part of one of the entry's keywords ("公租房怎么申请" against an entry
        on 公租房租金) and no keyword is named whole. Such a match is a suggestion: answering
        it would assume the rest of the keyword. Also when every keyword lacks the same part
        (two characters or more) that the entry's questions say and a short message does not
        (its topic is elsewhere). ``text``: the message as read (homophones corrected).
        Parts of a keyword that are frame words or intents need not be named."""
        if not self.keys:
            return False
        filled = [a for a in asks if a.chars or a.words or a.intents]
        if not filled:
            return False
        ask = next((a for a in filled if self.shares(a)), filled[0])
        if ask.words or len(ask.chars) < 2 or ask.size > ASK_MAX:
            return False
        content = set(ask.chars)
        partial = False
        core: set[str] | None = None
        for key in self.keys:
            covered, rest = _cover(key, text)
            if len(rest) < 2:
                return False  # this keyword is named (all but a character at most)
            if covered and content <= covered:
                partial = True
            core = set(rest) if core is None else core & set(rest)
        if partial:
            return True
        # Every keyword lacks the same part, which the entry's questions also say and the
        # message does not (外国人怎么办工作许可 against 居留许可 / 外国人居留 and a question
        # on the 居留许可): the message asks about something else that shares the frame.
        return (
            not long
            and core is not None
            and len(core) >= 2
            and all(ch in self.questions and ch not in text for ch in core)
        )

    def shares(self, ask: Ask) -> bool:
        return (
            any(c in self.chars for c in ask.chars)
            or any(self.has_word(w) for w in ask.words)
            or not self.intents.isdisjoint(ask.intents)
        )

    def unexplained(
        self, asks: tuple[Ask, ...], correct_word: object = None, words: bool = True
    ) -> list[str]:
        """What the message asks that this entry never speaks of ([] when nothing);
        ``words=False``: only the actions asked."""
        filled = [a for a in asks if a.chars or a.words or a.intents]
        if not filled:
            return []
        ask = next((a for a in filled if self.shares(a)), filled[0])
        out = [i for i in ask.intents if i not in self.intents]
        if ask.size > ASK_MAX or not words:
            return out
        odd: list[str] = []
        for ch, (left, right) in zip(ask.chars, ask.sides, strict=True):
            if ch in self.chars:
                continue
            reading = fuzzy_reading(ch)
            if (left and self.has_pair(left + "|" + reading)) or (
                right and self.has_pair(reading + "|" + right)
            ):
                continue  # a slip for a character of the entry's words
            odd.append(ch)
        # An English word in a Chinese question ("国外degree怎么认证") is judged only by an
        # entry that writes English: the other names the thing in Chinese, if at all.
        judged = ask.words if not ask.chars or _LATIN.search(self.words) else ()
        for w in judged:
            if self.has_word(w):
                continue
            fixed = correct_word(w) if callable(correct_word) else None
            if fixed is None or not self.has_word(fixed):
                odd.append(w)
        if odd and len(odd) >= UNEXPLAINED_SHARE * (len(ask.chars) + len(judged)):
            out.extend(odd)
        return out
