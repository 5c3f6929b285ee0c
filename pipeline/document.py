"""The Document: clean simplified text plus everything ingestion did to get there.

Every later stage points into ``Document.text`` with (start, end) character offsets; ``line_of`` maps
an offset back to the line of the decoded original, so a reviewer can find the evidence in the file
that was submitted.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RemovedLine:
    """A line of the original that ingestion dropped, and why."""

    line: int  # 1-based, in the decoded original
    text: str
    reason: str


@dataclass(frozen=True)
class Repair:
    """Something ingestion changed inside kept text (a count per kind, with an example)."""

    kind: str
    detail: str


@dataclass(frozen=True)
class Document:
    """A submitted file after ingestion.

    Attributes:
        path: the file as given.
        text: clean simplified text, one paragraph per line.
        encoding: the decoding that won (``utf-8``, ``gb18030`` …) or the container format.
        removed: lines dropped as boilerplate, with reasons.
        converted_from: ``"traditional"`` when OpenCC converted the text, else None.
        repairs: in-line repairs (spaces, widths, pinyin, rejoined sentences …).
        warnings: things a reviewer should know (lost characters …), each naming original lines.
        source_hints: template or download sites named by watermarks and wrappers.
        segments: (clean offset, original line) for each kept line, in order.
        placeholders: (start, end) spans of redaction placeholders such as XX.
        unreliable: (start, end) spans whose characters a machine guessed (OCR below its confidence
            threshold, characters lost to a wrong decoding): never the writer's typos.
        meta: reader-specific facts (page count, table count …).
    """

    path: str
    text: str
    encoding: str | None = None
    removed: tuple[RemovedLine, ...] = ()
    converted_from: str | None = None
    repairs: tuple[Repair, ...] = ()
    warnings: tuple[str, ...] = ()
    source_hints: tuple[str, ...] = ()
    segments: tuple[tuple[int, int], ...] = ()
    placeholders: tuple[tuple[int, int], ...] = ()
    unreliable: tuple[tuple[int, int], ...] = ()
    meta: dict[str, Any] = field(default_factory=dict, compare=False)

    def line_of(self, offset: int) -> int | None:
        """The original line number that holds clean-text ``offset`` (None when unknown)."""
        if not self.segments:
            return None
        starts = [s for s, _ in self.segments]
        i = bisect.bisect_right(starts, offset) - 1
        return self.segments[max(i, 0)][1]

    def to_clean_json(self) -> dict[str, Any]:
        """The ``shuzhi clean --json`` object of the contract."""
        ocr = self.meta.get("source") == "ocr"
        return {
            "text": self.text,
            "removed": [{"line": r.line, "text": r.text, "reason": r.reason} for r in self.removed],
            "converted_from": self.converted_from,
            "repairs": [{"kind": r.kind, "detail": r.detail} for r in self.repairs],
            "warnings": list(self.warnings),
            "source_hints": list(self.source_hints),
            # Text read from an image: the engine's mean confidence, per line, and the guessed spans.
            "source": "ocr" if ocr else "text",
            "ocr_confidence": self.meta.get("ocr_confidence") if ocr else None,
            "ocr_lines": [
                {"line": int(n), "confidence": c} for n, c in sorted(self.meta.get("ocr_lines", {}).items())
            ],
            "unreliable": [[s, e] for s, e in self.unreliable],
        }
