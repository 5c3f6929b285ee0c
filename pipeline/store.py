"""Storage: one SQLAlchemy Core schema, SQLite by default, PostgreSQL by URL.

Everything a batch produces is stored here and everything the dashboard and ``export`` show is read
from here. Rows carry no run ids or timestamps (those live in ``runs`` and ``reviews``), and every
id is assigned in sorted order, so the same corpus stores the same rows however the run went
(killed and resumed, local or on Dask, SQLite or PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from pipeline.errors import UsageError

SCHEMA_VERSION = 2
DEFAULT_URL = "sqlite:///shuzhi.db"
DECISIONS = ("通过", "退回修改", "约谈提醒")

metadata = MetaData()

meta_table = Table(
    "meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text, nullable=False)
)
runs = Table(
    "runs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),
    Column("root", Text, nullable=False),
    Column("analyzed", Integer, nullable=False, default=0),
    Column("skipped", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("status", String(16), nullable=False, default="running"),
)
reports = Table(
    "reports",
    metadata,
    Column("path", String(1024), primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("report_id", String(32), nullable=False),
    Column("unit", Text),
    Column("year", Integer),
    Column("author", Text),
    Column("level", Text),
    Column("genre", String(16), nullable=False),
    Column("genre_confidence", Float, nullable=False),
    Column("score", Float, nullable=False),
    Column("flags", Text, nullable=False),  # JSON list
    Column("personal", Integer, nullable=False),
    Column("collective", Integer, nullable=False),
    Column("institutional", Integer, nullable=False),
    Column("personal_share", Float, nullable=False),
    Column("achievement_share", Float, nullable=False),
    Column("problem_share", Float, nullable=False),
    Column("plan_share", Float, nullable=False),
    Column("missing", Text, nullable=False),  # JSON list
    Column("typo_texts", Text, nullable=False),  # JSON list: typos and laundered words, for copy evidence
    Column("chars", Integer, nullable=False),
    Column("clean_text", Text, nullable=False),
    Column("result", Text, nullable=False),  # the full `analyze --json` object
    Column("ingest", Text, nullable=False),  # removed lines, repairs, warnings, hints, converted_from
    # The folder the batch read it from (resolved), or "upload:" for the dashboard's uploads: a batch
    # only ever removes reports it read itself from the same folder.
    Column("root", Text),
    # Digest of the program, settings, lexicons and models that produced ``result``: a report is
    # analyzed again when any of them changed, not only when its file did.
    Column("analysis_key", String(64)),
)
findings = Table(
    "findings",
    metadata,
    Column("path", String(1024), ForeignKey("reports.path", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("analyzer", String(32), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("message", Text, nullable=False),
    Column("severity", String(8), nullable=False),
)
fingerprints = Table(
    "fingerprints",
    metadata,
    Column("path", String(1024), ForeignKey("reports.path", ondelete="CASCADE"), primary_key=True),
    Column("params", Text, nullable=False),
    Column("hashes", LargeBinary, nullable=False),
    Column("positions", LargeBinary, nullable=False),
)
errors = Table(
    "errors",
    metadata,
    Column("path", String(1024), primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("code", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("root", Text),
)
pairs = Table(
    "pairs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("a", String(1024), nullable=False),
    Column("b", String(1024), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("similarity", Float, nullable=False),
    Column("copy_ratio_a", Float, nullable=False),
    Column("copy_ratio_b", Float, nullable=False),
    Column("shared_typos", Text, nullable=False),  # JSON list
    Column("evidence", Integer, nullable=False),
)
passages = Table(
    "passages",
    metadata,
    Column("pair_id", Integer, ForeignKey("pairs.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("a_start", Integer, nullable=False),
    Column("a_end", Integer, nullable=False),
    Column("b_start", Integer, nullable=False),
    Column("b_end", Integer, nullable=False),
    Column("text", Text, nullable=False),
)
clusters = Table(
    "clusters",
    metadata,
    Column("cluster", Integer, primary_key=True),
    Column("path", String(1024), primary_key=True),
)
reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("path", String(1024), nullable=False, index=True),
    Column("decision", String(16), nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("reviewer", Text, nullable=False),
    Column("decided_at", String(32), nullable=False),
    # The numbered points of the review letter as the reviewer edited them (JSON list), or NULL for
    # the points shuzhi drafts from the findings.
    Column("points", Text),
)
votes = Table(
    "votes",
    metadata,
    Column("unit", String(512), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("good", Integer, nullable=False),
    Column("fairly_good", Integer, nullable=False),
    Column("average", Integer, nullable=False),
    Column("poor", Integer, nullable=False),
    Column("valid", Integer, nullable=False),
    Column("score", Float, nullable=False),
)


# Last year's problems and the reviewers' known problems, checked against each report.
known_problems = Table(
    "known_problems",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("unit", String(512), nullable=False, index=True),
    Column("year", Integer),  # the year the problem was found; NULL: it applies to every year
    Column("problem", Text, nullable=False),
    Column("source", Text, nullable=False),  # 巡视 / 巡察 / 督查 / 上级点评 / 群众评议 …
)
rectification = Table(
    "rectification",
    metadata,
    Column("path", String(1024), ForeignKey("reports.path", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("item", Text, nullable=False),
    Column("source", Text, nullable=False),  # 上年度查摆 or a known problem's source
    Column("origin", Text, nullable=False),  # the earlier report's path, or "known:<id>"
    Column("status", String(16), nullable=False),  # answered | repeated | not_mentioned
    Column("passage", Text),
    Column("start", Integer),
    Column("end", Integer),
    Column("similarity", Float, nullable=False),
)
rectification_parts = Table(
    "rectification_parts",
    metadata,
    Column("path", String(1024), ForeignKey("reports.path", ondelete="CASCADE"), primary_key=True),
    Column("present", Integer, nullable=False),  # 1: the report has a part on last year's rectification
    Column("start", Integer),
    Column("end", Integer),
)


class StoreError(UsageError):
    """The database cannot be used (not a URL, missing, wrong schema, missing driver, not shuzhi's)."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys and a busy timeout, PostgreSQL needs the postgres
    extra. (WAL is switched on by the store once it knows the file is its own.)"""
    if url.startswith("postgresql"):
        try:
            import psycopg  # noqa: F401
        except ImportError as exc:
            raise ImportError(
                "PostgreSQL needs the psycopg driver: pip install 'shuzhi[postgres]' (or psycopg[binary])"
            ) from exc
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

    return engine


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _safe_url(url: str) -> str:
    """The URL as a user may see it (no password)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: show it as given, it has no password to hide
        return url


def _engine_for(url: str, create: bool) -> Engine:
    """An engine, after the checks that give a clear reason instead of a driver's traceback."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(
            f"{url}: not a database URL (use sqlite:///FILE.db or postgresql://USER@HOST/DB)"
        ) from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"{_safe_url(url)}: unsupported database {parsed.get_backend_name()!r} (use sqlite or postgresql)"
        )
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        path = Path(parsed.database)
        if path.is_dir():
            raise StoreError(f"{_safe_url(url)}: is a directory, not a database file")
        if not path.exists():
            if not create:
                raise StoreError(f"{_safe_url(url)}: no such database file (run `shuzhi batch` first)")
            if not path.parent.is_dir():
                raise StoreError(f"{_safe_url(url)}: folder {str(path.parent)!r} does not exist")
            if not os.access(path.parent, os.W_OK):
                raise StoreError(
                    f"{_safe_url(url)}: cannot create the database, folder {str(path.parent)!r} is not writable"
                )
    try:
        return make_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise StoreError(f"{_safe_url(url)}: cannot use this database ({_first_line(exc)})") from None


# (path, stored result JSON) → the new stored result JSON, its verdict rewritten with corpus evidence.
Rescore = Callable[[str, dict[str, Any]], dict[str, Any]]


@dataclass
class Record:
    """What one analyzed (or failed) file contributes to the store."""

    path: str
    content_hash: str
    result: dict[str, Any] | None = None
    clean_text: str | None = None
    ingest: dict[str, Any] | None = None
    meta: dict[str, Any] | None = None
    fp_params: dict[str, Any] | None = None
    fp_hashes: bytes | None = None
    fp_positions: bytes | None = None
    error_code: str | None = None
    error: str | None = None
    root: str | None = None
    analysis_key: str | None = None


class Store:
    """The database of one review (a year's corpus, possibly with earlier years)."""

    def __init__(self, url: str = DEFAULT_URL, create: bool = True) -> None:
        """Open the database at ``url``; with ``create=False`` it must already be a shuzhi database.

        Nothing is written to a database before it is known to be shuzhi's (or new and empty), so
        opening somebody else's file by mistake changes nothing in it.
        """
        self.url = url
        self.engine = _engine_for(url, create)
        self._ensure_schema(create)

    @classmethod
    def open_existing(cls, url: str) -> Store:
        """A database a batch already wrote (export, votes, the dashboard): never creates one."""
        return cls(url, create=False)

    # -- schema ---------------------------------------------------------------------------------
    def _ensure_schema(self, create: bool = True) -> None:
        try:
            names = set(inspect(self.engine).get_table_names())
        except SQLAlchemyError as exc:
            raise StoreError(
                f"{_safe_url(self.url)}: cannot open the database ({_first_line(exc)})"
            ) from None
        if names and "meta" not in names:
            raise StoreError(
                f"{_safe_url(self.url)}: not a shuzhi database (it has other tables and no meta table)"
            )
        if not names and not create:
            raise StoreError(f"{_safe_url(self.url)}: no shuzhi database here (run `shuzhi batch` first)")
        if "meta" in names:
            version = self._meta_int("schema_version")
            if version > SCHEMA_VERSION:
                raise StoreError(
                    f"{_safe_url(self.url)}: database schema version {version} is newer than this shuzhi's "
                    f"({SCHEMA_VERSION}); upgrade shuzhi"
                )
            if version < SCHEMA_VERSION:
                self._upgrade(version)
        try:
            if self.engine.dialect.name == "sqlite":
                with self.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            metadata.create_all(self.engine)
            with self.engine.begin() as conn:
                if not conn.execute(select(meta_table).where(meta_table.c.key == "schema_version")).first():
                    conn.execute(insert(meta_table).values(key="schema_version", value=str(SCHEMA_VERSION)))
        except SQLAlchemyError as exc:
            raise StoreError(
                f"{_safe_url(self.url)}: cannot write the database ({_first_line(exc)})"
            ) from None

    def _meta_int(self, key: str) -> int:
        value = self.get_meta(key)
        try:
            return int(value) if value is not None else 0
        except ValueError:
            raise StoreError(f"{_safe_url(self.url)}: bad {key} {value!r} in the meta table") from None

    def get_meta(self, key: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(meta_table.c.value).where(meta_table.c.key == key)).first()
        return row[0] if row else None

    def set_meta(self, key: str, value: str, conn: Any = None) -> None:
        if conn is None:
            with self.engine.begin() as own:
                self.set_meta(key, value, own)
            return
        conn.execute(delete(meta_table).where(meta_table.c.key == key))
        conn.execute(insert(meta_table).values(key=key, value=value))

    def _upgrade(self, version: int) -> None:
        """Version 1 → 2: the folder each report came from (rows of version 1 keep it unknown)."""
        if version != 1:
            raise StoreError(
                f"{_safe_url(self.url)}: database schema version {version} is older than any this shuzhi "
                "can upgrade; re-run the batch into a new database"
            )
        with self.engine.begin() as conn:
            for table in ("reports", "errors"):
                conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN root TEXT")
            conn.exec_driver_sql("ALTER TABLE reports ADD COLUMN analysis_key VARCHAR(64)")
            conn.exec_driver_sql("ALTER TABLE reviews ADD COLUMN points TEXT")
            conn.execute(update(meta_table).where(meta_table.c.key == "schema_version").values(value="2"))

    # -- corpus-level steps ---------------------------------------------------------------------
    def similarity_pending(self) -> bool:
        """Whether reports changed since copy detection last completed (a run killed in between)."""
        return self.get_meta("similarity_pending") == "1"

    # -- runs -----------------------------------------------------------------------------------
    def start_run(self, root: str) -> int:
        """A new run; runs left "running" by a killed process are marked "interrupted" first."""
        with self.engine.begin() as conn:
            conn.execute(update(runs).where(runs.c.status == "running").values(status="interrupted"))
            return int(
                conn.execute(insert(runs).values(started_at=_now(), root=root)).inserted_primary_key[0]
            )

    def last_run(self) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(runs).order_by(runs.c.id.desc()).limit(1)).first()
        return dict(row._mapping) if row else None

    def finish_run(self, run_id: int, analyzed: int, skipped: int, failed: int, status: str = "done") -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(runs)
                .where(runs.c.id == run_id)
                .values(finished_at=_now(), analyzed=analyzed, skipped=skipped, failed=failed, status=status)
            )

    # -- reports --------------------------------------------------------------------------------
    def stored_reports(self) -> dict[str, tuple[str, str | None, str | None]]:
        """path → (content hash, root, analysis key) of every stored report (failures are not listed:
        they are retried on every run)."""
        query = select(reports.c.path, reports.c.content_hash, reports.c.root, reports.c.analysis_key)
        with self.engine.connect() as conn:
            return {r.path: (r.content_hash, r.root, r.analysis_key) for r in conn.execute(query)}

    def error_paths(self) -> dict[str, str | None]:
        """path → root of every stored failure."""
        with self.engine.connect() as conn:
            return {r.path: r.root for r in conn.execute(select(errors.c.path, errors.c.root))}

    def save(self, records: Sequence[Record]) -> None:
        """Replace the stored results of these files, all in one transaction.

        Copy detection is marked pending in the same transaction, so a run killed after this and
        before copy detection finished redoes it next time.
        """
        if not records:
            return
        with self.engine.begin() as conn:
            paths = [r.path for r in records]
            for table in (findings, fingerprints, errors):
                conn.execute(delete(table).where(table.c.path.in_(paths)))
            conn.execute(delete(reports).where(reports.c.path.in_(paths)))
            report_rows, finding_rows, fp_rows, error_rows = [], [], [], []
            for r in records:
                if r.result is None:
                    error_rows.append(
                        {
                            "path": r.path,
                            "content_hash": r.content_hash,
                            "code": r.error_code or "error",
                            "reason": r.error or "",
                            "root": r.root,
                        }
                    )
                    continue
                report_rows.append(_report_row(r))
                for seq, f in enumerate(r.result["findings"]):
                    finding_rows.append({"path": r.path, "seq": seq, **f})
                if r.fp_hashes is not None:
                    fp_rows.append(
                        {
                            "path": r.path,
                            "params": json.dumps(r.fp_params, sort_keys=True),
                            "hashes": r.fp_hashes,
                            "positions": r.fp_positions,
                        }
                    )
            for table, rows in (
                (reports, report_rows),
                (findings, finding_rows),
                (fingerprints, fp_rows),
                (errors, error_rows),
            ):
                if rows:
                    conn.execute(insert(table), rows)
            self.set_meta("similarity_pending", "1", conn)

    def remove(self, paths: Iterable[str]) -> list[str]:
        """Forget these reports and failures (reviewers' decisions stay in ``reviews``).

        Returns the removed paths that had a reviewer's decision, so the caller can say so.
        """
        gone = sorted(set(paths))
        if not gone:
            return []
        decided = sorted(set(self.latest_reviews()) & set(gone))
        with self.engine.begin() as conn:
            for table in (findings, fingerprints, errors, reports):
                conn.execute(delete(table).where(table.c.path.in_(gone)))
            self.set_meta("similarity_pending", "1", conn)
        return decided

    def report_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(reports)).scalar_one())

    def fingerprint_rows(self) -> Iterator[tuple[str, str | None, int | None, list[str], dict, bytes, bytes]]:
        """(path, unit, year, typo texts, params, hashes, positions) of every report, sorted by path."""
        query = (
            select(
                reports.c.path,
                reports.c.unit,
                reports.c.year,
                reports.c.typo_texts,
                fingerprints.c.params,
                fingerprints.c.hashes,
                fingerprints.c.positions,
            )
            .join(fingerprints, fingerprints.c.path == reports.c.path)
            .order_by(reports.c.path)
        )
        with self.engine.connect() as conn:
            for r in conn.execute(query):
                yield (
                    r.path,
                    r.unit,
                    r.year,
                    json.loads(r.typo_texts),
                    json.loads(r.params),
                    bytes(r.hashes),
                    bytes(r.positions),
                )

    def text_and_typos(self, path: str) -> tuple[str, list[tuple[str, int, int]]]:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(reports.c.clean_text, reports.c.result).where(reports.c.path == path)
            ).one()
        typos = [(t["text"], t["start"], t["end"]) for t in json.loads(row.result)["typos"]]
        return row.clean_text, typos

    def report(self, path: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(reports).where(reports.c.path == path)).first()
        return dict(row._mapping) if row else None

    # -- similarity -----------------------------------------------------------------------------
    def replace_similarity(
        self,
        pair_list: Sequence[Any],
        rings: Sequence[Sequence[str]],
        rescore: Rescore | None = None,
    ) -> None:
        """Store verified pairs (sorted) with their passages, the copy rings and, through ``rescore``
        (path, stored result → new stored result), every report's flags and score: all in one transaction,
        which also clears the pending mark, so a kill at any point leaves either the old state with the
        mark or the new one without it."""
        ordered = sorted(pair_list, key=lambda p: (p.a, p.b, p.kind))
        with self.engine.begin() as conn:
            self._write_similarity(conn, ordered, rings)
            if rescore is not None:
                _rescore_rows(conn, rescore)
            self.set_meta("similarity_pending", "0", conn)

    def report_years(self) -> dict[str, int | None]:
        with self.engine.connect() as conn:
            return {r.path: r.year for r in conn.execute(select(reports.c.path, reports.c.year))}

    def _write_similarity(self, conn: Any, ordered: Sequence[Any], rings: Sequence[Sequence[str]]) -> None:
        conn.execute(delete(passages))
        conn.execute(delete(pairs))
        conn.execute(delete(clusters))
        pair_rows, passage_rows = [], []
        for pid, p in enumerate(ordered, 1):
            pair_rows.append(
                {
                    "id": pid,
                    "a": p.a,
                    "b": p.b,
                    "kind": p.kind,
                    "similarity": round(p.similarity, 6),
                    "copy_ratio_a": round(p.copy_ratio_a, 6),
                    "copy_ratio_b": round(p.copy_ratio_b, 6),
                    "shared_typos": json.dumps(list(p.shared_typos), ensure_ascii=False),
                    "evidence": p.evidence,
                }
            )
            for seq, q in enumerate(p.passages):
                passage_rows.append(
                    {
                        "pair_id": pid,
                        "seq": seq,
                        "a_start": q.a_start,
                        "a_end": q.a_end,
                        "b_start": q.b_start,
                        "b_end": q.b_end,
                        "text": q.text,
                    }
                )
        if pair_rows:
            conn.execute(insert(pairs), pair_rows)
        if passage_rows:
            conn.execute(insert(passages), passage_rows)
        ring_rows = [
            {"cluster": n, "path": path}
            for n, ring in enumerate(sorted(map(sorted, rings)), 1)
            for path in ring
        ]
        if ring_rows:
            conn.execute(insert(clusters), ring_rows)

    # -- reviews and votes ----------------------------------------------------------------------
    def add_review(
        self, path: str, decision: str, note: str, reviewer: str, points: Sequence[str] | None = None
    ) -> None:
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}, got {decision!r}")
        if not reviewer.strip():
            raise ValueError("a review needs the reviewer's name")
        with self.engine.begin() as conn:
            if not conn.execute(select(reports.c.path).where(reports.c.path == path)).first():
                raise ValueError(f"no report {path!r} in the database")
            conn.execute(
                insert(reviews).values(
                    path=path,
                    decision=decision,
                    note=note,
                    reviewer=reviewer.strip(),
                    decided_at=_now(),
                    points=None if points is None else json.dumps(list(points), ensure_ascii=False),
                )
            )

    def latest_reviews(self) -> dict[str, dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(reviews).order_by(reviews.c.path, reviews.c.id)).all()
        out: dict[str, dict[str, Any]] = {}
        for r in rows:
            out[r.path] = dict(r._mapping, points=json.loads(r.points) if r.points else None)
        return out

    def units(self) -> dict[str, list[int]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(reports.c.unit, reports.c.year).where(reports.c.unit.is_not(None))
            ).all()
        out: dict[str, list[int]] = {}
        for unit, year in rows:
            out.setdefault(unit, [])
            if year is not None and year not in out[unit]:
                out[unit].append(year)
        return out

    def replace_votes(self, rows: Sequence[dict[str, Any]]) -> None:
        with self.engine.begin() as conn:
            for row in rows:
                conn.execute(delete(votes).where(votes.c.unit == row["unit"], votes.c.year == row["year"]))
            if rows:
                conn.execute(insert(votes), list(rows))

    # -- reading everything ---------------------------------------------------------------------
    def export_data(self) -> dict[str, Any]:
        """The contract's export object: every list sorted, floats rounded, so exports are byte-stable."""
        reviewed = self.latest_reviews()
        with self.engine.connect() as conn:
            report_rows = conn.execute(select(reports).order_by(reports.c.path)).all()
            pair_rows = conn.execute(select(pairs).order_by(pairs.c.a, pairs.c.b, pairs.c.kind)).all()
            ring_rows = conn.execute(select(clusters).order_by(clusters.c.cluster, clusters.c.path)).all()
            error_rows = conn.execute(select(errors).order_by(errors.c.path)).all()
        max_ratio: dict[str, float] = {}
        for p in pair_rows:
            max_ratio[p.a] = max(max_ratio.get(p.a, 0.0), p.copy_ratio_a)
            max_ratio[p.b] = max(max_ratio.get(p.b, 0.0), p.copy_ratio_b)
        out_reports = []
        for r in report_rows:
            review = reviewed.get(r.path)
            out_reports.append(
                {
                    "path": r.path,
                    "unit": r.unit,
                    "year": r.year,
                    "author": r.author,
                    "genre": r.genre,
                    "score": round(r.score, 4),
                    "flags": json.loads(r.flags),
                    "personal": r.personal,
                    "personal_share": round(r.personal_share, 4),
                    "achievement_share": round(r.achievement_share, 4),
                    "missing": json.loads(r.missing),
                    "max_copy_ratio": round(max_ratio.get(r.path, 0.0), 4),
                    "decision": review["decision"] if review else None,
                }
            )
        grouped: dict[int, list[str]] = {}
        for row in ring_rows:
            grouped.setdefault(row.cluster, []).append(row.path)
        return {
            "reports": out_reports,
            "pairs": [
                {
                    "a": p.a,
                    "b": p.b,
                    "kind": p.kind,
                    "copy_ratio_a": round(p.copy_ratio_a, 4),
                    "copy_ratio_b": round(p.copy_ratio_b, 4),
                    "shared_typos": sorted(json.loads(p.shared_typos)),
                }
                for p in pair_rows
            ],
            "clusters": sorted(sorted(v) for v in grouped.values()),
            "errors": [{"path": e.path, "reason": e.reason} for e in error_rows],
        }

    # -- rectification: last year's problems and known problems ---------------------------------
    def replace_known_problems(self, rows: Sequence[dict[str, Any]]) -> None:
        """Store a list of known problems (unit, year, problem, source), replacing the units' earlier
        lists for the same years; ids follow the sorted rows, so the same list stores the same ids."""
        with self.engine.begin() as conn:
            for key in sorted({(r["unit"], r.get("year")) for r in rows}, key=str):
                unit, year = key
                cond = known_problems.c.year.is_(None) if year is None else known_problems.c.year == year
                conn.execute(delete(known_problems).where(known_problems.c.unit == unit, cond))
            kept = [dict(r._mapping) for r in conn.execute(select(known_problems)).all()]
            merged = sorted(
                [{k: v for k, v in r.items() if k != "id"} for r in kept] + [dict(r) for r in rows],
                key=lambda r: (r["unit"], r.get("year") or 0, r["problem"], r["source"]),
            )
            conn.execute(delete(known_problems))
            if merged:
                conn.execute(
                    insert(known_problems),
                    [
                        {"id": i, **{k: r.get(k) for k in ("unit", "year", "problem", "source")}}
                        for i, r in enumerate(merged, 1)
                    ],
                )

    def known_problem_rows(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(known_problems).order_by(known_problems.c.id)).all()
        return [dict(r._mapping) for r in rows]

    def rectification_inputs(self) -> list[dict[str, Any]]:
        """path, unit and year of every report (sorted by path); texts are read one at a time."""
        query = select(reports.c.path, reports.c.unit, reports.c.year).order_by(reports.c.path)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query).all()]

    def text_and_sections(self, path: str) -> tuple[str, dict[str, Any]]:
        """A report's clean text and its stored four parts."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(reports.c.clean_text, reports.c.result).where(reports.c.path == path)
            ).one()
        return row.clean_text, json.loads(row.result)["sections"]

    def replace_rectification(
        self, rows: Sequence[dict[str, Any]], parts: Sequence[dict[str, Any]], conn: Any = None
    ) -> None:
        """Replace every report's rectification results (items and whether the part is there)."""
        if conn is None:
            with self.engine.begin() as own:
                self.replace_rectification(rows, parts, own)
            return
        conn.execute(delete(rectification))
        conn.execute(delete(rectification_parts))
        if rows:
            conn.execute(insert(rectification), list(rows))
        if parts:
            conn.execute(insert(rectification_parts), list(parts))

    def rectification_rows(self, path: str | None = None) -> list[dict[str, Any]]:
        query = select(rectification).order_by(rectification.c.path, rectification.c.seq)
        if path is not None:
            query = query.where(rectification.c.path == path)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query).all()]

    def rectification_part(self, path: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(rectification_parts).where(rectification_parts.c.path == path)).first()
        return dict(row._mapping) if row else None

    def rescore_all(self, rescore: Rescore) -> None:
        """Every report's flags and score again through ``rescore`` (path, stored result → new
        stored result), in one transaction: used when corpus evidence changes without a batch."""
        with self.engine.begin() as conn:
            _rescore_rows(conn, rescore)

    def pair_rows(self) -> list[dict[str, Any]]:
        """Stored pairs with their passages (sorted), for letters and the summary."""
        with self.engine.connect() as conn:
            prs = conn.execute(select(pairs).order_by(pairs.c.id)).all()
            ps = conn.execute(select(passages).order_by(passages.c.pair_id, passages.c.seq)).all()
        grouped: dict[int, list[dict[str, Any]]] = {}
        for q in ps:
            grouped.setdefault(q.pair_id, []).append(dict(q._mapping))
        return [
            dict(p._mapping, shared_typos=json.loads(p.shared_typos), passages=grouped.get(p.id, []))
            for p in prs
        ]

    def finding_rows(self, path: str) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(findings).where(findings.c.path == path).order_by(findings.c.seq)
            ).all()
        return [dict(r._mapping) for r in rows]

    # -- queries the dashboard reads ---------------------------------------------------------------
    def data_version(self) -> tuple[int, int, int, int]:
        """Changes whenever a batch, a decision or a vote import writes: a key for cached queries."""
        with self.engine.connect() as conn:
            return (
                int(conn.execute(select(func.coalesce(func.max(runs.c.id), 0))).scalar_one()),
                int(conn.execute(select(func.coalesce(func.max(reviews.c.id), 0))).scalar_one()),
                int(conn.execute(select(func.count()).select_from(votes)).scalar_one()),
                int(conn.execute(select(func.count()).select_from(reports)).scalar_one()),
            )

    def overview_rows(self) -> list[dict[str, Any]]:
        """The overview's columns of every report (sorted by path), JSON columns decoded, with the
        highest share of the report found in any pair as ``max_copy_ratio``."""
        columns = ("path", "unit", "level", "year", "author", "genre", "score", "personal")
        columns += ("personal_share", "achievement_share", "missing", "flags")
        with self.engine.connect() as conn:
            rows = conn.execute(select(*(reports.c[c] for c in columns)).order_by(reports.c.path)).all()
            ratios = conn.execute(
                select(pairs.c.a, pairs.c.b, pairs.c.copy_ratio_a, pairs.c.copy_ratio_b)
            ).all()
        top: dict[str, float] = {}
        for a, b, ra, rb in ratios:
            top[a] = max(top.get(a, 0.0), ra)
            top[b] = max(top.get(b, 0.0), rb)
        return [
            dict(
                r._mapping,
                flags=json.loads(r.flags),
                missing=json.loads(r.missing),
                max_copy_ratio=top.get(r.path, 0.0),
            )
            for r in rows
        ]

    def pairs_by_evidence(self, path: str | None = None) -> list[dict[str, Any]]:
        """Stored pairs, strongest evidence first (those of ``path`` only when given)."""
        query = select(pairs)
        if path is not None:
            query = query.where((pairs.c.a == path) | (pairs.c.b == path))
        query = query.order_by(pairs.c.evidence.desc(), pairs.c.a, pairs.c.b, pairs.c.id)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [dict(p._mapping, shared_typos=json.loads(p.shared_typos)) for p in rows]

    def passages_of(self, pair_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
        """Each pair's aligned passages in order."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(passages)
                .where(passages.c.pair_id.in_(list(pair_ids)))
                .order_by(passages.c.pair_id, passages.c.seq)
            ).all()
        out: dict[int, list[dict[str, Any]]] = {}
        for q in rows:
            out.setdefault(q.pair_id, []).append(dict(q._mapping))
        return out

    def pair(self, pair_id: int) -> dict[str, Any] | None:
        """One pair with its passages, or None."""
        with self.engine.connect() as conn:
            p = conn.execute(select(pairs).where(pairs.c.id == pair_id)).first()
        if p is None:
            return None
        return dict(
            p._mapping,
            shared_typos=json.loads(p.shared_typos),
            passages=self.passages_of([pair_id]).get(pair_id, []),
        )

    def reviews_of(self, path: str) -> list[dict[str, Any]]:
        """A report's decisions, newest first."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(reviews).where(reviews.c.path == path).order_by(reviews.c.id.desc())
            ).all()
        return [dict(r._mapping) for r in rows]

    def rings(self) -> list[list[str]]:
        """The copy rings: each a sorted list of paths."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(clusters).order_by(clusters.c.cluster, clusters.c.path)).all()
        grouped: dict[int, list[str]] = {}
        for r in rows:
            grouped.setdefault(r.cluster, []).append(r.path)
        return [grouped[k] for k in sorted(grouped)]

    def summary_rows(self) -> list[dict[str, Any]]:
        """path, unit, year, level, score and flags of every report (sorted by path)."""
        query = select(
            reports.c.path, reports.c.unit, reports.c.year, reports.c.level, reports.c.score, reports.c.flags
        ).order_by(reports.c.path)
        with self.engine.connect() as conn:
            return [dict(r._mapping, flags=json.loads(r.flags)) for r in conn.execute(query).all()]

    def vote_rows(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [
                dict(r._mapping) for r in conn.execute(select(votes).order_by(votes.c.unit, votes.c.year))
            ]


def _report_row(r: Record) -> dict[str, Any]:
    res = r.result or {}
    meta = r.meta or {}
    fp = res["first_person"]
    bal = res["balance"]
    return {
        "path": r.path,
        "content_hash": r.content_hash,
        "report_id": res["id"],
        "unit": res.get("unit"),
        "year": res.get("year"),
        "author": meta.get("author"),
        "level": meta.get("level"),
        "genre": res["genre"]["label"],
        "genre_confidence": res["genre"]["confidence"],
        "score": res["score"],
        "flags": json.dumps(sorted(res["flags"]), ensure_ascii=False),
        "personal": fp["personal"],
        "collective": fp["collective"],
        "institutional": fp["institutional"],
        "personal_share": fp["personal_share"],
        "achievement_share": bal["achievement_share"],
        "problem_share": bal["problem_share"],
        "plan_share": bal["plan_share"],
        "missing": json.dumps(res["sections"]["missing"], ensure_ascii=False),
        "typo_texts": json.dumps(sorted({t["text"] for t in res["typos"]}), ensure_ascii=False),
        "chars": res["chars"],
        "clean_text": r.clean_text or "",
        "result": json.dumps(res, ensure_ascii=False, sort_keys=True),
        "ingest": json.dumps(r.ingest or {}, ensure_ascii=False, sort_keys=True),
        "root": r.root,
        "analysis_key": r.analysis_key,
    }


def fingerprint_arrays(hashes: bytes, positions: bytes) -> tuple[np.ndarray, np.ndarray]:
    return np.frombuffer(hashes, dtype=np.uint64).copy(), np.frombuffer(positions, dtype=np.int32).copy()


def _rescore_rows(conn: Any, rescore: Rescore) -> None:
    """Every report's stored result through ``rescore``; its flags and score are written to the
    columns from the new result, so no stale verdict is left anywhere."""
    for row in conn.execute(select(reports.c.path, reports.c.result)).all():
        result = rescore(row.path, json.loads(row.result))
        conn.execute(
            update(reports)
            .where(reports.c.path == row.path)
            .values(
                flags=json.dumps(sorted(result["flags"]), ensure_ascii=False),
                score=result["score"],
                result=json.dumps(result, ensure_ascii=False, sort_keys=True),
            )
        )
