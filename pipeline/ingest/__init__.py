"""Ingestion: any submitted file → a Document of clean simplified text.

``load(path)`` is the one entry point for files, ``load_bytes(data, name)`` for uploads and
``clean_text(text)`` for text already in memory. Stages: read (by format) → decode → convert
traditional → repair lines → drop boilerplate → re-join broken sentences.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from pipeline.document import Document
from pipeline.ingest.clean import clean_text
from pipeline.ingest.readers import SUPPORTED, read_bytes, read_path
from pipeline.settings import Settings

__all__ = ["SUPPORTED", "clean_text", "load", "load_bytes", "load_pieces"]


def load(path: str | os.PathLike[str], settings: Settings | None = None) -> Document:
    """Read and clean one file. Raises IngestError with a one-line reason."""
    settings = settings or Settings()
    raw = read_path(Path(path), settings)
    doc = clean_text(
        raw.text, str(path), encoding=raw.encoding, settings=settings, forced=raw.forced, meta=raw.meta
    )
    return _mark_unreliable(doc, raw.text)


def load_bytes(data: bytes, name: str, settings: Settings | None = None) -> Document:
    """Read and clean an in-memory file (an upload)."""
    settings = settings or Settings()
    raw = read_bytes(data, name, settings)
    doc = clean_text(
        raw.text, name, encoding=raw.encoding, settings=settings, forced=raw.forced, meta=raw.meta
    )
    return _mark_unreliable(doc, raw.text)


def _mark_unreliable(doc: Document, raw: str) -> Document:
    """Carry OCR's low-confidence characters over to spans of the clean text (``Document.unreliable``).

    Cleaning keeps a kept line's characters in order (it joins lines and repairs widths), so each
    unreliable run is looked for, with a little of its left context, from where the last one was
    found; a run that cleaning changed beyond recognition marks its whole clean paragraph instead.
    """
    low = doc.meta.get("ocr_low")
    if not low:
        return doc
    from collections import Counter

    from pipeline.ingest.normalize import normalise_text

    def normalise_line(s: str) -> str:
        return normalise_text(s, Counter(), {})

    lines = raw.split("\n")
    spans: list[tuple[int, int]] = []
    cursor = 0
    text = doc.text
    for line_no in sorted(low):
        line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
        for a, b in low[line_no]:
            run = normalise_line(line[a:b]).strip()
            if not run:
                continue
            ctx = normalise_line(line[max(0, a - 6) : a]).lstrip()
            at = text.find(ctx + run, cursor) if ctx else -1
            if at >= 0:
                at += len(ctx)
            else:
                at = text.find(run, cursor)
            if at >= 0:
                spans.append((at, at + len(run)))
                cursor = at + len(run)
                continue
            start = next((s for s, n in reversed(doc.segments) if n <= line_no), None)
            if start is not None:
                end = text.find("\n", start)
                spans.append((start, len(text) if end < 0 else end))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return dataclasses.replace(doc, unreliable=tuple(merged))


def load_pieces(path: str | os.PathLike[str], settings: Settings | None = None) -> list[Document]:
    """Read a file as the texts it holds: one Document, or one per piece of a collection page
    (named PATH#1, PATH#2 …, each cleaned on its own, the page's wrapper a source hint)."""
    from pipeline.ingest.collection import piece_document, split_collection, wrapper_title

    settings = settings or Settings()
    raw = read_path(Path(path), settings)
    wrapper, pieces = split_collection(raw.text, settings)
    if not pieces:
        return [
            clean_text(
                raw.text,
                str(path),
                encoding=raw.encoding,
                settings=settings,
                forced=raw.forced,
                meta=raw.meta,
            )
        ]
    title = wrapper_title(wrapper, settings)
    docs = []
    for piece in pieces:
        forced = {n - piece.first_line + 1: r for n, r in raw.forced.items() if n >= piece.first_line}
        doc = clean_text(
            "\n".join(piece.lines),
            str(path),
            encoding=raw.encoding,
            settings=settings,
            forced=forced,
            meta=raw.meta,
        )
        docs.append(piece_document(doc, piece, len(pieces), title, wrapper))
    return docs
