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


@dataclass
class ReportScore:
    """Agreement of ``analyze`` with a labelled set of whole reports."""

    n: int = 0
    field_hits: dict[str, int] = field(default_factory=dict)
    field_total: dict[str, int] = field(default_factory=dict)
    wo_errors: list[float] = field(default_factory=list)
    misses: list[tuple[str, str, object, object]] = field(default_factory=list)

    def hit(self, name: str, fld: str, got: object, want: object) -> None:
        self.field_total[fld] = self.field_total.get(fld, 0) + 1
        if got == want:
            self.field_hits[fld] = self.field_hits.get(fld, 0) + 1
        else:
            self.misses.append((name, fld, got, want))

    def accuracy(self, fld: str) -> float:
        total = self.field_total.get(fld, 0)
        return self.field_hits.get(fld, 0) / total if total else 1.0

    def as_dict(self) -> dict[str, float]:
        out = {f: round(self.accuracy(f), 4) for f in sorted(self.field_total)}
        out["personal_wo_mean_relative_error"] = (
            round(sum(self.wo_errors) / len(self.wo_errors), 4) if self.wo_errors else 0.0
        )
        out["reports"] = self.n
        return out


def score_reports(folder: Path, labels: dict, settings: Settings | None = None) -> ReportScore:
    """Compare ``analyze`` with labels of the shape of corpora/eval/labels.json."""
    from pipeline.ingest import load
    from pipeline.report import analyze_document

    score = ReportScore()
    for name, want in sorted(labels.items()):
        result = analyze_document(load(folder / name, settings), settings)
        score.n += 1
        genre = result.genre["label"]
        is_report = want["genre"] == "述职报告"
        score.hit(name, "genre_reports" if is_report else "genre_others", genre, want["genre"])
        if is_report:
            score.hit(name, "team_report", result.first_person["team_report"], want["team_report"])
            score.hit(name, "over_one_third", result.balance["over_one_third"], want["over_one_third"])
            score.hit(name, "missing", sorted(result.sections["missing"]), sorted(want["missing"]))
            if want.get("no_cause_analysis") is not None:
                score.hit(
                    name,
                    "no_cause_analysis",
                    "no_cause_analysis" in result.flags,
                    want["no_cause_analysis"],
                )
            personal, truth = result.first_person["personal"], want["personal_wo"]
            score.wo_errors.append(abs(personal - truth) / max(truth, 1))
        score.hit(name, "laundered", "laundered_text" in result.flags, bool(want.get("laundered")))
    return score
