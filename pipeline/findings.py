"""One type for every piece of evidence a reviewer can see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SEVERITIES = ("info", "warn", "flag")


@dataclass(frozen=True, order=True)
class Finding:
    """Evidence at character offsets [start, end) of a Document's clean text.

    Ordered by position, then analyzer and kind, so lists of findings sort deterministically.
    """

    start: int
    end: int
    analyzer: str
    kind: str
    message: str
    severity: str = "info"

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span [{self.start}, {self.end}) for {self.analyzer}/{self.kind}")

    def to_json(self) -> dict[str, Any]:
        return {
            "analyzer": self.analyzer,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "message": self.message,
            "severity": self.severity,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        return cls(
            start=int(data["start"]),
            end=int(data["end"]),
            analyzer=str(data["analyzer"]),
            kind=str(data["kind"]),
            message=str(data["message"]),
            severity=str(data["severity"]),
        )
