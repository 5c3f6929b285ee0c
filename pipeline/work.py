"""The per-document unit of work and a pool to map it: the same function runs in-process, in a local
process pool and on Dask workers.

``analyze_path`` is a top-level pure function of (path, settings) → Outcome, so it pickles; heavy
resources (spaCy, jieba, lexicons, the sentence model) load once per worker process, on first use.
A bad file becomes an Outcome with its error; it never stops the others.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from pipeline.errors import ShuzhiError
from pipeline.settings import Settings


@dataclass(frozen=True)
class Outcome:
    """A file's analysis, or the reason it failed."""

    path: str
    result: dict[str, Any] | None = None
    error: str | None = None
    code: str | None = None
    text: str | None = None  # the clean text, when asked for (batch stores it)


def analyze_path(path: str, settings: Settings, meta: Any = None, keep_text: bool = False) -> Outcome:
    from pipeline.ingest import load
    from pipeline.report import analyze_document

    try:
        doc = load(path, settings)
        result = analyze_document(doc, settings, meta)
    except ShuzhiError as exc:
        return Outcome(path, error=getattr(exc, "reason", str(exc)), code=getattr(exc, "code", "error"))
    except Exception as exc:  # a bug must not stop a batch: record it with its type
        return Outcome(path, error=f"internal error ({type(exc).__name__}: {exc})", code="internal")
    return Outcome(path, result=result, text=doc.text if keep_text else None)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _call(args: tuple[str, Settings, Any, bool]) -> Outcome:
    return analyze_path(*args)


def quiet_worker() -> None:
    os.environ["SHUZHI_QUIET"] = "1"  # the parent already said which language pipeline is in use


def pool_map(
    fn: Callable[[Any], Any], jobs: Iterable[Any], workers: int, chunksize: int = 4
) -> Iterator[Any]:
    """``fn`` over ``jobs`` in input order: in this process, or in a local pool of quiet workers."""
    if workers <= 1:
        yield from map(fn, jobs)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=quiet_worker) as pool:
        yield from pool.map(fn, jobs, chunksize=chunksize)


def map_paths(
    paths: Iterable[str],
    settings: Settings,
    workers: int = 1,
    metas: dict[str, Any] | None = None,
    keep_text: bool = False,
) -> Iterator[Outcome]:
    """Outcomes in input order; ``workers`` > 1 uses a local process pool."""
    metas = metas or {}
    yield from pool_map(_call, ((p, settings, metas.get(p), keep_text) for p in paths), workers)
