"""Decoded text → Document: convert, repair, drop boilerplate, re-join broken sentences.

The order matters: conversion first (the patterns are written in simplified characters), then in-line
repairs (so patterns see consistent widths and punctuation), then line decisions, then re-joining
(which needs to know where lines were removed).
"""

from __future__ import annotations

import re
from collections import Counter

from pipeline.document import Document, RemovedLine, Repair
from pipeline.ingest import boilerplate, line_model
from pipeline.ingest.convert import is_traditional, to_simplified
from pipeline.ingest.normalize import (
    lost_characters,
    lost_spans,
    mojibake_spans,
    normalise_line,
    normalise_text,
    remove_pinyin,
)
from pipeline.settings import Settings
from pipeline.text import TITLE_END, ends_sentence, is_heading, is_list_item

MAX_PASSES = 3
_PLACEHOLDER = re.compile(r"[X×]{2,}|(?<![A-Za-z])[Xx](?![A-Za-z])|x{2,}(?![A-Za-z])")
# Removed lines that can sit inside a sentence (cut by a page break or a dropped-in watermark);
# a byline or a breadcrumb between two lines does not make them one sentence.
GAP_REASONS = frozenset(
    {
        "watermark",
        "page_footer",
        "pdf_page_furniture",
        "running_header",
        "url",
        "email",
        "contact",
        "symbols",
        "timestamp",
        "caption",
        "duplicate_title",  # the title repeated at the top of every page
    }
)
# A heading line longer than this carries its paragraph on the same line and may be cut like one.
HEADING_MAX = 30
_CONTINUES = tuple("，、。；：）”’》,;:)")
_OPEN_ENDS = ("，", "、", ",")
_ASCII_WORD_END = re.compile(r"[A-Za-z0-9]$")
_ASCII_WORD_START = re.compile(r"^[A-Za-z0-9]")
_SPLIT_WORD = re.compile(r"[\u4e00-\u9fff][-‐‑－]$")
_HAN_START = re.compile(r"[\u4e00-\u9fff]")


def clean_text(
    raw: str,
    path: str = "<text>",
    *,
    encoding: str | None = None,
    settings: Settings | None = None,
    forced: dict[int, str] | None = None,
    meta: dict | None = None,
) -> Document:
    """Clean decoded text. ``forced`` maps 1-based original lines to a removal reason (PDF furniture).

    One pass decides every line; joining lines can make a new line that a rule would now treat
    differently (two halves that together look like a breadcrumb), so passes repeat on their own
    output until it is stable (two in practice, three at most). That makes cleaning idempotent.
    """
    settings = settings or Settings()
    original = raw.splitlines()
    lines = list(original)

    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    # Pinyin goes before conversion: OpenCC picks a character by its phrase (頭髮 → 头发, 乾淨 → 干净),
    # and an annotation between the two characters of a phrase hides the phrase from it.
    unpinyined, n_pinyin = remove_pinyin("\n".join(lines))
    if n_pinyin:
        counts["pinyin_removed"] += n_pinyin
        examples["pinyin_removed"] = next(
            a for a, b in zip(lines, unpinyined.split("\n"), strict=True) if a != b
        ).strip()[:40]
        lines = unpinyined.split("\n")

    converted_from = None
    if is_traditional("\n".join(lines), settings.ingest.traditional_ratio):
        before = lines
        lines = to_simplified("\n".join(lines)).split("\n")
        if len(lines) != len(before):  # conversion never adds line breaks; be safe anyway
            lines = [to_simplified(s) for s in before]
        converted_from = "traditional"

    hints: list[str] = []
    paragraphs, removed_at, joined = _pass(lines, settings, forced or {}, counts, examples, hints)
    removed = [RemovedLine(line=i, text=original[i - 1].strip(), reason=r) for i, r in removed_at]
    for _ in range(MAX_PASSES - 1):
        if not removed_at and not joined:
            break  # nothing removed or joined: another pass would see the same lines
        texts = [t for t, _ in paragraphs]
        again, removed_again, joined = _pass(texts, settings, {}, Counter(), {}, hints)
        if [t for t, _ in again] == texts:
            break
        origin = [nos for _, nos in paragraphs]  # pass-2 line k came from these original lines
        removed += [RemovedLine(line=origin[k - 1][0], text=texts[k - 1], reason=r) for k, r in removed_again]
        paragraphs = [(t, [n for k in nos for n in origin[k - 1]]) for t, nos in again]
        removed_at = removed_again
    removed.sort(key=lambda r: r.line)

    if (
        converted_from is None
        and paragraphs
        and is_traditional("\n".join(t for t, _ in paragraphs), settings.ingest.traditional_ratio)
    ):
        # Boilerplate removal can leave a traditional core that the whole file's ratio hid.
        paragraphs = [(to_simplified(t), nos) for t, nos in paragraphs]
        converted_from = "traditional"

    text_parts: list[str] = []
    segments: list[tuple[int, int]] = []
    offset = 0
    for text, line_nos in paragraphs:
        segments.append((offset, line_nos[0]))
        text_parts.append(text)
        offset += len(text) + 1
    text = "\n".join(text_parts)

    warnings = _lost_character_warnings(paragraphs)
    garbled = mojibake_spans(text)
    if garbled:
        shown = ", ".join(repr(text[a:b][:12]) for a, b in garbled[:5])
        warnings.append(
            f"characters in a wrong code page that could not be re-decoded: {shown} (marked unreliable)"
        )
    unreliable = tuple(sorted(set(lost_spans(text)) | set(garbled)))
    repairs = tuple(
        Repair(kind=k, detail=f"{counts[k]} × (e.g. {examples[k]!r})") for k in sorted(counts) if counts[k]
    )
    return Document(
        path=path,
        text=text,
        encoding=encoding,
        removed=tuple(removed),
        converted_from=converted_from,
        repairs=repairs,
        warnings=tuple(warnings),
        source_hints=tuple(dict.fromkeys(hints)),
        segments=tuple(segments),
        placeholders=tuple((m.start(), m.end()) for m in _PLACEHOLDER.finditer(text)),
        unreliable=unreliable,
        meta=dict(meta or {}),
    )


def _pass(
    lines: list[str],
    settings: Settings,
    forced: dict[int, str],
    counts: Counter[str],
    examples: dict[str, str],
    hints: list[str],
) -> tuple[list[tuple[str, list[int]]], list[tuple[int, str]], int]:
    """One cleaning pass: repair lines, decide each, re-join.

    Returns the paragraphs (text, original line numbers), the removed (line, reason) and how many
    lines were joined.
    """
    if not lines:
        return [], [], 0
    norm, reasons = decide(lines, settings, forced, counts, examples, hints)
    removed = [(i + 1, r) for i, r in enumerate(reasons) if r is not None and (norm[i] or r == "invisible")]

    paragraphs, joined = _rejoin(norm, reasons, settings.ingest.rejoin_min_chars)
    if joined:
        counts["rejoined"] += len(joined)
        examples.setdefault("rejoined", f"line {joined[0]}")
        # Joining puts characters next to each other that were apart (持续 + (xù)): repair again.
        paragraphs = [
            (normalise_line(text, counts, examples), nos) if len(nos) > 1 else (text, nos)
            for text, nos in paragraphs
        ]
    return [(t, nos) for t, nos in paragraphs if t], removed, len(joined)


def decide(
    lines: list[str],
    settings: Settings,
    forced: dict[int, str],
    counts: Counter[str],
    examples: dict[str, str],
    hints: list[str],
    model: bool = True,
) -> tuple[list[str], list[str | None]]:
    """The repaired lines and a removal reason (or None) for each: rules first, then the line model
    on what they keep (``model=False`` gives the rules alone, which the model is trained on)."""
    norm: list[str] = []
    for line in normalise_text("\n".join(lines), counts, examples).split("\n"):
        fixed, hint = boilerplate.strip_inline_watermark(line.strip())
        if hint:
            counts["inline_watermark"] += 1
            examples.setdefault("inline_watermark", hint)
            hints.append(hint)
        norm.append(fixed)

    reasons, found = boilerplate.classify(norm, boilerplate.load_rules(settings), raw=lines)
    hints.extend(found)
    for line_no, reason in forced.items():
        if 1 <= line_no <= len(norm):
            reasons[line_no - 1] = reason
    for i, line in enumerate(norm):
        if not line and lines[i].strip():
            reasons[i] = "invisible"  # only zero-width or odd spaces: nothing a reader can see
    if model:
        line_model.apply(norm, lines, reasons, settings.model_dir)
    return norm, reasons


def _rejoin(
    norm: list[str], reasons: list[str | None], min_chars: int
) -> tuple[list[tuple[str, list[int]]], list[int]]:
    """Kept lines as paragraphs, joining a line to the one before when it continues its sentence.

    A line continues the previous one when the previous one does not end a sentence, neither is a
    heading, a list item or the title, and either a line was removed between them (a watermark or a
    page footer), or the next line starts with continuing punctuation, or the previous line is long
    enough to have been cut by a page width. Blank lines do not count: the decision must be the same
    on the output, whose paragraphs are separated by single newlines (idempotence).
    """
    # A paragraph grows as a list of parts; decisions look only at its last part and its length, so
    # joining n lines costs O(n), not O(n^2) (a file of lines without final punctuation joins them all).
    paragraphs: list[_Para] = []
    joined: list[int] = []
    removed_since = False
    for i, line in enumerate(norm):
        if reasons[i] is not None:
            removed_since = removed_since or (bool(line) and reasons[i] in GAP_REASONS)
            continue
        if not line:
            continue
        if paragraphs and _continues(paragraphs, line, removed_since, min_chars):
            paragraphs[-1].add(line, i + 1)
            joined.append(i + 1)
        else:
            paragraphs.append(_Para(line, i + 1))
        removed_since = False
    return [(p.text(), p.lines) for p in paragraphs], joined


class _Para:
    """A paragraph being joined: its parts, original line numbers, length and whether it has a TAB."""

    __slots__ = ("has_tab", "length", "lines", "parts")

    def __init__(self, line: str, line_no: int) -> None:
        self.parts = [line]
        self.lines = [line_no]
        self.length = len(line)
        self.has_tab = "\t" in line

    def add(self, line: str, line_no: int) -> None:
        if _ASCII_WORD_END.search(self.parts[-1][-1:]) and _ASCII_WORD_START.search(line):
            self.parts.append(" ")
            self.length += 1
        self.parts.append(line)
        self.lines.append(line_no)
        self.length += len(line)
        self.has_tab = self.has_tab or "\t" in line

    def tail(self, n: int = 80) -> str:
        """The last ``n`` characters (enough for every end-of-paragraph test)."""
        out = ""
        for part in reversed(self.parts):
            out = part + out
            if len(out) >= n:
                return out[-n:]
        return out

    def text(self) -> str:
        return "".join(self.parts)


def _continues(paragraphs: list[_Para], line: str, removed_between: bool, min_chars: int) -> bool:
    para = paragraphs[-1]
    first_line_only = len(paragraphs) == 1 and len(para.lines) == 1
    if first_line_only and para.length <= 24:
        prev = para.parts[0]
        if not ends_sentence(prev) and TITLE_END.search(line) and para.length + len(line) <= 70:
            return True  # a title set on two lines: "XX医院党委书记" / "2023年度…述职报告"
    if first_line_only and para.length <= 40 and not line.startswith(_CONTINUES):
        return False  # the first line is the title
    tail = para.tail()
    if para.length <= 60 and TITLE_END.search(tail):
        return False
    if ends_sentence(tail) or para.has_tab or (para.length <= HEADING_MAX and is_heading(tail)):
        return False
    if _SPLIT_WORD.search(tail) and _HAN_START.match(line):
        return True  # 民- / 主集中制: a PDF hyphenated the word at the line's end
    if is_heading(line) or is_list_item(line):
        return False
    return (
        removed_between
        or line.startswith(_CONTINUES)
        or tail.endswith(_OPEN_ENDS)
        or para.length >= min_chars
    )


def _lost_character_warnings(paragraphs: list[tuple[str, list[int]]]) -> list[str]:
    lines = [nos[0] for text, nos in paragraphs if lost_characters(text)]
    if not lines:
        return []
    shown = ", ".join(str(n) for n in lines[:20]) + (" …" if len(lines) > 20 else "")
    return [f"lost characters (?? or U+FFFD, a wrong decoding upstream) on lines {shown}"]
