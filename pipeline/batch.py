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

from pipeline import manifest, rectification
from pipeline.errors import UsageError
from pipeline.ingest import SUPPORTED
from pipeline.metadata import Meta
from pipeline.record import ReportResult
from pipeline.settings import Settings
from pipeline.similarity import Item, detect_core, own_names, params_of, prepare
from pipeline.similarity.fingerprint import Fingerprints, Params
from pipeline.similarity.normalize import Normalised, normalise
from pipeline.store import Record, Rescore, Store, fingerprint_arrays
from pipeline.text import one_line
from pipeline.work import Failed, Reviewed, base_path, failed, isolated_map, review

CHUNK = 32
COPY_FLAG = {"copy": "copied", "repeats_last_year": "repeats_last_year", "template_site": "template_site"}


@dataclass
class Summary:
    analyzed: int = 0
    skipped: int = 0
    failed: int = 0
    removed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    removed_decided: list[str] = field(default_factory=list)
    reanalyzed_all: bool = False
    flags: Counter[str] = field(default_factory=Counter)
    pairs: Counter[str] = field(default_factory=Counter)
    seconds: dict[str, float] = field(default_factory=dict)
    similarity: dict[str, Any] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [
            f"analyzed {self.analyzed}, skipped {self.skipped} unchanged, failed {self.failed}, "
            f"removed {self.removed} (gone from this folder)"
        ]
        if self.reanalyzed_all:
            out.append("the program, settings, lexicons or models changed: every file was analyzed again")
        if self.removed_decided:
            out.append(
                "removed reports that had a reviewer's decision (kept in the review history): "
                + ", ".join(one_line(p) for p in self.removed_decided)
            )
        for path, reason in self.failures:
            out.append(f"  failed: {one_line(path)}: {one_line(reason)}")
        if self.flags:
            out.append("flags: " + ", ".join(f"{k} {v}" for k, v in sorted(self.flags.items())))
        if self.pairs:
            out.append("pairs: " + ", ".join(f"{k} {v}" for k, v in sorted(self.pairs.items())))
        return out


IGNORED_NAMES = frozenset({"manifest.csv", "manifest.xlsx", "readme.md", "truth.json"})


def discover(root: Path, rejected: list[tuple[Path, str]] | None = None) -> list[Path]:
    """Supported files under ``root``, sorted; manifests, hidden files and Office lock files skipped.

    A file whose real location is outside ``root`` (a symbolic link out of the corpus folder) is never
    read: it goes to ``rejected`` with the reason, so the caller can report it.
    """
    real_root = root.resolve()
    out = []
    for p in sorted(root.rglob("*")):
        if p.name.startswith((".", "~$")) or p.name.lower() in IGNORED_NAMES:
            continue
        if p.suffix.lower() not in SUPPORTED - {""}:
            continue
        try:
            real = p.resolve()
            regular = real.is_file()
        except OSError:  # a link loop, a name the system cannot resolve
            real, regular = p, False
        if not _utf8_name(p):
            if rejected is not None:
                rejected.append(
                    (p, "the file name is not valid UTF-8 (it was written by another system): rename it")
                )
            continue
        if not real.is_relative_to(real_root):
            if rejected is not None:
                rejected.append((p, "a symbolic link to a file outside the corpus folder: not read"))
            continue
        if regular:
            out.append(p)
    return out


def _utf8_name(path: Path) -> bool:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes kept as surrogates by the file system encoding
        return False
    return True


def shown_path(path: str) -> str:
    """A path as it can be stored and printed: undecodable bytes of a file name as \\xNN escapes."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def content_hash(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def analysis_key(settings: Settings) -> str:
    """A digest of everything that decides a report's analysis besides its file.

    The program's own source, the settings, and every lexicon and model file: when any of them
    changes (a bug fixed, a word added to a lexicon), stored results are stale and are redone.
    """
    h = hashlib.sha256()
    package = Path(__file__).resolve().parent
    folders = [
        (package, "*.py"),
        (Path(settings.lexicon_dir), "*.txt"),
        *((Path(d), "*.txt") for d in settings.extra_lexicon_dirs),
        (Path(settings.model_dir), "*"),
    ]
    h.update(json.dumps(_settings_identity(settings), sort_keys=True).encode())
    for folder, pattern in folders:
        for f in sorted(folder.rglob(pattern)):
            if f.is_file() and "__pycache__" not in f.parts:
                h.update(f.relative_to(folder).as_posix().encode() + b"\0")
                h.update(f.read_bytes())
    return h.hexdigest()[:32]


def _file_key(key: str, meta: Meta | None) -> str:
    """The analysis key of one file: the run's key and the file's manifest row (a unit renamed in
    the manifest changes the report's result as surely as an edit of the file does)."""
    row = json.dumps(dataclasses.asdict(meta) if meta else None, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{key}\0{row}".encode()).hexdigest()[:32]


def _settings_identity(settings: Settings) -> dict[str, Any]:
    values = dataclasses.asdict(settings)
    for key in ("lexicon_dir", "model_dir", "extra_lexicon_dirs"):
        values.pop(key)  # their contents are hashed instead of their names
    values["ingest"].pop("file_timeout_s")  # how long a file may take changes no result
    return values


def analyze_pieces_for_store(
    abs_path: str, rel_path: str, digest: str, meta: Meta | None, settings: Settings
) -> list[Record]:
    """The batch's unit of work: one file → its Records, one per text it holds (``work.review``).

    A collection page (…精选6篇, 篇1, 篇2) gives one Record per piece, stored as PATH#1, PATH#2 …, each
    analysed and fingerprinted on its own (the reviewers judge each piece, and copy detection compares
    pieces, not pages); any other file gives one Record at PATH. A file that cannot be read is one
    error Record at PATH; a piece whose analysis fails is an error Record at PATH#k and the other
    pieces are kept.
    """
    from pipeline.ingest import load_pieces

    reviews = review(lambda: load_pieces(abs_path, settings), rel_path, settings, meta, fingerprints=True)
    return [_to_record(r, digest, meta) for r in reviews]


def analyze_bytes_for_store(raw: bytes, name: str, rel_path: str, settings: Settings, root: str) -> Record:
    """The same unit of work for bytes uploaded from the dashboard (never written to disk)."""
    import hashlib

    from pipeline.ingest import load_bytes

    digest = hashlib.sha256(raw).hexdigest()
    (reviewed,) = review(lambda: [load_bytes(raw, name, settings)], rel_path, settings, fingerprints=True)
    return dataclasses.replace(_to_record(reviewed, digest, None), root=root)


def _to_record(reviewed: Reviewed, digest: str, meta: Meta | None) -> Record:
    """What a review contributes to the store: the stored result, clean text, fingerprints, or the error."""
    if reviewed.result is None or reviewed.doc is None or reviewed.fingerprints is None:
        return Record(reviewed.path, digest, error_code=reviewed.code or "internal", error=reviewed.error)
    doc, fps = reviewed.doc, reviewed.fingerprints
    try:
        ingest = doc.to_clean_json()
        ingest.pop("text")
        ingest["encoding"] = doc.encoding
        return Record(
            path=reviewed.path,
            content_hash=digest,
            result=reviewed.result.to_json(stored=True),
            clean_text=doc.text,
            ingest=ingest,
            meta=dataclasses.asdict(meta) if meta else None,
            fp_params=dataclasses.asdict(fps.params),
            fp_hashes=fps.hashes.tobytes(),
            fp_positions=fps.positions.tobytes(),
        )
    except Exception as exc:  # still inside the file's error boundary
        bad = failed(reviewed.path, exc)
        return Record(reviewed.path, digest, error_code=bad.code, error=bad.error)


def _call(job: tuple[str, str, str, Meta | None, Settings]) -> list[Record]:
    return analyze_pieces_for_store(*job)


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


def _local_map(jobs: list[tuple], workers: int, timeout_s: float) -> Iterator[Record]:
    """Jobs in worker processes; a job that kills its worker or runs out of time is an error record."""
    for out in isolated_map(_call, jobs, workers, timeout_s):
        if isinstance(out, Failed):
            _, rel, digest, _, _ = out.job
            code = "timeout" if "longer than" in out.reason else "worker_died"
            yield Record(rel, digest, error_code=code, error=out.reason)
        else:
            yield from out


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
    """Analyze the new and changed files under ``root`` into the store, then redo the corpus-level
    steps that are pending. Only this folder's own reports are ever removed (files gone from it)."""
    settings = settings or Settings()
    root = Path(root)
    if not root.is_dir():
        raise UsageError(f"{one_line(str(root))}: not a folder")
    if reference is not None and not Path(reference).is_dir():
        raise UsageError(f"--reference {one_line(str(reference))}: not a folder")
    store = Store(db_url)
    run_id = store.start_run(str(root))
    summary = Summary()
    status = "failed"
    try:
        _run(store, root, settings, workers, scheduler, reference, progress, on_chunk, summary)
        status = "done_with_errors" if summary.failed else "done"
    finally:
        store.finish_run(run_id, summary.analyzed, summary.skipped, summary.failed, status)
    return summary


def _run(
    store: Store,
    root: Path,
    settings: Settings,
    workers: int,
    scheduler: str | None,
    reference: str | None,
    progress: bool | None,
    on_chunk: Callable[[int], None] | None,
    summary: Summary,
) -> None:
    t0 = time.perf_counter()
    root_key = str(root.resolve())
    rejected: list[tuple[Path, str]] = []
    files = discover(root, rejected)
    rel = {p: p.relative_to(root).as_posix() for p in files}
    metas = manifest.metas_for([str(p) for p in files])
    key = analysis_key(settings)
    stored = store.stored_reports()
    error_rows = store.error_paths()
    file_keys = {rel[p]: _file_key(key, metas.get(str(p))) for p in files}
    # A collection page is stored as its pieces (PATH#1, PATH#2 …): each file's stored rows.
    rows_of: dict[str, list[str]] = {}
    for stored_path in sorted({*stored, *error_rows}):
        rows_of.setdefault(base_path(stored_path), []).append(stored_path)
    mine = [
        (k, file_keys[base_path(p)])
        for p, (_, r, k) in stored.items()
        if r == root_key and base_path(p) in file_keys
    ]
    summary.reanalyzed_all = len(mine) > 1 and all(old != new for old, new in mine)
    jobs = []
    early: list[Record] = []
    for p, reason in rejected:
        early.append(
            Record(shown_path(p.relative_to(root).as_posix()), "", error_code="rejected", error=reason)
        )
    for p in files:
        path = rel[p]
        prev = next((stored[r] for r in rows_of.get(path, []) if r in stored), None)
        if prev and prev[1] not in (None, root_key):
            # Same relative name, another batch folder: never overwrite that report.
            summary.failed += 1
            summary.failures.append(
                (
                    path,
                    f"a report with this path from another folder ({prev[1]}) is already stored; not replaced",
                )
            )
            continue
        try:
            digest = content_hash(p)
        except OSError as exc:
            early.append(
                Record(path, "", error_code="unreadable", error=f"cannot read file ({exc.strerror or exc})")
            )
            continue
        rows = rows_of.get(path, [])
        same = all(stored.get(r) == (digest, root_key, file_keys[path]) for r in rows)
        if prev and same and not any(r in error_rows for r in rows):
            summary.skipped += 1  # unchanged, every piece stored (a failed piece is retried)
            continue
        jobs.append((str(p), path, digest, metas.get(str(p)), settings))
    errors_here = {p for p, r in error_rows.items() if r in (None, root_key)}
    present = set(rel.values()) | {r.path for r in early}
    present |= {r for path in rel.values() for r in rows_of.get(path, [])}
    gone = [p for p, (_, r, _) in stored.items() if r == root_key and p not in present]
    gone += sorted(errors_here - present - set(stored))
    summary.removed_decided = store.remove(gone)
    summary.removed = len(gone)
    summary.seconds["discover"] = round(time.perf_counter() - t0, 3)

    t1 = time.perf_counter()
    bar = Progress(len(jobs), progress)
    timeout = settings.ingest.file_timeout_s
    records = _dask_map(jobs, scheduler) if scheduler else _local_map(jobs, workers, timeout)
    chunk: list[Record] = list(early)
    produced: set[str] = set()
    for record in records:
        chunk.append(record)
        produced.add(record.path)
        bar.step()
        if len(chunk) >= CHUNK:
            _flush(store, chunk, summary, root_key, file_keys)
            if on_chunk:
                on_chunk(summary.analyzed + summary.failed)
    _flush(store, chunk, summary, root_key, file_keys)
    # A re-analysed file whose pieces changed (a page now split, or with fewer pieces): its old rows go.
    stale = [r for job in jobs for r in rows_of.get(job[1], []) if r not in produced]
    summary.removed_decided += store.remove(stale)
    bar.close()
    summary.seconds["analyze+store"] = round(time.perf_counter() - t1, 3)

    if store.similarity_pending() or reference is not None:
        t2 = time.perf_counter()
        ref_failures: list[tuple[str, str]] = []
        summary.similarity = similarity_over_store(store, settings, reference, scheduler, ref_failures)
        summary.failed += len(ref_failures)
        summary.failures += [(f"reference {path}", reason) for path, reason in ref_failures]
        summary.seconds["similarity"] = round(time.perf_counter() - t2, 3)
    _count_flags(store, summary)
    summary.seconds["total"] = round(time.perf_counter() - t0, 3)


def _flush(store: Store, chunk: list[Record], summary: Summary, root_key: str, keys: dict[str, str]) -> None:
    if not chunk:
        return
    for r in chunk:
        r.root = root_key
        r.analysis_key = keys.get(base_path(r.path)) if r.result is not None else None
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
        value = (item, normalise(text, self.settings, own_names(item, self.settings)))
        self.cache[i] = value
        if len(self.cache) > self.size:
            self.cache.popitem(last=False)
        return value


def similarity_over_store(
    store: Store,
    settings: Settings,
    reference: str | None,
    scheduler: str | None = None,
    failures: list[tuple[str, str]] | None = None,
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
        from pipeline.errors import ShuzhiError
        from pipeline.ingest import load

        for ref in discover(Path(reference)):
            try:
                doc = load(str(ref), settings)
            except ShuzhiError as exc:  # a bad model text is named; the comparison goes on without it
                if failures is not None:
                    failures.append((str(ref), getattr(exc, "reason", str(exc))))
                continue
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
    extra = copy_flags(result.pairs, store.report_years())
    for path, flags in rectification.check_store(store, settings).items():
        extra.setdefault(path, set()).update(flags)
    store.replace_similarity(result.pairs, result.clusters, rescorer(extra))
    return result.stats


def rescorer(extra: dict[str, set[str]]) -> Rescore:
    """(path, stored result) → the stored result with the corpus-level flags ``extra`` as its
    corpus evidence (replacing any earlier), its score and flags worked out again by the record."""

    def rescore(path: str, stored: dict[str, Any]) -> dict[str, Any]:
        return ReportResult.from_json(stored).with_corpus(extra.get(path, ())).to_json(stored=True)

    return rescore


def copy_flags(pair_list: Iterable[Any], years: dict[str, int | None]) -> dict[str, set[str]]:
    """The corpus-level flags each report gets from its pairs (the later year of a repeat)."""
    extra: dict[str, set[str]] = {}
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
    return extra


def _count_flags(store: Store, summary: Summary) -> None:
    data = store.export_data()
    for r in data["reports"]:
        summary.flags.update(r["flags"])
    for p in data["pairs"]:
        summary.pairs[p["kind"]] += 1


def _dask_map(jobs: list[tuple], scheduler: str) -> Iterator[Record]:
    from pipeline.dask_backend import map_records

    for out in map_records(scheduler, jobs, _call, _error_record):
        yield from out if isinstance(out, list) else [out]


def _error_record(job: tuple, reason: str) -> Record:
    _, rel, digest, _, _ = job
    return Record(rel, digest, error_code="cluster", error=reason)


__all__ = [
    "Summary",
    "analyze_pieces_for_store",
    "discover",
    "run_batch",
    "similarity_over_store",
]
