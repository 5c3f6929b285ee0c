"""Ingestion: any submitted file → a Document of clean simplified text.

``load(path)`` is the one entry point for files, ``load_bytes(data, name)`` for uploads and
``clean_text(text)`` for text already in memory. Stages: read (by format) → decode → convert
traditional → repair lines → drop boilerplate → re-join broken sentences.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.document import Document
from pipeline.ingest.clean import clean_text
from pipeline.ingest.readers import SUPPORTED, read_bytes, read_path
from pipeline.settings import Settings

__all__ = ["SUPPORTED", "clean_text", "load", "load_bytes"]


def load(path: str | os.PathLike[str], settings: Settings | None = None) -> Document:
    """Read and clean one file. Raises IngestError with a one-line reason."""
    settings = settings or Settings()
    raw = read_path(Path(path), settings)
    return clean_text(
        raw.text, str(path), encoding=raw.encoding, settings=settings, forced=raw.forced, meta=raw.meta
    )


def load_bytes(data: bytes, name: str, settings: Settings | None = None) -> Document:
    """Read and clean an in-memory file (an upload)."""
    settings = settings or Settings()
    raw = read_bytes(data, name, settings)
    return clean_text(
        raw.text, name, encoding=raw.encoding, settings=settings, forced=raw.forced, meta=raw.meta
    )
