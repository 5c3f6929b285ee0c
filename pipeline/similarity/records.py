"""What copy detection takes and gives: one ``Item`` per report, ``Pair``s of reports with their
shared ``Passage``s, and the ``Result`` of a run (pairs, copy rings, stage statistics)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Item", "Pair", "Passage", "Result"]


@dataclass(frozen=True)
class Item:
    """One report as copy detection sees it."""

    key: str  # the path shown to users
    text: str  # clean text
    unit: str | None = None
    year: int | None = None
    typos: tuple[tuple[str, int, int], ...] = ()  # (text, start, end) of typos and laundered words
    reference: bool = False  # a known model text (范文), not a submitted report


@dataclass(frozen=True)
class Passage:
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    text: str
    rare: int

    def to_json(self) -> dict[str, Any]:
        return {
            "a_start": self.a_start,
            "a_end": self.a_end,
            "b_start": self.b_start,
            "b_end": self.b_end,
            "text": self.text,
        }


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    kind: str  # copy | repeats_last_year | template_site
    similarity: float
    copy_ratio_a: float
    copy_ratio_b: float
    passages: tuple[Passage, ...]
    shared_typos: tuple[str, ...]

    @property
    def evidence(self) -> int:
        """Strength of evidence: rare shared fingerprints, with each shared typo worth ten."""
        return sum(p.rare for p in self.passages) + 10 * len(self.shared_typos)

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "similarity": round(self.similarity, 4),
            "copy_ratio_a": round(self.copy_ratio_a, 4),
            "copy_ratio_b": round(self.copy_ratio_b, 4),
            "passages": [p.to_json() for p in self.passages],
            "shared_typos": list(self.shared_typos),
        }


@dataclass
class Result:
    pairs: list[Pair]
    clusters: list[list[str]]
    stats: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"pairs": [p.to_json() for p in self.pairs], "clusters": self.clusters}
