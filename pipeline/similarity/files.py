"""Stage "load" for copy detection from files: read, clean, find typos and fingerprint, in parallel.

Workers return the clean text, the typos and the fingerprints of each file; the parent keeps the
texts (needed to show passages) and normalises again only the documents that candidate pairs need.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.errors import ShuzhiError
from pipeline.metadata import Meta
from pipeline.settings import Settings
from pipeline.similarity import Item, own_names, prepare
from pipeline.similarity.fingerprint import Fingerprints, Params
from pipeline.similarity.normalize import Normalised, normalise
from pipeline.work import pool_map


@dataclass(frozen=True)
class ReadItem(Item):
    """An Item whose text has spans a machine guessed (OCR below its confidence): typos found there are
    the engine's, not the writer's, and must never count as shared-typo evidence of copying."""

    unreliable: tuple[tuple[int, int], ...] = ()


def reliable_typos(typos: tuple[tuple[str, int, int], ...], item: Item) -> tuple[tuple[str, int, int], ...]:
    """The typos outside the item's unreliable spans."""
    spans = getattr(item, "unreliable", ())
    if not spans:
        return typos
    return tuple(t for t in typos if not any(a < t[2] and t[1] < b for a, b in spans))


@dataclass(frozen=True)
class Loaded:
    path: str
    item: Item | None
    hashes: np.ndarray | None = None
    positions: np.ndarray | None = None
    error: str | None = None


def load_one(path: str, meta: Meta | None, reference: bool, settings: Settings) -> Loaded:
    """Read, clean and fingerprint one file. Typos are found later, only for the documents that
    candidate pairs bring to verification (``NormCache``)."""
    from pipeline import metadata
    from pipeline.ingest import load

    try:
        doc = load(path, settings)
    except ShuzhiError as exc:
        return Loaded(path, None, error=str(exc))
    unit, year = (meta.unit, meta.year) if meta else (None, None)
    if unit is None or year is None:
        g_unit, g_year = metadata.infer(doc.text, path, settings)
        unit, year = unit or g_unit, year or g_year
    if doc.unreliable:
        item: Item = ReadItem(path, doc.text, unit, year, reference=reference, unreliable=doc.unreliable)
    else:
        item = Item(path, doc.text, unit, year, reference=reference)
    _, fps = prepare(item, settings)
    return Loaded(path, item, fps.hashes, fps.positions)


def _call(job: tuple[str, Meta | None, bool, Settings]) -> Loaded:
    return load_one(*job)


def load_all(
    jobs: Sequence[tuple[str, Meta | None, bool]], settings: Settings, workers: int
) -> tuple[list[Item], list[Fingerprints], list[str]]:
    """Items, their fingerprints and the error lines, in input order."""
    params = Params(k=settings.similarity.k, w=settings.similarity.w, seed=settings.similarity.seed)
    full = [(p, m, r, settings) for p, m, r in jobs]
    items, fps, errors = [], [], []
    for r in pool_map(_call, full, workers if len(full) > 1 else 1, chunksize=16):
        if r.item is None:
            errors.append(r.error or r.path)
            continue
        items.append(r.item)
        fps.append(Fingerprints(params, r.hashes, r.positions))
    return items, fps, errors


class NormCache:
    """Normalised texts (and typos) for verification, computed on demand for the documents candidate
    pairs need, and kept for the most recent ones."""

    def __init__(self, items: Sequence[Item], settings: Settings, size: int = 8192) -> None:
        self.items = items
        self.settings = settings
        self.size = size
        self.cache: OrderedDict[int, tuple[Item, Normalised]] = OrderedDict()

    def __call__(self, i: int) -> tuple[Item, Normalised]:
        hit = self.cache.get(i)
        if hit is None:
            from pipeline.analyzers import typos
            from pipeline.analyzers.context import Context
            from pipeline.document import Document

            item = self.items[i]
            if not item.typos:
                doc = Document(item.key, item.text, unreliable=getattr(item, "unreliable", ()))
                found = typos.analyze(Context(doc, self.settings))
                found_typos = tuple((t.text, t.start, t.end) for t in found.typos)
                item = dataclasses.replace(item, typos=reliable_typos(found_typos, item))
            hit = (item, normalise(item.text, self.settings, own_names(item, self.settings)))
            self.cache[i] = hit
            if len(self.cache) > self.size:
                self.cache.popitem(last=False)
        else:
            self.cache.move_to_end(i)
        return hit
