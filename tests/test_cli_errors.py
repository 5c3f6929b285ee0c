"""Every way a user can give the command something wrong ends in one line and the right exit code:
2 for usage (a bad database, folder, option or setting), 1 when some inputs failed. Never a
traceback, and never a database created by a mistyped path."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLES

REPORT = SAMPLES / "2024_county_edu_bureau_good.txt"


def _run(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SHUZHI_QUIET": "1", **(env or {})},
    )


def _one_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("shuzhi: ")
    return lines[0]


@pytest.fixture()
def corrupt_db(tmp_path: Path) -> Path:
    path = tmp_path / "corrupt.db"
    path.write_bytes(b"SQLite format 3\0" + b"\xff" * 4000)
    return path


@pytest.mark.parametrize(
    ("db", "message"),
    [
        pytest.param("not a url", "not a database URL", id="not-a-url"),
        pytest.param("mysql://u@127.0.0.1/x", "unsupported database 'mysql'", id="unknown-dialect"),
        pytest.param("sqlite:///{tmp}", "is a directory", id="directory"),
        pytest.param("sqlite:///{tmp}/no/such/folder/x.db", "does not exist", id="missing-folder"),
        pytest.param("sqlite:////proc/shuzhi-test.db", "cannot", id="unwritable"),
        pytest.param("sqlite:///{corrupt}", "cannot open the database", id="corrupt"),
    ],
)
def test_bad_db_for_batch_is_a_usage_error(tmp_path: Path, corrupt_db: Path, db: str, message: str) -> None:
    url = db.format(tmp=tmp_path, corrupt=corrupt_db)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / REPORT.name).write_bytes(REPORT.read_bytes())
    proc = _run("batch", str(corpus), "--db", url, "--workers", "1")
    assert proc.returncode == 2
    assert message in _one_line(proc)


def test_export_of_a_mistyped_database_creates_nothing(tmp_path: Path) -> None:
    target = tmp_path / "typo.db"
    proc = _run("export", "--db", f"sqlite:///{target}", "--format", "json")
    assert proc.returncode == 2 and "no such database file" in _one_line(proc)
    assert not target.exists()


def test_export_of_a_database_that_is_not_shuzhis_changes_nothing(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table accounts (name text)")
        conn.execute("insert into accounts values ('x')")
    before = other.read_bytes()
    proc = _run("export", "--db", f"sqlite:///{other}", "--format", "json")
    assert proc.returncode == 2 and "not a shuzhi database" in _one_line(proc)
    assert "accounts" not in proc.stderr  # another file's tables are not listed
    assert other.read_bytes() == before
    assert not Path(f"{other}-wal").exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        pytest.param(
            ("batch", "/nonexistent/corpus"), 2, "/nonexistent/corpus: not a folder", id="batch-missing"
        ),
        pytest.param(("export", "--format", "xlsx"), 2, "--format xlsx needs --out", id="xlsx-without-out"),
    ],
)
def test_usage_errors(tmp_path: Path, args: tuple[str, ...], code: int, message: str) -> None:
    proc = _run(*args, "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert proc.returncode == code
    assert message in _one_line(proc)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        pytest.param("[similarity]\nk = 1.5\n", "similarity.k must be a whole number", id="float-for-int"),
        pytest.param(
            "[similarity]\nseed = 'x'\n", "similarity.seed must be a whole number", id="string-for-int"
        ),
        pytest.param(
            "[ingest]\nmax_file_mb = true\n", "ingest.max_file_mb must be a number", id="bool-for-number"
        ),
        pytest.param("[ingest]\nmax_text_chars = 0\n", "max_text_chars must be >= 1", id="out-of-range"),
        pytest.param("extra_lexicon_dirs = 'lex'\n", "must be a list of strings", id="string-for-list"),
        pytest.param("[similarity]\nmin_dense = -3\n", "min_dense must be >= 1", id="negative"),
    ],
)
def test_bad_settings_are_usage_errors(tmp_path: Path, toml: str, message: str) -> None:
    cfg = tmp_path / "settings.toml"
    cfg.write_text(toml, encoding="utf-8")
    proc = _run("--config", str(cfg), "clean", str(REPORT))
    assert proc.returncode == 2
    assert message in _one_line(proc)


def test_settings_file_not_utf8(tmp_path: Path) -> None:
    cfg = tmp_path / "settings.toml"
    cfg.write_bytes("# 设置\n".encode("gbk"))
    proc = _run("--config", str(cfg), "clean", str(REPORT))
    assert proc.returncode == 2 and "cannot read settings" in _one_line(proc)


def test_lexicon_not_utf8_is_one_line_before_any_work(tmp_path: Path) -> None:
    extra = tmp_path / "lex"
    extra.mkdir()
    (extra / "typos.txt").write_bytes("# 本单位补充\n布暑\t部署\n".encode("gbk"))
    proc = _run("analyze", str(REPORT), env={"SHUZHI_LEXICONS": str(extra)})
    assert proc.returncode == 2
    assert "typos.txt: not UTF-8" in _one_line(proc)


def test_control_characters_in_a_name_cannot_forge_lines(tmp_path: Path) -> None:
    bad = tmp_path / "x\nshuzhi: all files passed.txt"
    bad.write_bytes(b"")
    proc = _run("clean", str(bad))
    assert proc.returncode == 1
    assert "\\n" in _one_line(proc)
