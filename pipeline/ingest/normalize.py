"""In-line repairs: widths, spaces, punctuation, pinyin annotations.

Each function takes one line and returns the repaired line and how many repairs it made, so the
Document can say what was changed. All of them are idempotent: repairing a repaired line changes
nothing (the property tests check it).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Chinese (full-width) punctuation that sits tight against the text around it.
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】「」『』…—～·－"
_CJK_OR_PUNCT = f"[{HAN}{CJK_PUNCT}]"

# Full-width ASCII letters and digits to half-width; punctuation is handled separately.
_WIDTH = {c: c - 0xFEE0 for c in range(0xFF10, 0xFF1A)}
_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF21, 0xFF3B)})
_WIDTH.update({c: c - 0xFEE0 for c in range(0xFF41, 0xFF5B)})

# Invisible and odd spaces: zero-width ones go, the others become a plain space.
_SPACES = {0x200B: None, 0x200C: None, 0x200D: None, 0x2060: None, 0xFEFF: None, 0x00AD: None}
_SPACES.update({c: 0x20 for c in (0x00A0, 0x3000, 0x2002, 0x2003, 0x2009, 0x202F, 0x205F, 0x1680)})
_SPACES.update({c: 0x20 for c in range(0x2004, 0x2009)})

_ODD_CHARS = re.compile(
    "[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u200b-\u200d\u2060\ufeff\u00ad\u00a0\u3000\u2002-\u2009\u202f\u205f\u1680]"
)
_FULLWIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A pinyin annotation after a Han character: 持续(xù), 戮（lù）, 纤(qian4). The bracket holds one or
# two syllables with a tone mark or a tone digit; real bracketed text such as 区(县) never matches.
_PINYIN = re.compile(
    rf"(?<=[{HAN}])[ \t]*[(（][ \t]*(?=[a-zü{_TONE_VOWELS}]*[{_TONE_VOWELS}1-5])"
    rf"[a-zü{_TONE_VOWELS}]{{1,7}}[1-5]?(?: ?[a-zü{_TONE_VOWELS}]{{1,7}}[1-5]?)?[ \t]*[)）]"
)
_SPACE_RUN = re.compile(r"[ ]{2,}")
_SPACE_NEAR_CJK = re.compile(rf"(?<={_CJK_OR_PUNCT}) +| +(?={_CJK_OR_PUNCT})")
_SPACE_NEAR_ASCII_PUNCT = re.compile(r" +(?=[,;:!?)\]])|(?<=[(\[]) +")
_HALF_PUNCT = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？"}
_HALF_PUNCT_RE = re.compile(r"[,;:!?]")
_PAREN = re.compile(r"\(([^()（）\n]{0,60})\)")
_TAB_RUN = re.compile(r"[ ]*\t[ \t]*")
_EDGE = re.compile(r"^[ \t]+|[ \t]+$", re.M)
_LOST = re.compile(r"\?{2,}|？{3,}|\ufffd+")


def fix_width(line: str) -> tuple[str, int]:
    """Full-width Latin letters and digits to half-width; odd spaces to plain ones."""
    if not _ODD_CHARS.search(line):  # str.translate is slow on Chinese text: only call it when needed
        return line, 0
    out = line.translate(_SPACES).translate(_WIDTH)
    return out, len(_FULLWIDTH_ALNUM.findall(line))


def remove_pinyin(line: str) -> tuple[str, int]:
    """Drop pinyin annotations placed in brackets after characters (持续(xù) → 持续)."""
    total = 0
    while True:  # 字(zì)(zì): removing one annotation can expose the next
        line, n = _PINYIN.subn("", line)
        total += n
        if not n:
            return line, total


def fix_spaces(text: str) -> tuple[str, int]:
    """Remove spaces between Chinese characters and around punctuation; keep them between Latin words.

    Tabs separate table cells: runs collapse to one tab, empty cells and edge tabs go.
    """
    before = len(text)
    text = _SPACE_RUN.sub(" ", text)
    text = _TAB_RUN.sub("\t", text)
    text = _EDGE.sub("", text)
    text = _SPACE_NEAR_CJK.sub("", text)
    text = _SPACE_NEAR_ASCII_PUNCT.sub("", text)
    return text, before - len(text)


def _is_cjk(ch: str) -> bool:
    return bool(ch) and (re.match(_CJK_OR_PUNCT, ch) is not None)


def fix_punctuation(line: str) -> tuple[str, int]:
    """Make punctuation next to Chinese text Chinese (, → ，, (…) → （…）) without touching numbers.

    ``??`` runs are lost characters, not questions, and are left alone for the warning. Converting
    one mark makes its neighbours' context Chinese, so the pass repeats until nothing changes.
    """
    total = 0
    while True:
        line, n = _punctuation_once(line)
        total += n
        if not n:
            return line, total


def _punctuation_once(line: str) -> tuple[str, int]:
    count = 0
    chars = list(line)
    for m in _HALF_PUNCT_RE.finditer(line):
        i = m.start()
        ch = chars[i]
        prev = line[i - 1] if i > 0 else ""
        nxt = line[i + 1] if i + 1 < len(line) else ""
        if ch == "?" and (prev == "?" or nxt == "?"):
            continue
        if ch in ",:" and prev.isdigit() and nxt.isdigit():
            continue  # 1,000 and 10:30
        if _is_cjk(prev) or (_is_cjk(nxt) and ch not in "!?"):
            chars[i] = _HALF_PUNCT[ch]
            count += 1
    out = "".join(chars)

    def paren(m: re.Match[str]) -> str:
        nonlocal count
        inner = m.group(1)
        s, e = m.start(), m.end()
        before = out[s - 1] if s > 0 else ""
        after = out[e] if e < len(out) else ""
        if re.search(f"[{HAN}]", inner) or _is_cjk(before) or _is_cjk(after) or (s == 0 and inner.isdigit()):
            count += 1
            return f"（{inner}）"
        return m.group(0)

    while True:  # (一)(二): converting one bracket makes its neighbour Chinese context too
        again = _PAREN.sub(paren, out)
        if again == out:
            break
        out = again
    if '"' in out:
        lines = out.split("\n")
        for k, line in enumerate(lines):
            quotes = line.count('"')
            if quotes and quotes % 2 == 0 and re.search(f"[{HAN}]", line):
                parts = line.split('"')
                rebuilt = parts[0]
                for j, part in enumerate(parts[1:]):
                    rebuilt += ("“" if j % 2 == 0 else "”") + part
                lines[k] = rebuilt
                count += quotes
        out = "\n".join(lines)
    return out, count


@lru_cache(maxsize=8)
def _marks(lexicon_dir: str | None = None) -> tuple[re.Pattern[str], tuple[tuple[re.Pattern[str], str], ...]]:
    """lexicons/punctuation.txt compiled: a pre-check of every source mark, then (pattern, replacement)."""
    from pipeline.lexicons import compile_patterns, read_table
    from pipeline.settings import Settings

    settings = Settings(lexicon_dir=lexicon_dir) if lexicon_dir else Settings()
    rows = read_table("punctuation.txt", settings, 2)
    patterns = compile_patterns("punctuation.txt", "rows", [r[0] for r in rows])
    table = tuple(zip(patterns, (r[1] for r in rows), strict=True))
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns)), table


def fix_marks(line: str) -> tuple[str, int]:
    """Converter punctuation (〔一〕, 〝…〞, small-form commas) to the marks a writer types."""
    check, table = _marks()
    if not check.search(line):
        return line, 0
    total = 0
    for pattern, replacement in table:
        line, n = pattern.subn(replacement, line)
        total += n
    return line, total


_HYPHEN = re.compile(rf"([{HAN}])[-‐‑－][ \t]*([{HAN}])")


@lru_cache(maxsize=1)
def _two_char_words() -> frozenset[str]:
    """Two-character words of jieba's dictionary: a PDF hyphen inside one of them is a line-end split."""
    import importlib.resources

    with importlib.resources.files("jieba").joinpath("dict.txt").open(encoding="utf-8") as fh:
        return frozenset(w for w in (row.split(" ", 1)[0] for row in fh) if len(w) == 2)


def fix_hyphenation(line: str) -> tuple[str, int]:
    """Re-join a word a PDF split with a hyphen (民-主 → 民主); a dash between two words stays."""
    if "-" not in line and "‐" not in line and "‑" not in line and "－" not in line:
        return line, 0
    words = _two_char_words()
    count = 0

    def join(m: re.Match[str]) -> str:
        nonlocal count
        if m[1] + m[2] in words:
            count += 1
            return m[1] + m[2]
        return m[0]

    return _HYPHEN.sub(join, line), count


# Characters a GBK or UTF-8 byte run becomes when read as Latin-1 / Windows-1252: the Latin-1
# supplement and the 27 marks cp1252 puts in 0x80-0x9F.
_CP1252_HIGH = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJIBAKE = re.compile(f"[\u0080-\u00ff{_CP1252_HIGH}]{{2,}}")
_MOJIBAKE_HAN = re.compile(f"[{HAN}]")


def _redecode(run: str) -> str | None:
    """The Chinese text a mojibake run was, when re-encoding it gives it back without doubt."""
    from pipeline.ingest.decoding import common_chars

    common = common_chars()
    for single in ("latin-1", "cp1252"):
        try:
            data = run.encode(single)
        except UnicodeEncodeError:
            continue
        for legacy in ("utf-8", "gbk"):
            try:
                text = data.decode(legacy)
            except UnicodeDecodeError:
                continue
            han = _MOJIBAKE_HAN.findall(text)
            if han and len(han) >= len(text) * 0.8 and sum(c in common for c in han) >= len(han) * 0.9:
                return text
    return None


def repair_mojibake(line: str) -> tuple[str, int]:
    """Re-decode a run of Latin-1 look-alikes inside Chinese text (ÎÒÃÇ → 我们) when it is reversible.

    Only runs next to Chinese text are tried, so a French or German word in a report stays.
    """
    if not _MOJIBAKE.search(line):
        return line, 0
    count = 0

    def fix(m: re.Match[str]) -> str:
        nonlocal count
        run = m[0]
        # A no-break space at a run's edge is usually the page's own (it becomes a plain space later),
        # so the run is tried without it too: repairing only after that would not be idempotent.
        core = run.strip("\xa0")
        lead = len(run) - len(run.lstrip("\xa0"))
        head, tail = run[:lead], run[lead + len(core) :]
        text = _redecode(run)
        if text is None and core and core != run:
            text = _redecode(core)
            if text is not None:
                text = head + text + tail
        if text is None:
            return run
        count += 1
        return text

    return _MOJIBAKE.sub(fix, line), count


def mojibake_spans(text: str) -> list[tuple[int, int]]:
    """Runs that still look like a wrong code page after repair: the characters there are not the writer's."""
    return [
        (m.start(), m.end())
        for m in _MOJIBAKE.finditer(text)
        if _MOJIBAKE_HAN.search(text[max(0, m.start() - 2) : m.end() + 2])
    ]


def lost_spans(text: str) -> list[tuple[int, int]]:
    """?? / U+FFFD runs: characters lost to a wrong decoding upstream."""
    return [(m.start(), m.end()) for m in _LOST.finditer(text)]


def lost_characters(line: str) -> int:
    """How many runs of lost characters (``??``, U+FFFD) a line holds."""
    return len(_LOST.findall(line))


STEPS = (
    ("mojibake_repaired", repair_mojibake),
    ("width", fix_width),
    ("pinyin_removed", remove_pinyin),
    ("converter_marks", fix_marks),
    ("hyphenation", fix_hyphenation),
    ("spaces_removed", fix_spaces),
    ("punctuation", fix_punctuation),
)


def normalise_text(text: str, counts: Counter[str], examples: dict[str, str]) -> str:
    """Apply every repair to a text of one or more lines (line count is kept), counting repairs by kind.

    Working on the whole text at once is several times faster than line by line; no step crosses a
    line break. ``examples`` keeps, per kind, the first line that the step changed.
    """
    steps = STEPS
    for _ in range(4):  # a mark made Chinese can leave a space next to it to remove, and so on
        changed = False
        for kind, step in steps:
            fixed, n = step(text)
            if n:
                changed = True
                counts[kind] += n
                if kind not in examples:
                    for a, b in zip(text.split("\n"), fixed.split("\n"), strict=True):
                        if a != b:
                            examples[kind] = a.strip()[:40]
                            break
            text = fixed
        if not changed:
            break
        steps = STEPS[5:]  # code pages, widths, pinyin, marks and hyphens are not re-created later
    return text


def normalise_line(line: str, counts: Counter[str], examples: dict[str, str]) -> str:
    """One line's repairs (see ``normalise_text``)."""
    return normalise_text(line.replace("\n", " "), counts, examples).strip()
