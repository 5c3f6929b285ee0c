"""The per-document unit of work and a pool to map it: the same function runs in-process, in a local
process pool and on Dask workers.

``review`` is a top-level pure function of (read, path, settings, meta) → one Reviewed per text, so
it pickles; heavy resources (jieba, lexicons, the models) load once per worker process, on first use.
A bad file becomes a Reviewed with its error; it never stops the others.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipeline.errors import ShuzhiError
from pipeline.settings import Settings
from pipeline.similarity import Item, prepare

if TYPE_CHECKING:
    from pipeline.document import Document
    from pipeline.metadata import Meta
    from pipeline.record import ReportResult
    from pipeline.similarity.fingerprint import Fingerprints


@dataclass(frozen=True)
class Reviewed:
    """One text's review, or the reason it failed: what the unit of work gives for each text a file
    holds (one, or one per piece of a collection page)."""

    path: str  # as shown and stored: PATH, or PATH#k for piece k of a collection page
    result: ReportResult | None = None
    doc: Document | None = None  # the clean text and what ingestion recorded
    fingerprints: Fingerprints | None = None  # when asked for (batch stores them)
    error: str | None = None
    code: str | None = None


def piece_path(path: str, number: int) -> str:
    """Where piece ``number`` of a collection page is shown and stored: PATH#number."""
    return f"{path}#{number}"


def base_path(stored_path: str) -> str:
    """The file a stored path belongs to: PATH for PATH#k (a collection piece), else itself."""
    base, sep, number = stored_path.rpartition("#")
    return base if sep and number.isdigit() else stored_path


def review(
    read: Callable[[], list[Document]],
    path: str,
    settings: Settings,
    meta: Meta | None = None,
    fingerprints: bool = False,
) -> list[Reviewed]:
    """The one unit of work: read a file's texts, analyse each, and fingerprint it when asked.

    ``read`` gives the file's Documents (``load_pieces`` for a path, ``load_bytes`` for an upload);
    ``path`` is the name shown and stored. Every step runs inside one error boundary: a file that
    cannot be read is one failed Reviewed at PATH, a piece whose analysis fails is a failed Reviewed
    at PATH#k and the other pieces are kept; nothing raises. A top-level pure function, so the CLI,
    batch, a process pool, Dask workers and the upload page all run the same thing.
    """
    try:
        docs = read()
    except Exception as exc:  # a bad file is its failed review, never the end of a batch
        return [failed(path, exc)]
    if len(docs) == 1 and "collection" not in docs[0].meta:
        return [_review_one(docs[0], path, settings, meta, fingerprints)]
    return [
        _review_one(d, piece_path(path, d.meta["collection"]["piece"]), settings, meta, fingerprints)
        for d in docs
    ]


def review_path(
    path: str, settings: Settings, meta: Meta | None = None, fingerprints: bool = False
) -> list[Reviewed]:
    """``review`` of a file on disk, shown under the path as given."""
    from pipeline.ingest import load_pieces

    return review(lambda: load_pieces(path, settings), str(path), settings, meta, fingerprints)


def _review_one(
    doc: Document, path: str, settings: Settings, meta: Meta | None, fingerprints: bool
) -> Reviewed:
    from pipeline.report import analyze_document

    try:
        result = analyze_document(doc, settings, meta).with_path(path)
        fps = prepare(Item(path, doc.text, result.unit, result.year), settings)[1] if fingerprints else None
    except Exception as exc:  # a bug in one text must not stop the others
        return failed(path, exc)
    return Reviewed(path, result=result, doc=doc, fingerprints=fps)


def failed(path: str, exc: BaseException) -> Reviewed:
    """The failed review of a file (or piece): the reason ingestion gave, or the bug's type."""
    if isinstance(exc, ShuzhiError):
        return Reviewed(path, error=getattr(exc, "reason", str(exc)), code=getattr(exc, "code", "error"))
    return Reviewed(path, error=f"internal error ({type(exc).__name__}: {exc})", code="internal")


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _call(args: tuple[str, Settings, Any]) -> list[Reviewed]:
    return review_path(*args)


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
    paths: Iterable[str], settings: Settings, workers: int = 1, metas: dict[str, Any] | None = None
) -> Iterator[list[Reviewed]]:
    """Each file's reviews, files in input order; ``workers`` > 1 uses a local process pool."""
    metas = metas or {}
    yield from pool_map(_call, ((p, settings, metas.get(p)) for p in paths), workers)


@dataclass(frozen=True)
class Failed:
    """A job that could not run to its end in a worker: it killed the worker, or ran out of time."""

    job: Any
    reason: str


def isolated_map(
    fn: Callable[[Any], Any], jobs: Iterable[Any], workers: int, timeout_s: float
) -> Iterator[Any]:
    """``fn`` over ``jobs`` in worker processes that a bad job cannot take the run down with.

    Yields ``fn``'s results in completion order, and a ``Failed`` for a job whose worker died (the
    OOM killer, a segfault) or that ran longer than ``timeout_s``. At most one job per worker is in
    flight, so a job's submission is its start. When a pool breaks, the jobs that were in flight are
    run again one at a time in a fresh pool: the one that breaks it alone is the culprit, the others
    finish normally.
    """
    queue: deque[tuple[Any, bool]] = deque((job, False) for job in jobs)  # (job, suspect)
    workers = max(1, workers)
    while queue:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=quiet_worker)
        inflight: dict[Future, tuple[Any, bool, float]] = {}
        broken = timed_out = False
        try:
            while (queue or inflight) and not broken:
                while queue and len(inflight) < workers:
                    if inflight and (queue[0][1] or any(s for _, s, _ in inflight.values())):
                        break  # a suspect runs alone
                    job, suspect = queue.popleft()
                    inflight[pool.submit(fn, job)] = (job, suspect, time.monotonic())
                    if suspect:
                        break
                now = time.monotonic()
                wait_for = min(start + timeout_s - now for _, _, start in inflight.values())
                done, _ = wait(inflight, timeout=max(wait_for, 0.01), return_when=FIRST_COMPLETED)
                for future in done:
                    job, suspect, _ = inflight.pop(future)
                    try:
                        yield future.result()
                    except BrokenProcessPool:
                        broken = True
                        if suspect:
                            yield Failed(
                                job, "its worker process died while reading it (out of memory or a crash)"
                            )
                        else:
                            queue.appendleft((job, True))
                    except Exception as exc:  # the job itself could not be sent or returned
                        yield Failed(job, f"internal error ({type(exc).__name__}: {exc})")
                now = time.monotonic()
                late = [f for f, (_, _, start) in inflight.items() if now - start >= timeout_s]
                if late:
                    for future in late:
                        job, _, _ = inflight.pop(future)
                        yield Failed(
                            job, f"took longer than {timeout_s:g} s (ingest.file_timeout_s); stopped"
                        )
                    timed_out = broken = True
                    _kill(pool)
            for job, suspect, _ in inflight.values():  # victims of a broken pool: run them again
                queue.appendleft((job, suspect or (broken and not timed_out)))
        finally:
            if broken:
                _kill(pool)
            pool.shutdown(wait=not broken, cancel_futures=True)


def _kill(pool: ProcessPoolExecutor) -> None:
    """Stop a pool's worker processes at once (a job past its time, or a pool already broken)."""
    for proc in list(getattr(pool, "_processes", {}).values()):
        with contextlib.suppress(Exception):
            proc.kill()
