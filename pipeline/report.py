"""One report's review: a Document through every analyzer into the contract's JSON object.

``analyze_document`` is the function to follow for any number a reviewer sees: each field below is
read off one analyzer's result into a ``ReportResult`` (pipeline/record.py), whose score and flags
come from ``ReportResult.verdict`` (``scoring.score``).
"""

from __future__ import annotations

import hashlib
import os

from pipeline import analyzers, metadata
from pipeline.analyzers.context import Context
from pipeline.document import Document
from pipeline.findings import Finding
from pipeline.metadata import Meta
from pipeline.record import ReportResult
from pipeline.settings import Settings


def report_id(doc: Document) -> str:
    """A stable id: the hash of the clean text (the same report submitted twice has one id)."""
    return hashlib.sha256(doc.text.encode("utf-8")).hexdigest()[:16]


def analyze_document(
    doc: Document, settings: Settings | None = None, meta: Meta | None = None
) -> ReportResult:
    """One Document's review; ``.to_json()`` is the contract's ``shuzhi analyze --json`` object."""
    settings = settings or Settings()
    ctx = Context(doc, settings)
    results = analyzers.run(ctx)
    sections = results["sections"]
    first_person = results["first_person"]
    balance = results["balance"]
    typos = results["typos"]
    genre = results["genre"]

    flags: set[str] = set()
    if genre.not_a_report:
        flags.add("not_a_report")
    if first_person.team_report:
        flags.add("team_report")
    if balance.over_one_third:
        flags.add("achievements_over_third")
    if sections.missing:
        flags.add("missing_sections")
    if sections.no_cause_analysis:
        flags.add("no_cause_analysis")
    if sections.vague_problems:
        flags.add("vague_problems")
    if typos.laundered_text:
        flags.add("laundered_text")
    ingest_findings: list[Finding] = []
    if doc.source_hints:
        flags.add("template_site")
        ingest_findings.append(
            Finding(
                0, 0, "ingest", "template_site", "来自范文/下载网站：" + "；".join(doc.source_hints), "flag"
            )
        )
    findings = sorted(
        set(
            ingest_findings
            + list(sections.findings)
            + list(first_person.findings)
            + list(first_person.evidence)
            + list(balance.findings)
            + list(balance.evidence)
            + list(typos.findings)
            + list(genre.findings)
        )
    )
    meta = meta or Meta()
    unit, year = meta.unit, meta.year
    if unit is None or year is None:
        guessed_unit, guessed_year = metadata.infer(doc.text, os.path.basename(doc.path), settings)
        unit = unit or guessed_unit
        year = year or guessed_year
    return ReportResult(
        path=doc.path,
        id=report_id(doc),
        unit=unit,
        year=year,
        chars=len(doc.text),
        genre=genre.to_json(),
        first_person=first_person.to_json(),
        balance=balance.to_json(),
        sections=sections.to_json(),
        typos=tuple(typos.typos),
        findings=tuple(findings),
        text_flags=tuple(flags),
    )
