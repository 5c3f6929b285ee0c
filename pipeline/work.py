"""The per-document unit of work and a pool to map it: the same function runs in-process, in a local
process pool and on Dask workers.

``analyze_path`` is a top-level pure function of (path, settings) → Outcome, so it pickles; heavy
resources (spaCy, jieba, lexicons, the sentence model) load once per worker process, on first use.
A bad file becomes an Outcome with its error; it never stops the others.
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

if TYPE_CHECKING:
    from pipeline.record import ReportResult


@dataclass(frozen=True)
class Outcome:
    """A file's analysis, or the reason it failed."""

    path: str
    result: ReportResult | None = None
    error: str | None = None
    code: str | None = None
    text: str | None = None  # the clean text, when asked for (batch stores it)
    more: tuple[ReportResult, ...] = ()  # pieces 2… of a collection page, when asked to split


def analyze_path(
    path: str, settings: Settings, meta: Any = None, keep_text: bool = False, split: bool = False
) -> Outcome:
    """``split``: a collection page's pieces are analysed one by one (PATH#1 is the result, the rest
    ride in ``more``)."""
    from pipeline.ingest import load, load_pieces
    from pipeline.report import analyze_document

    try:
        if split:
            docs = load_pieces(path, settings)
            if len(docs) > 1:
                results = [analyze_document(d, settings, meta) for d in docs]
                return Outcome(docs[0].path, result=results[0], more=tuple(results[1:]))
            doc = docs[0]
        else:
            doc = load(path, settings)
        result = analyze_document(doc, settings, meta)
    except ShuzhiError as exc:
        return Outcome(path, error=getattr(exc, "reason", str(exc)), code=getattr(exc, "code", "error"))
    except Exception as exc:  # a bug must not stop a batch: record it with its type
        return Outcome(path, error=f"internal error ({type(exc).__name__}: {exc})", code="internal")
    return Outcome(path, result=result, text=doc.text if keep_text else None)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _call(args: tuple[str, Settings, Any, bool, bool]) -> Outcome:
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
    split: bool = False,
) -> Iterator[Outcome]:
    """Outcomes in input order; ``workers`` > 1 uses a local process pool."""
    metas = metas or {}
    yield from pool_map(_call, ((p, settings, metas.get(p), keep_text, split) for p in paths), workers)


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
