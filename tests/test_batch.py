"""Batch runs as a user meets them: bad files, re-runs, changes, kill -9 and resume, exports, votes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from pipeline.batch import run_batch
from pipeline.cli import main
from pipeline.export import export
from pipeline.store import Store, StoreError
from pipeline.votes import VotesError, import_votes
from tests.conftest import ROOT
from tests.pdfmaker import make_pdf


def _corpus(tmp: Path, samples: Path, bad: bool = True) -> Path:
    root = tmp / "corpus"
    shutil.copytree(samples, root, ignore=shutil.ignore_patterns("README.md", "EXPECTED.json"))
    if bad:
        (root / "bad").mkdir()
        (root / "bad" / "empty.txt").write_bytes(b"")
        (root / "bad" / "binary.txt").write_bytes(bytes(range(256)) * 30)
        (root / "bad" / "scan.pdf").write_bytes(make_pdf([None, None]))
        (root / "bad" / "garbage.txt").write_bytes("党建工作".encode()[:-1] + bytes([0x81, 0x30, 0xFE]) * 200)
        with zipfile.ZipFile(root / "bad" / "bomb.docx", "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("word/document.xml", b"\0" * (201 * 1024 * 1024))
    return root


def _export(url: str) -> str:
    return export(Store(url), "json", None) or ""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.conftest import SAMPLES

    return _corpus(tmp_path_factory.mktemp("batch"), SAMPLES)


@pytest.fixture(scope="module")
def stored(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, object]:
    url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'first.db'}"
    summary = run_batch(corpus, url, workers=2, progress=False)
    return url, summary


def test_bad_files_named_others_stored(stored) -> None:
    url, summary = stored
    assert summary.analyzed == 16 and summary.failed == 5
    reasons = dict(summary.failures)
    assert "empty" in reasons["bad/empty.txt"]
    assert "binary" in reasons["bad/binary.txt"]
    assert reasons["bad/scan.pdf"] == "no text layer (scanned PDF?)"
    assert "zip bomb" in reasons["bad/bomb.docx"]
    assert "bad/garbage.txt" in reasons
    data = json.loads(_export(url))
    assert len(data["reports"]) == 16
    assert [e["path"] for e in data["errors"]] == sorted(reasons)


def test_copy_flags_and_pairs_stored(stored) -> None:
    url, _ = stored
    data = json.loads(_export(url))
    kinds = {(p["a"], p["b"]): p["kind"] for p in data["pairs"]}
    assert kinds[("2024_district_agri_bureau_copy_a.txt", "2024_district_water_bureau_copy_b.txt")] == "copy"
    assert (
        kinds[("2023_university_chem_college.txt", "2024_university_chem_college_repeat.txt")]
        == "repeats_last_year"
    )
    flags = {r["path"]: r["flags"] for r in data["reports"]}
    assert "copied" in flags["2024_district_water_bureau_copy_b.txt"]
    assert "repeats_last_year" in flags["2024_university_chem_college_repeat.txt"]
    assert "repeats_last_year" not in flags["2023_university_chem_college.txt"]
    units = {r["path"]: (r["unit"], r["year"], r["author"]) for r in data["reports"]}
    assert units["2024_county_edu_bureau_good.txt"] == ("岚溪县教育局党组", 2024, "周明远")


def test_rerun_skips_reports_retries_failures(stored, corpus: Path, tmp_path: Path) -> None:
    url, first = stored
    db = Path(url.removeprefix("sqlite:///"))
    before = _export(url)
    summary = run_batch(corpus, url, workers=1, progress=False)
    # Stored reports are skipped; failed files are tried again and still reported.
    assert summary.analyzed == 0 and summary.skipped == 16 and summary.failed == 5
    assert dict(summary.failures) == dict(first.failures)
    assert _export(url) == before
    store = Store(url)
    with store.engine.connect() as conn:
        from sqlalchemy import func, select

        from pipeline.store import runs

        assert conn.execute(select(func.count()).select_from(runs)).scalar_one() == 2
    assert db.exists()


def test_changed_file_is_reanalyzed(samples: Path, tmp_path: Path) -> None:
    root = _corpus(tmp_path, samples, bad=False)
    url = f"sqlite:///{tmp_path / 'c.db'}"
    run_batch(root, url, progress=False)
    target = root / "2024_city_housing_bureau_team.txt"
    target.write_text(target.read_text(encoding="utf-8").replace("局党组", "我"), encoding="utf-8")
    summary = run_batch(root, url, progress=False)
    assert summary.analyzed == 1 and summary.skipped == 15
    row = Store(url).report("2024_city_housing_bureau_team.txt")
    assert "team_report" not in json.loads(row["flags"])


def test_exports_byte_identical_and_excel_readable(stored, tmp_path: Path) -> None:
    url, _ = stored
    assert _export(url) == _export(url)
    xlsx = tmp_path / "out.xlsx"
    export(Store(url), "xlsx", str(xlsx))
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert set(sheets) == {"reports", "pairs", "clusters", "errors"}
    assert "岚溪县教育局党组" in set(sheets["reports"]["unit"])
    csv_path = tmp_path / "out.csv"
    export(Store(url), "csv", str(csv_path))
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "清源区水务局党组".encode() in raw
    assert (tmp_path / "out.pairs.csv").exists() and (tmp_path / "out.errors.csv").exists()
    assert len(pd.read_csv(csv_path, encoding="utf-8-sig")) == len(sheets["reports"])


def test_votes_import(stored, tmp_path: Path) -> None:
    url, _ = stored
    store = Store(url)
    good = tmp_path / "votes.csv"
    good.write_text(
        "unit,好,较好,一般,差\n岚溪县教育局党组,30,10,5,5\n清源区水务局党组,10,0,0,0\n", encoding="utf-8-sig"
    )
    assert import_votes(good, store) == 2
    with store.engine.connect() as conn:
        from sqlalchemy import select

        from pipeline.store import votes

        rows = {r.unit: r for r in conn.execute(select(votes))}
    assert rows["岚溪县教育局党组"].score == pytest.approx((30 * 100 + 10 * 80 + 5 * 60) / 50)
    assert rows["岚溪县教育局党组"].year == 2024 and rows["岚溪县教育局党组"].valid == 50


@pytest.mark.parametrize(
    ("body", "message"),
    [
        pytest.param("岚溪县教育局党组,-1,2,3,4\n", "row 2: 好 -1 is negative", id="negative"),
        pytest.param("岚溪县教育局党组,x,2,3,4\n", "row 2: 好 'x' is not a whole number", id="not-number"),
        pytest.param("岚溪县教育局党组,0,0,0,0\n", "row 2: 岚溪县教育局党组 has zero votes", id="zero"),
        pytest.param(
            "不存在的单位,1,2,3,4\n", "row 2: unit '不存在的单位' is not in the database", id="unknown"
        ),
    ],
)
def test_votes_bad_rows_import_nothing(stored, tmp_path: Path, body: str, message: str) -> None:
    url, _ = stored
    store = Store(url)
    path = tmp_path / "bad.csv"
    path.write_text(
        "unit,好,较好,一般,差\n清源区水务局党组,1,1,1,1\n" + body.replace("row 2", ""), encoding="utf-8"
    )
    with pytest.raises(VotesError) as err:
        import_votes(path, store)
    assert message.replace("row 2", "row 3") in str(err.value)
    with store.engine.connect() as conn:
        from sqlalchemy import select

        from pipeline.store import votes

        assert all(r.unit != "清源区水务局党组" or r.good != 1 for r in conn.execute(select(votes)))


def test_newer_schema_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    store = Store(url)
    with store.engine.begin() as conn:
        from sqlalchemy import update

        from pipeline.store import meta_table

        conn.execute(update(meta_table).values(value="99"))
    with pytest.raises(StoreError, match="newer than this shuzhi"):
        Store(url)


def test_cli_batch_exit_1_names_bad_files(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["batch", str(corpus), "--db", f"sqlite:///{tmp_path / 'cli.db'}", "--workers", "2"])
    err = capsys.readouterr().err
    assert code == 1
    assert "bad/scan.pdf: no text layer (scanned PDF?)" in err
    assert "analyzed 16" in err


def _many(tmp: Path, samples: Path, n: int) -> Path:
    """n distinct reports: samples with the unit names and numbers varied."""
    root = tmp / "many"
    root.mkdir()
    texts = [p for p in sorted(samples.glob("*.txt"))]
    from pipeline.ingest.decoding import decode

    for i in range(n):
        src = texts[i % len(texts)]
        text = decode(src.read_bytes()).text.replace("党", f"党{i % 7}", 1)
        (root / f"r{i:04d}.txt").write_text(f"第{i}号\n" + text, encoding="utf-8")
    return root


def test_kill_9_and_resume_matches_uninterrupted(samples: Path, tmp_path: Path) -> None:
    root = _many(tmp_path, samples, 120)
    full = f"sqlite:///{tmp_path / 'full.db'}"
    run_batch(root, full, workers=2, progress=False)
    killed_db = tmp_path / "killed.db"
    env = dict(os.environ, SHUZHI_QUIET="1")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipeline",
            "batch",
            str(root),
            "--db",
            f"sqlite:///{killed_db}",
            "--workers",
            "1",
        ],
        env=env,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    deadline = time.time() + 120
    stored = 0
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
        if killed_db.exists():
            try:
                stored = Store(f"sqlite:///{killed_db}").report_count()
            except Exception:
                stored = 0
            if stored >= 32:
                break
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 0 < Store(f"sqlite:///{killed_db}").report_count() < 120
    summary = run_batch(root, f"sqlite:///{killed_db}", workers=2, progress=False)
    assert summary.skipped >= 32
    assert _export(f"sqlite:///{killed_db}") == _export(full)


def test_postgresql_gives_the_same_export(stored, corpus: Path, postgres_url) -> None:
    url, _ = stored
    pg = postgres_url()
    run_batch(corpus, pg, workers=2, progress=False)
    assert _export(pg) == _export(url)


def test_dask_cluster_gives_the_same_export(stored, corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the scale extra (dask[distributed]) is not installed")
    from distributed import LocalCluster

    url, _ = stored
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        dask_url = f"sqlite:///{tmp_path / 'dask.db'}"
        summary = run_batch(corpus, dask_url, scheduler=cluster.scheduler_address, progress=False)
        from pipeline.dask_backend import client_for

        client_for(cluster.scheduler_address).close()
        client_for.cache_clear()
    assert summary.analyzed == 16 and summary.failed == 5
    assert _export(dask_url) == _export(url)
