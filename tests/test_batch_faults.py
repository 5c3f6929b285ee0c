"""Batch runs under faults: a kill before copy detection ends, failures that go away, another folder
batched into the same database, a worker that dies or hangs, files that cannot be read, links out of
the corpus. Each fault is made here, small, by the test itself."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import pipeline.report
from pipeline import batch
from pipeline.batch import run_batch
from pipeline.cli import main
from pipeline.export import export
from pipeline.settings import IngestSettings, Settings
from pipeline.store import Store
from tests.conftest import ROOT, SAMPLES

PAIRED = (
    "2024_district_agri_bureau_copy_a.txt",
    "2024_district_water_bureau_copy_b.txt",
    "2023_university_chem_college.txt",
    "2024_university_chem_college_repeat.txt",
    "2024_county_edu_bureau_good.txt",
    "2024_city_housing_bureau_team.txt",
)


def _folder(tmp: Path, name: str, files: tuple[str, ...] = PAIRED) -> Path:
    root = tmp / name
    root.mkdir()
    for f in files:
        shutil.copy(SAMPLES / f, root / f)
    return root


def _export(url: str) -> dict:
    return json.loads(export(Store(url), "json", None) or "{}")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    tmp = tmp_path_factory.mktemp("full")
    root = _folder(tmp, "corpus")
    url = f"sqlite:///{tmp / 'full.db'}"
    run_batch(root, url, workers=1, progress=False)
    data = _export(url)
    assert data["pairs"], "the fixture corpus must hold copies for this test to mean anything"
    return root, data


def _killed_run(root: Path, db: Path, patch: str) -> int:
    """Run a batch in a child process that kills itself (SIGKILL) where ``patch`` says."""
    script = "\n".join(
        [
            "import os, signal, sys",
            "import pipeline.batch as batch",
            "import pipeline.store as store",
            textwrap.dedent(patch),
            "batch.run_batch(sys.argv[1], sys.argv[2], workers=1, progress=False)",
        ]
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(root), f"sqlite:///{db}"],
        cwd=ROOT,
        env=dict(os.environ, SHUZHI_QUIET="1"),
        capture_output=True,
        timeout=600,
    )
    return proc.returncode


KILL_POINTS = {
    # after the last chunk is stored, before copy detection starts
    "before-similarity": (
        "batch.similarity_over_store = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)"
    ),
    # inside the transaction that writes pairs, flags and scores, half-way through the reports
    "while-rescoring": textwrap.dedent(
        """
        original = store.Store.replace_similarity
        def replace(self, pairs, rings, rescore=None):
            seen = []
            def dying(path, result):
                seen.append(path)
                if len(seen) == 3:
                    os.kill(os.getpid(), signal.SIGKILL)
                return rescore(path, result)
            return original(self, pairs, rings, dying)
        store.Store.replace_similarity = replace
        """
    ),
}


@pytest.mark.parametrize("point", sorted(KILL_POINTS))
def test_kill_during_corpus_steps_then_rerun_matches_uninterrupted(
    uninterrupted: tuple[Path, dict], tmp_path: Path, point: str
) -> None:
    root, full = uninterrupted
    db = tmp_path / "killed.db"
    assert _killed_run(root, db, KILL_POINTS[point]) == -signal.SIGKILL
    assert Store(f"sqlite:///{db}").report_count() == len(PAIRED)
    summary = run_batch(root, f"sqlite:///{db}", workers=1, progress=False)
    assert summary.analyzed == 0 and summary.skipped == len(PAIRED)
    assert _export(f"sqlite:///{db}") == full
    # …and a run after that has nothing left to redo.
    assert run_batch(root, f"sqlite:///{db}", workers=1, progress=False).similarity == {}


def test_failures_are_retried_and_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _folder(tmp_path, "corpus")
    url = f"sqlite:///{tmp_path / 'f.db'}"
    real = pipeline.report.analyze_document

    def flaky(doc, settings, meta=None):  # noqa: ANN001, ANN202
        if doc.path.endswith("good.txt"):
            raise MemoryError("simulated")
        return real(doc, settings, meta)

    monkeypatch.setattr(pipeline.report, "analyze_document", flaky)
    first = run_batch(root, url, workers=1, progress=False)
    assert first.failed == 1 and "MemoryError" in dict(first.failures)["2024_county_edu_bureau_good.txt"]
    assert Store(url).last_run()["status"] == "done_with_errors"
    # Still failing: tried again, named again, and the exit code says so.
    code = main(["batch", str(root), "--db", url, "--workers", "1"])
    assert code == 1
    monkeypatch.setattr(pipeline.report, "analyze_document", real)  # the bug is fixed
    again = run_batch(root, url, workers=1, progress=False)
    assert again.analyzed == 1 and again.failed == 0 and again.skipped == len(PAIRED) - 1
    assert not _export(url)["errors"]
    assert Store(url).last_run()["status"] == "done"


def test_changed_lexicons_reanalyze_everything(tmp_path: Path) -> None:
    root = _folder(tmp_path, "corpus")
    url = f"sqlite:///{tmp_path / 'l.db'}"
    run_batch(root, url, workers=1, progress=False)
    extra = tmp_path / "lex"
    extra.mkdir()
    (extra / "typos.txt").write_text("# 本单位补充\n布暑\t部署\n", encoding="utf-8")
    summary = run_batch(root, url, Settings(extra_lexicon_dirs=(str(extra),)), workers=1, progress=False)
    assert summary.reanalyzed_all and summary.analyzed == len(PAIRED)
    assert any("analyzed again" in line for line in summary.lines())


def test_another_folder_adds_and_removal_names_decisions(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'years.db'}"
    last_year = _folder(tmp_path, "2023", PAIRED[:3])
    this_year = _folder(tmp_path, "2024", PAIRED[3:])
    run_batch(last_year, url, workers=1, progress=False)
    store = Store(url)
    store.add_review(PAIRED[0], "退回修改", "抄袭", "张审阅")
    summary = run_batch(this_year, url, workers=1, progress=False)
    assert summary.removed == 0
    paths = {r["path"] for r in _export(url)["reports"]}
    assert paths == set(PAIRED)
    decisions = {r["path"]: r["decision"] for r in _export(url)["reports"]}
    assert decisions[PAIRED[0]] == "退回修改"
    # A file gone from its own folder is removed, and its decision is named, not dropped silently.
    (last_year / PAIRED[0]).unlink()
    summary = run_batch(last_year, url, workers=1, progress=False)
    assert summary.removed == 1 and summary.removed_decided == [PAIRED[0]]
    assert any(PAIRED[0] in line and "decision" in line for line in summary.lines())
    assert PAIRED[0] in Store(url).latest_reviews()  # the history stays
    assert {r["path"] for r in _export(url)["reports"]} == set(PAIRED[1:])


def test_same_name_from_another_folder_is_not_overwritten(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'n.db'}"
    a = _folder(tmp_path, "a", PAIRED[:1])
    b = tmp_path / "b"
    b.mkdir()
    (b / PAIRED[0]).write_text("另一份报告。" * 50, encoding="utf-8")
    run_batch(a, url, workers=1, progress=False)
    before = Store(url).report(PAIRED[0])["clean_text"]
    summary = run_batch(b, url, workers=1, progress=False)
    assert summary.failed == 1 and "another folder" in dict(summary.failures)[PAIRED[0]]
    assert Store(url).report(PAIRED[0])["clean_text"] == before


def test_upload_survives_a_batch(tmp_path: Path) -> None:
    from pipeline.store import Record

    url = f"sqlite:///{tmp_path / 'u.db'}"
    root = _folder(tmp_path, "corpus", PAIRED[:2])
    run_batch(root, url, workers=1, progress=False)
    store = Store(url)
    row = store.report(PAIRED[0])
    result = json.loads(row["result"])
    store.save(
        [
            Record(
                "upload/x.txt", "h", dict(result, path="upload/x.txt"), row["clean_text"], {}, root="upload:"
            )
        ]
    )
    run_batch(root, url, workers=1, progress=False)
    assert store.report("upload/x.txt") is not None


def _die_on(name: str, how: str):  # noqa: ANN202
    real = pipeline.report.analyze_document

    def fault(doc, settings, meta=None):  # noqa: ANN001, ANN202
        if doc.path.endswith(name):
            if how == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            else:
                import time

                time.sleep(600)
        return real(doc, settings, meta)

    return fault


@pytest.mark.parametrize(
    ("how", "workers", "reason"),
    [
        pytest.param("kill", 2, "worker process died", id="killed-worker-2"),
        pytest.param("kill", 1, "worker process died", id="killed-worker-1"),
        pytest.param("hang", 2, "took longer than 15 s", id="hung-worker"),
    ],
)
def test_a_dead_or_hung_worker_is_one_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, workers: int, reason: str
) -> None:
    root = _folder(tmp_path, "corpus")
    url = f"sqlite:///{tmp_path / 'd.db'}"
    monkeypatch.setattr(pipeline.report, "analyze_document", _die_on("team.txt", how))
    settings = Settings(ingest=IngestSettings(file_timeout_s=15))
    summary = run_batch(root, url, settings, workers=workers, progress=False)
    assert summary.failed == 1 and summary.analyzed == len(PAIRED) - 1
    assert reason in dict(summary.failures)["2024_city_housing_bureau_team.txt"]
    assert Store(url).last_run()["status"] == "done_with_errors"
    assert len(_export(url)["reports"]) == len(PAIRED) - 1


def test_unreadable_file_while_hashing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _folder(tmp_path, "corpus")
    url = f"sqlite:///{tmp_path / 'p.db'}"
    real = batch.content_hash

    def denied(path: Path) -> str:
        if path.name.endswith("good.txt"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(batch, "content_hash", denied)
    summary = run_batch(root, url, workers=1, progress=False)
    assert dict(summary.failures) == {
        "2024_county_edu_bureau_good.txt": "cannot read file (Permission denied)"
    }
    assert summary.analyzed == len(PAIRED) - 1


def test_links_out_of_the_corpus_are_not_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET_TOKEN=abc123 这是服务器上的私密文件，不属于语料。" * 5, encoding="utf-8")
    root = _folder(tmp_path, "corpus", PAIRED[:2])
    (root / "link.txt").symlink_to(secret)
    (root / "inside.txt").symlink_to(root / PAIRED[0])  # a link within the corpus is fine
    url = f"sqlite:///{tmp_path / 's.db'}"
    summary = run_batch(root, url, workers=1, progress=False)
    assert "outside the corpus" in dict(summary.failures)["link.txt"]
    dumped = json.dumps(_export(url), ensure_ascii=False)
    assert "SECRET_TOKEN" not in dumped
    assert "SECRET_TOKEN" not in (
        Path(url.removeprefix("sqlite:///")).read_bytes().decode("utf-8", "replace")
    )
    assert main(["analyze", str(root), "--json"]) == 1
    out = capsys.readouterr()
    assert "SECRET_TOKEN" not in out.out and "link.txt: a symbolic link" in out.err


def test_every_file_failing_is_exit_1_each_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "bad"
    root.mkdir()
    (root / "a.txt").write_bytes(b"")
    (root / "b.pdf").write_bytes(b"%PDF-1.4 broken")
    code = main(["batch", str(root), "--db", f"sqlite:///{tmp_path / 'b.db'}", "--workers", "1"])
    err = capsys.readouterr().err
    assert code == 1
    assert "a.txt: file is empty" in err and "b.pdf: not a readable PDF" in err
    assert "Traceback" not in err


def test_file_name_that_is_not_utf8_is_one_error(tmp_path: Path) -> None:
    root = _folder(tmp_path, "corpus", PAIRED[:1])
    (root / os.fsdecode(b"\xff\xfe-report.txt")).write_bytes("党建工作述职报告。".encode() * 20)
    url = f"sqlite:///{tmp_path / 'n.db'}"
    summary = run_batch(root, url, workers=1, progress=False)
    assert summary.analyzed == 1
    assert "not valid UTF-8" in dict(summary.failures)["\\xff\\xfe-report.txt"]
    assert [e["path"] for e in _export(url)["errors"]] == ["\\xff\\xfe-report.txt"]


def test_bad_reference_folder_and_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _folder(tmp_path, "corpus", PAIRED[:2])
    url = f"sqlite:///{tmp_path / 'r.db'}"
    assert main(["batch", str(root), "--db", url, "--reference", str(tmp_path / "nope")]) == 2
    assert "--reference" in capsys.readouterr().err
    refs = tmp_path / "refs"
    refs.mkdir()
    (refs / "empty.txt").write_bytes(b"")
    summary = run_batch(root, url, workers=1, reference=str(refs), progress=False)
    assert summary.analyzed == 2
    assert "file is empty" in dict(summary.failures)[f"reference {refs / 'empty.txt'}"]


def test_manifest_change_reanalyzes_that_file(tmp_path: Path) -> None:
    root = _folder(tmp_path, "corpus", PAIRED[:2])
    (root / "manifest.csv").write_text(f"file,unit,year\n{PAIRED[0]},甲单位,2024\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'm.db'}"
    run_batch(root, url, workers=1, progress=False)
    (root / "manifest.csv").write_bytes(f"file,unit,year\n{PAIRED[0]},乙单位,2024\n".encode("gb18030"))
    summary = run_batch(root, url, workers=1, progress=False)
    assert summary.analyzed == 1 and summary.skipped == 1 and not summary.reanalyzed_all
    assert Store(url).report(PAIRED[0])["unit"] == "乙单位"


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        pytest.param(bytes(range(256)) * 10, "not a readable CSV", id="binary"),
        pytest.param(b"file,unit,year\nx.txt,u,99999999999999999999\n", "not between 1949", id="huge-year"),
    ],
)
def test_bad_manifest_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], manifest: bytes, message: str
) -> None:
    root = _folder(tmp_path, "corpus", PAIRED[:1])
    (root / "manifest.csv").write_bytes(manifest)
    assert main(["batch", str(root), "--db", f"sqlite:///{tmp_path / 'b.db'}", "--workers", "1"]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and "internal error" not in err


def test_a_fingerprint_failure_is_that_files_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fingerprints are inside the per-file error boundary: one file whose fingerprinting fails is an
    error record; the others are stored."""
    import pipeline.work as work

    real = work.prepare

    def prepare(item, settings):
        if "water" in item.key:
            raise MemoryError("fingerprint buffer")
        return real(item, settings)

    monkeypatch.setattr(work, "prepare", prepare)
    root = tmp_path / "corpus"
    root.mkdir()
    for name in ("2024_district_agri_bureau_copy_a.txt", "2024_district_water_bureau_copy_b.txt"):
        shutil.copy(SAMPLES / name, root / name)
    url = f"sqlite:///{tmp_path / 'f.db'}"
    summary = run_batch(root, url, workers=1, progress=False)
    store = Store(url)
    assert set(store.stored_reports()) == {"2024_district_agri_bureau_copy_a.txt"}
    assert "2024_district_water_bureau_copy_b.txt" in store.error_paths()
    assert summary.failed == 1
    assert any(
        p == "2024_district_water_bureau_copy_b.txt" and "MemoryError" in why for p, why in summary.failures
    )
