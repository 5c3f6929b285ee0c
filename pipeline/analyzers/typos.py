"""Typos, laundered wording and canonical formulations (提法).

* Misspellings from lexicons/typos.txt (always wrong), typo_context.txt (wrong in a context) and
  typo_exceptions.txt (right text that contains a listed misspelling).
* Laundered wording from lexicons/laundered.txt: words swapped by a simplified→traditional→simplified
  round trip with vocabulary mapping (效劳 for 服务 …), each with the context where it is wrong.
  Two or more distinct ones make the ``laundered_text`` flag.
* Formulations from lexicons/formulations.txt: where a report lists the members of a fixed
  formulation (四个意识 …), a missing or wrong member is reported.

* Misspellings no list names, from ``spelling.suspects`` (a sound-alike substitution that turns a
  frequent word into a rarer one in its clause), each with a confidence; lexicon hits have 1.0.
* Laundered wording no list names, from ``spelling.collocation_laundering``: a fixed phrase
  (lexicons/collocations.txt) with a word swapped for a 词林 synonym (旗帜鲜亮 for 旗帜鲜明).
* Masking (D建/X建 for 党建, ZZ for 政治) from ``spelling.masks``: kind ``masked``, never a typo.

Never a typo: XX placeholders, spans ingestion marks unreliable (OCR, lost characters), quoted
titles 《…》, formulation members, and words jieba's dictionary tags as names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.analyzers import spelling
from pipeline.analyzers.context import Context
from pipeline.findings import Finding
from pipeline.lexicons import read_table
from pipeline.lexicons import words as lexicon_words
from pipeline.settings import Settings

# Members of one formulation listed within this many characters of each other form a listing.
LISTING_WINDOW = 60
LAUNDERED_FLAG_MIN = 2


@dataclass(frozen=True)
class Typo:
    text: str
    suggestion: str
    start: int
    end: int
    kind: str  # typo | laundered | formulation | masked
    confidence: float = 1.0

    def __post_init__(self) -> None:
        # Kept at the precision the record publishes, so a record read back from JSON equals it.
        object.__setattr__(self, "confidence", round(float(self.confidence), 3))

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "suggestion": self.suggestion,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True)
class TyposResult:
    typos: tuple[Typo, ...]
    findings: tuple[Finding, ...] = field(default=())

    @property
    def laundered_forms(self) -> set[str]:
        return {t.text for t in self.typos if t.kind == "laundered"}

    @property
    def laundered_text(self) -> bool:
        return len(self.laundered_forms) >= LAUNDERED_FLAG_MIN


@dataclass(frozen=True)
class TypoLexicon:
    plain: re.Pattern[str] | None
    suggestions: dict[str, str]
    exceptions: dict[str, tuple[re.Pattern[str], ...]]
    context: tuple[tuple[str, str, re.Pattern[str]], ...]
    laundered: tuple[tuple[str, str, re.Pattern[str]], ...]
    formulations: tuple[tuple[str, tuple[str, ...]], ...]
    members: re.Pattern[str] | None = None  # every formulation member and name: never a typo
    masked: frozenset[str] = frozenset()  # characters masking sites hide (lexicons/masking.txt)
    collocations: tuple[str, ...] = ()  # fixed phrases of official writing (lexicons/collocations.txt)
    vocabulary: re.Pattern[str] | None = None  # real words jieba lacks (lexicons/vocabulary.txt)
    place: re.Pattern[str] | None = None  # a place name before its ending (lexicons/place_suffixes.txt)


@lru_cache(maxsize=4)
def lexicon(lexicon_dir: str, extra: tuple[str, ...]) -> TypoLexicon:
    settings = Settings(lexicon_dir=lexicon_dir, extra_lexicon_dirs=extra)
    suggestions = {wrong: right for wrong, right in read_table("typos.txt", settings, 2)}
    words = sorted(suggestions, key=len, reverse=True)
    exceptions: dict[str, list[re.Pattern[str]]] = {}
    for wrong, pattern in read_table("typo_exceptions.txt", settings, 2):
        exceptions.setdefault(wrong, []).append(re.compile(pattern))
    context = tuple((w, r, re.compile(p)) for w, r, p in read_table("typo_context.txt", settings, 3))
    laundered = []
    for form, original, rule in read_table("laundered.txt", settings, 3):
        if rule == "always":
            pattern = re.compile(re.escape(form))
        elif rule.startswith("regex:"):
            pattern = re.compile(rule[len("regex:") :])
        else:
            raise ValueError(f"laundered.txt: context must be 'always' or 'regex:…', got {rule!r} for {form}")
        laundered.append((form, original, pattern))
    formulations = tuple(
        (name, tuple(m.strip() for m in members.split("、") if m.strip()))
        for name, members in read_table("formulations.txt", settings, 2)
    )
    member_words = sorted(
        {w for name, ms in formulations for w in (name, *ms) if len(w) >= 2}, key=len, reverse=True
    )
    vocabulary = sorted(lexicon_words("vocabulary.txt", settings), key=len, reverse=True)
    endings = sorted(lexicon_words("place_suffixes.txt", settings), key=len, reverse=True)
    return TypoLexicon(
        vocabulary=re.compile("|".join(map(re.escape, vocabulary))) if vocabulary else None,
        place=re.compile(_PLACE.format("|".join(map(re.escape, endings)))) if endings else None,
        collocations=lexicon_words("collocations.txt", settings),
        masked=frozenset(c for c in lexicon_words("masking.txt", settings) if len(c) == 1),
        members=re.compile("|".join(map(re.escape, member_words))) if member_words else None,
        plain=re.compile("|".join(map(re.escape, words))) if words else None,
        suggestions=suggestions,
        exceptions={k: tuple(v) for k, v in exceptions.items()},
        context=context,
        laundered=tuple(laundered),
        formulations=formulations,
    )


def _in_placeholder(ctx: Context, start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in ctx.doc.placeholders)


_TITLE = re.compile(r"《[^《》\n]{1,80}》")
# A short quoted name (an activity, brand or slogan: “医路红心”), whose puns are meant.
_QUOTED_NAME = re.compile(r"(?<=[“「『\"])[^“”「」『』\"\n，。；！？,.;!?]{2,12}(?=[”」』\"])")
# Two or three characters at a line start, after punctuation, a digit, a Latin letter or a higher
# division's ending (浙江省岚溪县), before a place ending ({} is the alternation of lexicons/place_suffixes.txt).
_SENTENCE_END = re.compile(r"[。；！？;!?]")
NAME_LINE_MAX = 60  # a title, heading or signature line is at most this long
_PLACE = r"(?:^|(?<=[^\u4e00-\u9fff])|(?<=[省市县区州盟旗]))([\u4e00-\u9fff]{{2,3}}?)(?:{})"


def _protected(ctx: Context, lex: TypoLexicon) -> list[tuple[int, int]]:
    """Spans the open checker never reports in: placeholders, unreliable text, titles, 提法, short
    quoted names, real words jieba lacks, and place names (each of their occurrences)."""
    text = ctx.text
    spans = list(ctx.doc.placeholders) + list(ctx.doc.unreliable)
    spans += [m.span() for m in _TITLE.finditer(text)]
    spans += [m.span() for m in _QUOTED_NAME.finditer(text)]
    for pattern in (lex.members, lex.vocabulary):
        if pattern is not None:
            spans += [m.span() for m in pattern.finditer(text)]
    for name in place_names(text, lex):
        start = text.find(name)
        while start >= 0:
            spans.append((start, start + len(name)))
            start = text.find(name, start + len(name))
    return spans


def place_names(text: str, lex: TypoLexicon) -> set[str]:
    """Names seen before a place ending, where a name can start, in the lines that name units: the
    title, headings and signatures (short lines with no sentence end). 岚溪 of 岚溪县教育局党组."""
    if lex.place is None:
        return set()
    return {
        m.group(1)
        for line in text.split("\n")
        if len(line) <= NAME_LINE_MAX and not _SENTENCE_END.search(line)
        for m in lex.place.finditer(line)
    }


def analyze(ctx: Context, threshold: float | None = None) -> TyposResult:
    """``threshold``: the open checker's gain threshold (default ``spelling.THRESHOLD``; the
    benchmark sweeps it)."""
    lex = lexicon(ctx.settings.lexicon_dir, ctx.settings.extra_lexicon_dirs)
    text = ctx.text
    found: dict[tuple[int, int, str], Typo] = {}
    if lex.plain is not None:
        for m in lex.plain.finditer(text):
            wrong = m.group(0)
            if any(p.match(text, m.start()) for p in lex.exceptions.get(wrong, ())):
                continue
            found[(m.start(), m.end(), "typo")] = Typo(
                wrong, lex.suggestions[wrong], m.start(), m.end(), "typo"
            )
    for wrong, right, pattern in lex.context:
        for m in pattern.finditer(text):
            s = m.start()
            found[(s, s + len(wrong), "typo")] = Typo(wrong, right, s, s + len(wrong), "typo")
    for form, original, pattern in lex.laundered:
        if form not in text:
            continue
        for m in pattern.finditer(text):
            s = text.find(form, m.start(), m.end())
            if s < 0:
                continue
            found[(s, s + len(form), "laundered")] = Typo(form, original, s, s + len(form), "laundered")
    for typo in _formulations(text, lex):
        found[(typo.start, typo.end, "formulation")] = typo
    taken = {(t.start, t.end) for t in found.values()}
    for s in spelling.collocation_laundering(text, lex.collocations):
        if (s.start, s.end) not in taken:
            found[(s.start, s.end, "laundered")] = Typo(
                s.text, s.suggestion, s.start, s.end, "laundered", s.confidence
            )
    masked = spelling.masks(text, lex.masked)
    for m in masked:
        found[(m.start, m.end, "masked")] = Typo(m.text, m.original, m.start, m.end, "masked")
    skip = _protected(ctx, lex) + [(t.start, t.end) for t in found.values()]
    tokens = [(t.start, t.end) for t in ctx.parsed.tokens]
    for s in spelling.suspects(text, tokens, skip, spelling.THRESHOLD if threshold is None else threshold):
        found[(s.start, s.end, "typo")] = Typo(s.text, s.suggestion, s.start, s.end, "typo", s.confidence)
    typos = tuple(
        sorted(
            (t for t in found.values() if t.kind == "masked" or not _in_placeholder(ctx, t.start, t.end)),
            key=lambda t: (t.start, t.end, t.kind),
        )
    )
    messages = {
        "typo": "错别字",
        "laundered": "洗稿痕迹（繁简转换替换词）",
        "formulation": "提法不规范",
        "masked": "屏蔽字（疑从屏蔽敏感词的网站复制）",
    }
    findings = tuple(
        Finding(
            t.start, t.end, "typos", t.kind, f"{messages[t.kind]}：“{t.text}”应为“{t.suggestion}”", "warn"
        )
        for t in typos
    )
    return TyposResult(typos=typos, findings=findings)


def _formulations(text: str, lex: TypoLexicon) -> list[Typo]:
    """Listings of a formulation's members with one missing or replaced."""
    out: list[Typo] = []
    for name, members in lex.formulations:
        if len(members) < 2:
            continue
        hits = sorted(
            (m.start(), m.end(), member) for member in members for m in re.finditer(re.escape(member), text)
        )
        k = 0
        while k < len(hits):
            group = [hits[k]]
            while (
                k + 1 < len(hits)
                and hits[k + 1][0] - group[-1][1] <= 4
                and hits[k + 1][0] - group[0][0] <= LISTING_WINDOW
            ):
                k += 1
                group.append(hits[k])
            k += 1
            present = {g[2] for g in group}
            if len(present) < 2 or len(present) == len(members):
                continue
            missing = [m for m in members if m not in present]
            suffix = _common_suffix(members)
            start, end = group[0][0], group[-1][1]
            wrong = None
            if len(suffix) >= 2:
                # An item of the same shape next to the listed members: 文明自信 among the 四个自信.
                width = len(members[0]) - len(suffix)
                around = re.compile(rf"[\u4e00-\u9fff]{{{max(width, 1)}}}{re.escape(suffix)}")
                for m in around.finditer(text, max(0, start - 8), min(len(text), end + 8)):
                    if m.group(0) not in members and not any(m.group(0).endswith(x) for x in members):
                        item = m.group(0)
                        wrong = (m.start(), m.end(), item)
                        break
            if wrong:
                out.append(Typo(wrong[2], "、".join(missing), wrong[0], wrong[1], "formulation"))
            else:
                out.append(
                    Typo(
                        text[start:end],
                        f"{name}：{'、'.join(members)}（缺“{'、'.join(missing)}”）",
                        start,
                        end,
                        "formulation",
                    )
                )
    return out


def _common_suffix(words: tuple[str, ...]) -> str:
    suffix = words[0]
    for w in words[1:]:
        while suffix and not w.endswith(suffix):
            suffix = suffix[1:]
    return suffix
