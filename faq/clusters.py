"""Questions grouped by the need they express: character n-gram TF-IDF + average linkage.

Used for the gap report (``citizen-desk gaps --clusters``): the questions the FAQ could not
answer, grouped so that "家里停水了" and "怎么又没水了" land together, ranked by size.

- Features: the texts normalised as the matcher reads them (faq.text: width, case,
  Traditional -> Simplified, everyday synonyms), then Chinese character unigrams and bigrams
  and English word stems and their character trigrams; sublinear TF x smooth IDF, L2-normed.
  Stop words and chit-chat characters carry no weight.
- Similarity: cosine, computed only for pairs that share a feature rarer than ``MAX_DF`` of
  the texts (an inverted index), so thousands of questions take a second or two in Python.
- Clustering: average-linkage agglomeration over that sparse graph (a pair that shares no
  rare feature counts as similarity 0), merging while the best average is at least
  ``threshold``. Identical normalised texts are one node with a weight.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from faq import lexicon
from faq.features import stem
from faq.text import canonical, is_cjk, normalize, pinyin_of, tokens

DEFAULT_THRESHOLD = 0.2
MAX_DF = 0.2  # features in more than this share of texts do not propose pairs
MIN_DF_CAP = 50  # ... unless they are in fewer than this many texts
_STOP_CHARS = frozenset(lexicon.ZH_STOP_CHARS) | frozenset("怎么吗呢吧啊呀")
# Words of any question's frame, which say nothing of the need.
_FRAME_WORDS = (
    "时候 哪里 多少 怎么办 办理 需要 请问 问一下 一下 知道 谢谢 您好 你好 现在 应该".split()
)
_STOP_WORDS = tuple(
    sorted(
        {w for w in (*lexicon.ZH_STOP_WORDS, *_FRAME_WORDS) if len(w) > 1}, key=len, reverse=True
    )
)


def _stopped(run: str) -> list[bool]:
    """Per character of a Han run: part of a stop word or a stop character."""
    stop = [ch in _STOP_CHARS for ch in run]
    i = 0
    while i < len(run):
        for word in _STOP_WORDS:
            if run.startswith(word, i):
                for k in range(i, i + len(word)):
                    stop[k] = True
                i += len(word) - 1
                break
        i += 1
    return stop


def key_of(text: str) -> str:
    """The normalised form of a question: texts with the same key are one node."""
    return " ".join(tokens(canonical(normalize(text))))


def features(text: str) -> Counter[str]:
    """Raw term counts of one text (see the module docstring)."""
    out: Counter[str] = Counter()
    for tok in tokens(canonical(normalize(text))):
        if is_cjk(tok):
            stop = _stopped(tok)
            for i, ch in enumerate(tok):
                if stop[i]:
                    continue
                out["u:" + ch] += 1
                if i + 1 < len(tok) and not stop[i + 1]:
                    out["b:" + tok[i : i + 2]] += 1
        elif tok not in lexicon.EN_STOP and not tok.isdigit():
            word = stem(tok)
            out["w:" + word] += 1
            padded = f" {word} "
            for i in range(len(padded) - 2):
                out["t:" + padded[i : i + 3]] += 1
    return out


@dataclass(frozen=True)
class Cluster:
    members: tuple[int, ...]  # indices of the input texts, most typical first
    size: int  # number of texts (with repeats)
    terms: tuple[str, ...]  # the heaviest features of its centroid ("停水", "water")

    def suggested_id(self, prefix: str = "gap") -> str:
        """An entry id from its terms: pinyin for Chinese ("gap-tingshui"), words for English."""
        parts: list[str] = []
        for term in self.terms:
            if is_cjk(term):
                word = "".join(pinyin_of(c) for c in term)
            else:
                word = "".join(c for c in term if c.isascii() and c.isalnum())
            if word and word not in parts:
                parts.append(word)
            if len(parts) == 2:
                break
        return "-".join([prefix, *parts]) if parts else prefix


def _terms(heaviest: list[str], texts: list[str], limit: int = 4) -> tuple[str, ...]:
    """Key terms, heaviest first, with overlapping Chinese pairs joined into the word the
    texts write ("社保" + "保卡" -> "社保卡")."""
    out: list[str] = []
    for term in heaviest:
        joined = False
        for k, have in enumerate(out):
            if not (is_cjk(term) and is_cjk(have)):
                continue
            for longer in (have + term[-1], term + have[-1]):
                if (
                    len(longer) <= 3
                    and (have.endswith(term[0]) or term.endswith(have[0]))
                    and 2 * sum(longer in t for t in texts) >= len(texts)
                ):
                    out[k] = longer
                    joined = True
                    break
            if joined or term in have:
                joined = True
                break
        if not joined:
            out.append(term)
        if len(out) >= limit:
            break
    return tuple(out[:limit])


def _vectors(keys: Sequence[str]) -> tuple[list[dict[str, float]], dict[str, list[int]]]:
    raw = [features(k) for k in keys]
    df: Counter[str] = Counter()
    for counts in raw:
        df.update(counts.keys())
    n = len(keys)
    vectors: list[dict[str, float]] = []
    postings: dict[str, list[int]] = {}
    for i, counts in enumerate(raw):
        vec = {
            f: (1.0 + math.log(c)) * (math.log((1 + n) / (1 + df[f])) + 1.0)
            for f, c in counts.items()
        }
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({f: v / norm for f, v in vec.items()})
        for f in vec:
            postings.setdefault(f, []).append(i)
    return vectors, postings


def _pairs(
    vectors: list[dict[str, float]], postings: dict[str, list[int]], floor: float
) -> dict[tuple[int, int], float]:
    """Cosine of every pair sharing a rare feature, kept when at least ``floor``."""
    n = len(vectors)
    cap = max(MIN_DF_CAP, int(MAX_DF * n))
    candidates: set[tuple[int, int]] = set()
    for plist in postings.values():
        if len(plist) < 2 or len(plist) > cap:
            continue
        for a in range(len(plist)):
            i = plist[a]
            for j in plist[a + 1 :]:
                candidates.add((i, j))
    out: dict[tuple[int, int], float] = {}
    for i, j in candidates:
        vi, vj = vectors[i], vectors[j]
        if len(vi) > len(vj):
            vi, vj = vj, vi
        sim = sum(w * vj.get(f, 0.0) for f, w in vi.items())
        if sim >= floor:
            out[(i, j)] = sim
    return out


def cluster(
    texts: Sequence[str], threshold: float = DEFAULT_THRESHOLD, weights: Sequence[int] | None = None
) -> list[Cluster]:
    """Clusters of ``texts`` (each text optionally counted ``weights[i]`` times), largest
    first; every text is in exactly one cluster (singletons included)."""
    if not texts:
        return []
    counts = list(weights) if weights is not None else [1] * len(texts)
    # Identical normalised texts are one node.
    node_of: dict[str, int] = {}
    node_texts: list[list[int]] = []
    node_keys: list[str] = []
    for i, text in enumerate(texts):
        key = key_of(text) or text
        node = node_of.get(key)
        if node is None:
            node = node_of[key] = len(node_keys)
            node_keys.append(key)
            node_texts.append([])
        node_texts[node].append(i)
    weight = [sum(counts[i] for i in members) for members in node_texts]
    vectors, postings = _vectors(node_keys)
    sims = _pairs(vectors, postings, floor=threshold / 4)
    # Average linkage: sums of weighted pair similarities between live clusters.
    size = list(weight)
    link: dict[int, dict[int, float]] = {i: {} for i in range(len(node_keys))}
    for (i, j), s in sims.items():
        w = s * weight[i] * weight[j]
        link[i][j] = w
        link[j][i] = w
    members: dict[int, list[int]] = {i: [i] for i in range(len(node_keys))}
    heap: list[tuple[float, int, int]] = []
    for i, nbrs in link.items():
        for j, total in nbrs.items():
            if i < j:
                heapq.heappush(heap, (-total / (size[i] * size[j]), i, j))
    while heap:
        neg, a, b = heapq.heappop(heap)
        if -neg < threshold:
            break
        if a not in members or b not in members:
            continue
        current = link[a].get(b, 0.0) / (size[a] * size[b])
        if abs(current + neg) > 1e-12:
            continue  # stale: a or b grew since this pair was pushed
        # Merge b into a.
        for c, total in link.pop(b).items():
            if c == a:
                continue
            link[c].pop(b, None)
            merged = link[a].get(c, 0.0) + total
            link[a][c] = merged
            link[c][a] = merged
        link[a].pop(b, None)
        size[a] += size[b]
        members[a].extend(members.pop(b))
        for c, total in link[a].items():
            heapq.heappush(heap, (-total / (size[a] * size[c]), min(a, c), max(a, c)))
    out: list[Cluster] = []
    for nodes in members.values():
        centroid: dict[str, float] = defaultdict(float)
        spread: dict[str, float] = defaultdict(float)  # how many of its texts have the feature
        for node in nodes:
            for f, v in vectors[node].items():
                centroid[f] += v * weight[node]
                spread[f] += weight[node]
        norm = math.sqrt(sum(v * v for v in centroid.values())) or 1.0

        def closeness(node: int, c: dict[str, float] = centroid, z: float = norm) -> float:
            return sum(v * c.get(f, 0.0) for f, v in vectors[node].items()) / z

        ranked = sorted(nodes, key=lambda n: (-closeness(n), -weight[n], n))
        heaviest = sorted(
            (f for f in centroid if f[0] in "bw" and len(f) > 3),
            key=lambda f: (-spread[f], -centroid[f], f),
        )
        if len(nodes) > 1:  # what its texts share, when they share something
            shared = [f for f in heaviest if spread[f] > 1]
            heaviest = shared or heaviest
        terms = _terms([f[2:] for f in heaviest[:12]], [node_keys[n] for n in ranked[:5]])
        texts_in = tuple(i for node in ranked for i in node_texts[node])
        out.append(Cluster(texts_in, sum(weight[n] for n in nodes), tuple(terms)))
    out.sort(key=lambda c: (-c.size, c.members[0]))
    return out
