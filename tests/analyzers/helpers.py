"""Build analyzer inputs from strings."""

from __future__ import annotations

from pipeline.analyzers import run
from pipeline.analyzers.context import Context
from pipeline.ingest import clean_text


def results_of(text: str) -> dict:
    return run(Context(clean_text(text)))
