"""Stage "normalise": the text copy detection compares, with a map back to the clean text.

Laundered substitutions are undone (效劳 → 服务 …) and masks filled (D建 → 党建, ZZ → 政治) so a
laundered or masked copy matches its source;
punctuation and spaces are dropped (re-punctuating must not hide a copy); redaction placeholders
collapse to one ``X``; stock pieces (titles, the opening formula, headings, formulations) are marked
so they never count as evidence. ``pos[i]`` is the clean-text offset of normalised character ``i``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pipeline.analyzers.spelling import masks
from pipeline.analyzers.typos import lexicon as typo_lexicon
from pipeline.lexicons import compile_patterns, read_groups, read_table
from pipeline.settings import Settings

# Part of every fingerprint's identity: change it when normalisation changes.
NORMALISATION_VERSION = 2
_KEEP = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]")
_PLACEHOLDER = re.compile(r"[X×xＸ]{2,}|(?<![A-Za-z])[Xx](?![A-Za-z])")


@dataclass(frozen=True)
class Normalised:
    """Normalised text, its map to clean offsets, and which characters are stock."""

    text: str
    pos: np.ndarray  # int32, len(text)
    stock: np.ndarray  # bool, len(text)
    clean_len: int


@lru_cache(maxsize=4)
def _stock_patterns(lexicon_dir: str, extra: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    settings = Settings(lexicon_dir=lexicon_dir, extra_lexicon_dirs=extra)
    patterns: list[re.Pattern[str]] = []
    for group, entries in read_groups("stock_phrases.txt", settings).items():
        patterns += compile_patterns("stock_phrases.txt", group, entries)
    words: set[str] = set()
    for name, members in read_table("formulations.txt", settings, 2):
        words.add(name)
        words.update(m.strip() for m in members.split("、") if len(m.strip()) >= 2)
    if words:
        patterns.append(re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True)))))
    return tuple(patterns)


def _unlaunder(text: str, settings: Settings) -> tuple[str, Sequence[int]]:
    """Replace laundered forms and masks by their originals; returns the text and, per char, its
    source offset."""
    lex = typo_lexicon(settings.lexicon_dir, settings.extra_lexicon_dirs)
    edits: dict[int, tuple[int, str]] = {}
    for form, original, pattern in lex.laundered:
        if form not in text:  # a substring test is far cheaper than the context regex
            continue
        for m in pattern.finditer(text):
            s = text.find(form, m.start(), m.end())
            if s >= 0:
                edits.setdefault(s, (len(form), original))
    for mask in masks(text, lex.masked):
        edits.setdefault(mask.start, (mask.end - mask.start, mask.original))
    if not edits:
        return text, range(len(text))
    out: list[str] = []
    src: list[int] = []
    i = 0
    for s in sorted(edits):
        if s < i:
            continue
        out.append(text[i:s])
        src.extend(range(i, s))
        length, original = edits[s]
        out.append(original)
        src.extend(min(s + k, s + length - 1) for k in range(len(original)))
        i = s + length
    out.append(text[i:])
    src.extend(range(i, len(text)))
    return "".join(out), src


def normalise(clean: str, settings: Settings | None = None, own_names: tuple[str, ...] = ()) -> Normalised:
    """``own_names``: the report's unit (and author) names, marked like stock: every report of a
    unit repeats its own name, which says nothing about copying."""
    settings = settings or Settings()
    text, src = _unlaunder(clean, settings)
    stock_clean = np.zeros(len(clean) + 1, dtype=bool)
    for pattern in _stock_patterns(settings.lexicon_dir, settings.extra_lexicon_dirs):
        for m in pattern.finditer(clean):
            stock_clean[m.start() : m.end()] = True
    for name in own_names:
        if name and len(name) >= 2:
            start = clean.find(name)
            while start >= 0:
                stock_clean[start : start + len(name)] = True
                start = clean.find(name, start + 1)
    # Vectorised over code points: keep Han, Latin letters and digits; a placeholder run keeps one X.
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).copy()
    keep = (
        ((codes >= 0x4E00) & (codes <= 0x9FFF))
        | ((codes >= 0x3400) & (codes <= 0x4DBF))
        | ((codes >= 0xF900) & (codes <= 0xFAFF))
        | ((codes >= 0x30) & (codes <= 0x39))
        | ((codes >= 0x41) & (codes <= 0x5A))
        | ((codes >= 0x61) & (codes <= 0x7A))
    )
    upper = (codes >= 0x41) & (codes <= 0x5A)
    codes[upper] += 32
    for m in _PLACEHOLDER.finditer(text):
        keep[m.start() + 1 : m.end()] = False
        codes[m.start()] = ord("X")
    src_arr = np.asarray(src, dtype=np.int32)
    pos_arr = src_arr[keep]
    norm_text = codes[keep].tobytes().decode("utf-32-le")
    stock = stock_clean[pos_arr] if len(pos_arr) else np.zeros(0, dtype=bool)
    return Normalised(norm_text, pos_arr, stock, len(clean))
