"""Gold-set measurements: the figures that gate a change (content kept, boilerplate removed, joins).

The gold sets are line-labelled texts (corpora/gold/ingest/*.ann) and line labels for external texts
(seeds.tsv, which names files and lines only). ``shuzhi`` tests and benchmarks call these functions,
so the figures in a test failure and in a benchmark report are computed the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.document import Document
from pipeline.ingest import clean_text
from pipeline.settings import Settings

KEEP, DROP, JOIN = "keep", "drop", "join"


@dataclass
class LineScore:
    """Counts over labelled lines; ``misses`` lists (file, line, label, what happened) for debugging."""

    content: int = 0
    content_kept: int = 0
    boilerplate: int = 0
    boilerplate_removed: int = 0
    joins: int = 0
    joins_made: int = 0
    misses: list[tuple[str, int, str, str]] = field(default_factory=list)

    @property
    def content_recall(self) -> float:
        return self.content_kept / self.content if self.content else 1.0

    @property
    def boilerplate_recall(self) -> float:
        return self.boilerplate_removed / self.boilerplate if self.boilerplate else 1.0

    @property
    def join_recall(self) -> float:
        return self.joins_made / self.joins if self.joins else 1.0

    def add(self, other: LineScore) -> None:
        for name in ("content", "content_kept", "boilerplate", "boilerplate_removed", "joins", "joins_made"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.misses.extend(other.misses)

    def as_dict(self) -> dict[str, float]:
        return {
            "content_lines": self.content,
            "content_kept": round(self.content_recall, 4),
            "boilerplate_lines": self.boilerplate,
            "boilerplate_removed": round(self.boilerplate_recall, 4),
            "join_lines": self.joins,
            "joins_made": round(self.join_recall, 4),
        }


def parse_ann(text: str) -> tuple[str, dict[int, str]]:
    """An .ann file → (raw dirty text, {1-based line: label})."""
    raw: list[str] = []
    labels: dict[int, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        prefix, body = line[:2], line[2:]
        if not line:
            raw.append("")
            continue
        label = {"+ ": KEEP, "- ": DROP, "> ": JOIN}.get(prefix)
        if label is None:
            raise ValueError(f"line {number}: unknown prefix {prefix!r}")
        raw.append(body)
        if body.strip():
            labels[number] = label
    return "\n".join(raw), labels


def score_document(doc: Document, labels: dict[int, str], name: str) -> LineScore:
    """Compare what ingestion removed and joined with line labels."""
    removed = {r.line for r in doc.removed}
    starts = {line for _, line in doc.segments}
    score = LineScore()
    for line, label in sorted(labels.items()):
        if label in (KEEP, JOIN):
            score.content += 1
            if line in removed:
                score.misses.append((name, line, label, "removed"))
            else:
                score.content_kept += 1
            if label == JOIN:
                score.joins += 1
                if line not in removed and line not in starts:
                    score.joins_made += 1
                elif line not in removed:
                    score.misses.append((name, line, label, "not joined"))
        else:
            score.boilerplate += 1
            if line in removed:
                score.boilerplate_removed += 1
            else:
                score.misses.append((name, line, label, "kept"))
    return score


def score_ann_folder(
    folder: Path, settings: Settings | None = None
) -> tuple[LineScore, dict[str, LineScore]]:
    total = LineScore()
    per_file: dict[str, LineScore] = {}
    for path in sorted(folder.glob("*.ann")):
        raw, labels = parse_ann(path.read_text(encoding="utf-8"))
        doc = clean_text(raw, path.name, settings=settings)
        per_file[path.name] = score_document(doc, labels, path.name)
        total.add(per_file[path.name])
    return total, per_file


def score_seed_labels(labels_tsv: Path, seeds: Path, settings: Settings | None = None) -> LineScore:
    """Score the line labels of external texts (files read from ``seeds``)."""
    from pipeline.ingest import load

    by_file: dict[str, dict[int, str]] = {}
    for row in labels_tsv.read_text(encoding="utf-8").splitlines()[1:]:
        name, line, label = row.split("\t")
        by_file.setdefault(name, {})[int(line)] = label
    total = LineScore()
    for name, labels in sorted(by_file.items()):
        doc = load(seeds / name, settings)
        total.add(score_document(doc, labels, name))
    return total
