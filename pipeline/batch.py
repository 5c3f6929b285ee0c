"""``shuzhi batch``: a year's corpus analyzed, compared and stored, resumably.

Stages: discover files (recursively, every format ingestion reads) → content hashes against the
database (unchanged files are skipped) → per-file analysis and fingerprints in parallel (a local
process pool, or a Dask cluster) → stored in chunks, one transaction each → copy detection over
everything stored (earlier years included) → copy flags and scores → summary.

The parent process never holds the corpus's texts: workers read and clean the files, results
stream back chunk by chunk into the database, and copy detection reads texts back only for the pairs
it verifies. A ``kill -9`` loses at most the chunk in flight; running again finishes the work and
ends with the same stored results.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
import time
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import manifest, scoring
from pipeline.ingest import SUPPORTED
from pipeline.report import Meta
from pipeline.settings import Settings
from pipeline.similarity import Item, detect_core, own_names, params_of, prepare
from pipeline.similarity.fingerprint import Fingerprints, Params
from pipeline.similarity.normalize import Normalised, normalise
from pipeline.store import Record, Store, fingerprint_arrays
from pipeline.work import pool_map

CHUNK = 32
COPY_FLAG = {"copy": "copied", "repeats_last_year": "repeats_last_year", "template_site": "template_site"}


@dataclass
class Summary:
    analyzed: int = 0
    skipped: int = 0
    failed: int = 0
    removed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    flags: Counter[str] = field(default_factory=Counter)
    pairs: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    similarity: dict[str, Any] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [
            f"analyzed {self.analyzed}, skipped {self.skipped} unchanged, failed {self.failed}, removed {self.removed}"
        ]
        for path, reason in self.failures:
            out.append(f"  failed: {path}: {reason}")
        if self.flags:
            out.append("flags: " + ", ".join(f"{k} {v}" for k, v in sorted(self.flags.items())))
        if self.pairs:
            out.append("pairs: " + ", ".join(f"{k} {v}" for k, v in sorted(self.pairs.items())))
        return out


def discover(root: Path) -> list[Path]:
    """Supported files under ``root``, sorted; manifests, hidden files and Office lock files skipped."""
    skip = {"manifest.csv", "manifest.xlsx", "readme.md", "truth.json"}
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUPPORTED - {""}
        and not p.name.startswith((".", "~$"))
        and p.name.lower() not in skip
    )


def content_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def analyze_for_store(
    abs_path: str, rel_path: str, digest: str, meta: Meta | None, settings: Settings
) -> Record:
    """The unit of work: one file → a Record (analysis, clean text, fingerprints, or the error).

    A top-level pure function, so a process pool and Dask workers run exactly the same thing.
    """
    from pipeline.errors import ShuzhiError
    from pipeline.ingest import load
    from pipeline.report import analyze_document

    try:
        doc = load(abs_path, settings)
        result = analyze_document(doc, settings, meta)
    except ShuzhiError as exc:
        return Record(
            rel_path, digest, error_code=getattr(exc, "code", "error"), error=getattr(exc, "reason", str(exc))
        )
    except Exception as exc:  # a bug in one file must not stop the batch
        return Record(
            rel_path, digest, error_code="internal", error=f"internal error ({type(exc).__name__}: {exc})"
        )
    result["path"] = rel_path
    _, fps = prepare(Item(rel_path, doc.text, result.get("unit"), result.get("year")), settings)
    ingest = doc.to_clean_json()
    ingest.pop("text")
    ingest["encoding"] = doc.encoding
    return Record(
        path=rel_path,
        content_hash=digest,
        result=result,
        clean_text=doc.text,
        ingest=ingest,
        meta=dataclasses.asdict(meta) if meta else None,
        fp_params=dataclasses.asdict(fps.params),
        fp_hashes=fps.hashes.tobytes(),
        fp_positions=fps.positions.tobytes(),
    )


def _call(job: tuple[str, str, str, Meta | None, Settings]) -> Record:
    return analyze_for_store(*job)


class Progress:
    """A one-line progress bar with counts and ETA on a terminal; silent otherwise."""

    def __init__(self, total: int, enabled: bool | None = None) -> None:
        self.total = total
        self.done = 0
        self.start = time.perf_counter()
        self.enabled = sys.stderr.isatty() if enabled is None else enabled

    def step(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled or not self.total:
            return
        elapsed = time.perf_counter() - self.start
        rate = self.done / elapsed if elapsed else 0
        eta = (self.total - self.done) / rate if rate else 0
        width = 30
        filled = int(width * self.done / self.total)
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} files, {rate:.1f}/s, ETA {eta:.0f}s "
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled and self.total:
            sys.stderr.write("\n")


def _local_map(jobs: list[tuple], workers: int) -> Iterator[Record]:
    return pool_map(_call, jobs, workers)


def run_batch(
    root: str | Path,
    db_url: str,
    settings: Settings | None = None,
    workers: int = 1,
    scheduler: str | None = None,
    reference: str | None = None,
    progress: bool | None = None,
    on_chunk: Callable[[int], None] | None = None,
) -> Summary:
    settings = settings or Settings()
    root = Path(root)
    if not root.is_dir():
        raise NotADirectoryError(f"{root}: not a folder")
    summary = Summary()
    store = Store(db_url)
    run_id = store.start_run(str(root))
    t0 = time.perf_counter()

    files = discover(root)
    rel = {p: p.relative_to(root).as_posix() for p in files}
    metas = manifest.metas_for([str(p) for p in files])
    known = store.known_hashes()
    jobs = []
    for p in files:
        digest = content_hash(p)
        if known.get(rel[p]) == digest:
            summary.skipped += 1
            continue
        jobs.append((str(p), rel[p], digest, metas.get(str(p)), settings))
    summary.removed = store.delete_missing(rel.values())
    summary.seconds["discover"] = round(time.perf_counter() - t0, 3)

    t1 = time.perf_counter()
    bar = Progress(len(jobs), progress)
    records = _dask_map(jobs, scheduler) if scheduler else _local_map(jobs, workers)
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        bar.step()
        if len(chunk) >= CHUNK:
            _flush(store, chunk, summary)
            if on_chunk:
                on_chunk(summary.analyzed + summary.failed)
    _flush(store, chunk, summary)
    bar.close()
    summary.seconds["analyze+store"] = round(time.perf_counter() - t1, 3)

    changed = bool(jobs) or summary.removed > 0 or reference is not None
    if changed:
        t2 = time.perf_counter()
        summary.similarity = similarity_over_store(store, settings, reference, scheduler)
        summary.seconds["similarity"] = round(time.perf_counter() - t2, 3)
    _count_flags(store, summary)
    store.finish_run(run_id, summary.analyzed, summary.skipped, summary.failed, "done")
    summary.seconds["total"] = round(time.perf_counter() - t0, 3)
    return summary


def _flush(store: Store, chunk: list[Record], summary: Summary) -> None:
    if not chunk:
        return
    store.save(chunk)
    for r in chunk:
        if r.result is None:
            summary.failed += 1
            summary.failures.append((r.path, r.error or ""))
        else:
            summary.analyzed += 1
    chunk.clear()


class _TextCache:
    """Clean texts and normalised forms read back from the store for pair verification (bounded)."""

    def __init__(self, store: Store, settings: Settings, items: list[Item], size: int = 4096) -> None:
        self.store = store
        self.settings = settings
        self.items = items
        self.size = size
        self.cache: OrderedDict[int, tuple[Item, Normalised]] = OrderedDict()
        self.extra: dict[int, tuple[Item, Normalised]] = {}

    def __call__(self, i: int) -> tuple[Item, Normalised]:
        if i in self.extra:
            return self.extra[i]
        if i in self.cache:
            self.cache.move_to_end(i)
            return self.cache[i]
        base = self.items[i]
        text, typos = self.store.text_and_typos(base.key)
        item = dataclasses.replace(base, text=text, typos=tuple(typos))
        value = (item, normalise(text, self.settings, own_names(item)))
        self.cache[i] = value
        if len(self.cache) > self.size:
            self.cache.popitem(last=False)
        return value


def similarity_over_store(
    store: Store, settings: Settings, reference: str | None, scheduler: str | None = None
) -> dict[str, Any]:
    """Copy detection over every stored report (and reference texts); stores pairs, rings, flags."""
    params = params_of(settings)
    items: list[Item] = []
    fps: list[Fingerprints] = []
    for path, unit, year, typo_texts, fp_params, hashes, positions in store.fingerprint_rows():
        params.check_same(Params(**fp_params))
        h, p = fingerprint_arrays(hashes, positions)
        items.append(Item(path, "", unit, year, tuple((t, -1, -1) for t in typo_texts)))
        fps.append(Fingerprints(params, h, p))
    fetch = _TextCache(store, settings, items)
    if reference:
        from pipeline.analyzers import typos
        from pipeline.analyzers.context import Context
        from pipeline.ingest import load

        for ref in discover(Path(reference)):
            doc = load(str(ref), settings)
            found = typos.analyze(Context(doc, settings))
            item = Item(
                str(ref), doc.text, typos=tuple((t.text, t.start, t.end) for t in found.typos), reference=True
            )
            norm, fp = prepare(item, settings)
            fetch.extra[len(items)] = (item, norm)
            items.append(item)
            fps.append(fp)
    join = None
    if scheduler:
        from pipeline.dask_backend import shuffle_join

        def join(f, max_df, min_shared, window, min_dense):  # noqa: ANN001, ANN202
            return shuffle_join(scheduler, f, max_df, min_shared, window, min_dense)

    result = detect_core(items, fps, fetch, settings, join=join)
    store.replace_similarity(result.pairs, result.clusters)
    _apply_copy_flags(store, result.pairs)
    return result.stats


def _apply_copy_flags(store: Store, pair_list: Iterable[Any]) -> None:
    """Add copy flags to the reports involved and recompute their scores (all reports, deterministic)."""
    from sqlalchemy import select, update

    from pipeline.store import reports

    extra: dict[str, set[str]] = {}
    years: dict[str, int | None] = {}
    with store.engine.connect() as conn:
        for row in conn.execute(select(reports.c.path, reports.c.year)):
            years[row.path] = row.year
    for p in pair_list:
        flag = COPY_FLAG[p.kind]
        if p.kind == "repeats_last_year":
            later = p.b if (years.get(p.b) or 0) >= (years.get(p.a) or 0) else p.a
            extra.setdefault(later, set()).add(flag)
        elif p.kind == "template_site":
            extra.setdefault(p.a, set()).add(flag)
        else:
            extra.setdefault(p.a, set()).add(flag)
            extra.setdefault(p.b, set()).add(flag)
    with store.engine.begin() as conn:
        for row in conn.execute(select(reports.c.path, reports.c.result)).all():
            result = json.loads(row.result)
            flags = set(result["flags"]) | extra.get(row.path, set())
            unanswered = sum(1 for f in result["findings"] if f["kind"] == "unanswered_problem")
            card = scoring.score(
                flags,
                missing_parts=len(result["sections"]["missing"]),
                typos=sum(1 for t in result["typos"] if t["kind"] == "typo"),
                unanswered=unanswered,
            )
            conn.execute(
                update(reports)
                .where(reports.c.path == row.path)
                .values(flags=json.dumps(list(card.flags), ensure_ascii=False), score=card.score)
            )


def _count_flags(store: Store, summary: Summary) -> None:
    data = store.export_data()
    for r in data["reports"]:
        summary.flags.update(r["flags"])
    for p in data["pairs"]:
        summary.pairs[p["kind"]] += 1


def _dask_map(jobs: list[tuple], scheduler: str) -> Iterator[Record]:
    from pipeline.dask_backend import map_records

    yield from map_records(scheduler, jobs, _call)


__all__ = ["Summary", "analyze_for_store", "discover", "run_batch", "similarity_over_store"]
