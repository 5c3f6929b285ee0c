"""A collection page (…精选6篇, 篇1, 篇2 …) → one Document per piece.

Each piece is one text for the reviewers, so it is cleaned and analysed on its own (cleaning the page
as one text would read the first piece's title as the page's and drop the wrapper as a masthead). The
page's wrapper (its title, the lead above the first piece) is part of no piece: it becomes a source
hint, which the report turns into the ``template_site`` flag. Markers must count 1, 2, 3 … in order and
there must be two of them, so a report that mentions 篇 in passing is never split.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from pipeline.document import Document, RemovedLine
from pipeline.lexicons import compile_patterns, read_groups
from pipeline.settings import Settings
from pipeline.text import ends_sentence

_NUMERALS = {c: i for i, c in enumerate("一二三四五六七八九", 1)}
MARKER_MAX = 70


@dataclass(frozen=True)
class Piece:
    """One piece of a collection page: its 1-based first line in the page and its raw lines."""

    number: int
    first_line: int
    lines: tuple[str, ...]
    marker: str  # the marker line as the page has it


@lru_cache(maxsize=8)
def _rules(lexicon_dir: str, extra: tuple[str, ...]) -> tuple[tuple[re.Pattern[str], ...], re.Pattern[str]]:
    groups = read_groups("collection.txt", Settings(lexicon_dir=lexicon_dir, extra_lexicon_dirs=extra))
    markers = tuple(compile_patterns("collection.txt", "piece_marker", groups["piece_marker"]))
    wrapper = compile_patterns("collection.txt", "wrapper_title", groups["wrapper_title"])
    return markers, re.compile("|".join(f"(?:{p.pattern})" for p in wrapper))


def ordinal(text: str) -> int:
    """篇三 → 3, 十二 → 12, 12 → 12 (0 when it is not a number)."""
    if text.isdigit():
        return int(text)
    tens, _, ones = text.rpartition("十")
    if "十" not in text:
        return _NUMERALS.get(text, 0) if len(text) == 1 else 0
    return 10 * (_NUMERALS.get(tens, 0) if tens else 1) + (_NUMERALS.get(ones, 0) if ones else 0)


def _marker(line: str, patterns: tuple[re.Pattern[str], ...]) -> tuple[int, str] | None:
    """(ordinal, title on the same line) when ``line`` opens a piece."""
    from pipeline.ingest.normalize import normalise_line

    if len(line) > MARKER_MAX or not line.strip():
        return None
    clean = normalise_line(line, Counter(), {})
    for p in patterns:
        m = p.fullmatch(clean)
        if m is None:
            continue
        title = (m.group("title") or "").strip()
        if title and ends_sentence(title):
            return None  # 篇一 followed by a sentence is body text, not a marker
        return ordinal(m.group("n")), title
    return None


def split_collection(raw: str, settings: Settings | None = None) -> tuple[list[str], list[Piece]]:
    """(wrapper lines, pieces) of a collection page; no pieces when it is not one.

    A marker line with a title after it (【篇二】XX述职报告) gives its title to the piece; a bare marker
    (篇1) gives an empty first line, so line numbers stay those of the page.
    """
    settings = settings or Settings()
    patterns, _ = _rules(settings.lexicon_dir, settings.extra_lexicon_dirs)
    lines = raw.splitlines()
    found: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        if len(line) <= MARKER_MAX and ("篇" in line or "范文" in line or "材料" in line or "例文" in line):
            m = _marker(line, patterns)
            if m is not None and m[0] == len(found) + 1:
                found.append((i, m[1]))
    if len(found) < 2:
        return lines, []
    bounds = [i for i, _ in found] + [len(lines)]
    pieces = [
        Piece(n + 1, i + 1, (title, *lines[i + 1 : bounds[n + 1]]), lines[i].strip())
        for n, (i, title) in enumerate(found)
    ]
    return lines[: found[0][0]], pieces


def wrapper_title(wrapper: list[str], settings: Settings | None = None) -> str:
    """The wrapper line that names the collection (…精选6篇), else its first non-blank line."""
    settings = settings or Settings()
    _, wrapper_re = _rules(settings.lexicon_dir, settings.extra_lexicon_dirs)
    texts = [w.strip() for w in wrapper if w.strip()]
    return next((t for t in texts if len(t) <= 90 and wrapper_re.fullmatch(t)), texts[0] if texts else "")


def piece_document(doc: Document, piece: Piece, of: int, wrapper: str, wrapper_lines: list[str]) -> Document:
    """A piece cleaned on its own → its Document named PATH#k, line numbers those of the page."""
    shift = piece.first_line - 1
    removed = [RemovedLine(r.line + shift, r.text, r.reason) for r in doc.removed]
    if not piece.lines[0]:
        removed.append(RemovedLine(piece.first_line, piece.marker, "collection_marker"))
    removed += [
        RemovedLine(k, text.strip(), "collection_wrapper")
        for k, text in enumerate(wrapper_lines, 1)
        if text.strip()
    ]
    hint = f"合集页：{wrapper[:40]}" if wrapper else "合集页"
    return replace(
        doc,
        path=f"{doc.path}#{piece.number}",
        removed=tuple(sorted(removed, key=lambda r: r.line)),
        segments=tuple((offset, line + shift) for offset, line in doc.segments),
        source_hints=tuple(dict.fromkeys((*doc.source_hints, hint))),
        meta={**doc.meta, "collection": {"piece": piece.number, "of": of, "wrapper": wrapper}},
    )
