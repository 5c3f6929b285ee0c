"""``ReportResult``: one report's review, the one typed record from analyzer to dashboard.

``report.analyze_document`` builds it from the analyzers' results; batch stores its JSON; a rescore
reads it back with ``from_json`` and adds corpus evidence with ``with_corpus``; export, letters and
the dashboard read what was stored. The score and the final flags are never stored on their own:
they are worked out in ``__post_init__`` by ``scoring.score`` from the text's own flags, the corpus
flags and the counts in the record, so a record cannot carry a stale verdict.

The analyzers' parts (``genre``, ``first_person``, ``balance``, ``sections``) are kept as the
JSON objects of docs/contract.md: each is owned and typed by its analyzer's ``to_json``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pipeline import scoring
from pipeline.analyzers.typos import Typo
from pipeline.findings import Finding

# The keys of ``shuzhi analyze --json`` (docs/contract.md); a stored record adds the text's own verdict.
CONTRACT_KEYS = (
    "path",
    "id",
    "unit",
    "year",
    "chars",
    "genre",
    "first_person",
    "balance",
    "sections",
    "typos",
    "score",
    "flags",
    "findings",
)
PARTS = ("genre", "first_person", "balance", "sections")


def _own(part: Mapping[str, Any]) -> dict[str, Any]:
    """A record's own deep copy of a part (plain dicts, so the record pickles for worker pools)."""
    return _thaw(part)


@dataclass(frozen=True)
class ReportResult:
    """One report's review. ``text_flags``: raised by its own text; ``corpus_flags``: by evidence
    across the corpus (copies, its own earlier report, last year's problems left unanswered)."""

    path: str
    id: str
    unit: str | None
    year: int | None
    chars: int
    genre: Mapping[str, Any]
    first_person: Mapping[str, Any]
    balance: Mapping[str, Any]
    sections: Mapping[str, Any]
    typos: tuple[Typo, ...]
    findings: tuple[Finding, ...]
    text_flags: tuple[str, ...]
    corpus_flags: tuple[str, ...] = ()
    score: float = field(init=False)
    flags: tuple[str, ...] = field(init=False)
    text_score: float = field(init=False)

    def __post_init__(self) -> None:
        for name in PARTS:
            object.__setattr__(self, name, _own(getattr(self, name)))
        object.__setattr__(self, "text_flags", tuple(sorted(set(self.text_flags))))
        object.__setattr__(self, "corpus_flags", tuple(sorted(set(self.corpus_flags) - set(self.text_flags))))
        own = self.verdict(())
        card = self.verdict(self.corpus_flags)
        object.__setattr__(self, "text_flags", own.flags)  # a non-report keeps no report-only flag
        object.__setattr__(self, "text_score", own.score)
        object.__setattr__(self, "score", card.score)
        object.__setattr__(self, "flags", card.flags)

    # -- the verdict --------------------------------------------------------------------------
    @property
    def typo_count(self) -> int:
        """Misspellings proper (laundered, masked and formulation findings are not typos)."""
        return sum(1 for t in self.typos if t.kind == "typo")

    @property
    def unanswered(self) -> int:
        """Problems the measures part does not answer."""
        return sum(1 for f in self.findings if f.kind == "unanswered_problem")

    def verdict(self, corpus_flags: Iterable[str]) -> scoring.Scorecard:
        """The score and flags of this report with ``corpus_flags`` added to its own: the one place
        where a reviewer-visible score is worked out."""
        return scoring.score(
            set(self.text_flags) | set(corpus_flags),
            missing_parts=len(self.sections["missing"]),
            typos=self.typo_count,
            unanswered=self.unanswered,
        )

    def with_corpus(self, corpus_flags: Iterable[str]) -> ReportResult:
        """The same review with this corpus evidence (replacing what was there before, so a flag
        whose evidence is gone leaves)."""
        return dataclasses.replace(self, corpus_flags=tuple(corpus_flags))

    def with_path(self, path: str) -> ReportResult:
        return dataclasses.replace(self, path=path)

    # -- JSON boundary ------------------------------------------------------------------------
    def to_json(self, stored: bool = False) -> dict[str, Any]:
        """The contract's ``analyze --json`` object; ``stored`` adds the text's own verdict
        (``text_flags``, ``text_score``) that a later rescore starts from."""
        out: dict[str, Any] = {
            "path": self.path,
            "id": self.id,
            "unit": self.unit,
            "year": self.year,
            "chars": self.chars,
            **{name: _thaw(getattr(self, name)) for name in PARTS},
            "typos": [t.to_json() for t in self.typos],
            "score": self.score,
            "flags": list(self.flags),
            "findings": [f.to_json() for f in self.findings],
        }
        if stored:
            out["text_flags"] = list(self.text_flags)
            out["text_score"] = self.text_score
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ReportResult:
        """A record from its JSON (the contract's object, or a stored one with its own verdict)."""
        missing = [k for k in CONTRACT_KEYS if k not in data]
        if missing:
            raise ValueError(f"not a report record: missing {', '.join(missing)}")
        text_flags = tuple(data.get("text_flags", data["flags"]))
        return cls(
            path=str(data["path"]),
            id=str(data["id"]),
            unit=data["unit"],
            year=data["year"],
            chars=int(data["chars"]),
            genre=data["genre"],
            first_person=data["first_person"],
            balance=data["balance"],
            sections=data["sections"],
            typos=tuple(_typo(t) for t in data["typos"]),
            findings=tuple(Finding.from_json(f) for f in data["findings"]),
            text_flags=text_flags,
            corpus_flags=tuple(set(data["flags"]) - set(text_flags)),
        )


def _typo(data: Mapping[str, Any]) -> Typo:
    return Typo(
        text=str(data["text"]),
        suggestion=str(data["suggestion"]),
        start=int(data["start"]),
        end=int(data["end"]),
        kind=str(data["kind"]),
        confidence=float(data.get("confidence", 1.0)),
    )


def _thaw(value: Any) -> Any:
    """A plain-JSON deep copy."""
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_thaw(v) for v in value]
    return value
