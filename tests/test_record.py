"""ReportResult: the one record of a report's review, its JSON boundary and its one verdict."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from pipeline import scoring
from pipeline.ingest import load
from pipeline.record import CONTRACT_KEYS, ReportResult
from pipeline.report import analyze_document


@pytest.fixture(scope="module")
def good(samples: Path) -> ReportResult:
    return analyze_document(load(samples / "2024_county_edu_bureau_good.txt"))


@pytest.fixture(scope="module")
def speech(samples: Path) -> ReportResult:
    return analyze_document(load(samples / "2024_county_committee_closing_speech.txt"))


@pytest.mark.parametrize("stored", [False, True], ids=["contract", "stored"])
def test_json_round_trip(good: ReportResult, stored: bool) -> None:
    data = json.loads(json.dumps(good.to_json(stored=stored), ensure_ascii=False))
    assert set(data) == set(CONTRACT_KEYS) | ({"text_flags", "text_score"} if stored else set())
    back = ReportResult.from_json(data)
    assert back == good
    assert back.to_json(stored=stored) == data


def test_record_pickles_for_worker_pools(good: ReportResult) -> None:
    assert pickle.loads(pickle.dumps(good)) == good


@pytest.mark.parametrize(
    ("corpus", "deducted"),
    [
        pytest.param(("copied",), scoring.WEIGHTS["copied"][0], id="copied"),
        pytest.param(("copied", "repeats_last_year"), 40, id="copied+repeat"),
        pytest.param(("unrectified_problems",), scoring.WEIGHTS["unrectified_problems"][0], id="unrectified"),
    ],
)
def test_corpus_evidence_enters_the_one_verdict(good: ReportResult, corpus: tuple, deducted: float) -> None:
    copied = good.with_corpus(corpus)
    assert set(corpus) <= set(copied.flags)
    assert copied.text_flags == good.text_flags and copied.text_score == good.score
    assert copied.score == pytest.approx(max(0.0, good.score - deducted))
    # Evidence replaced, not added: a flag whose evidence is gone leaves, in the record and its JSON.
    cleared = ReportResult.from_json(copied.to_json(stored=True)).with_corpus(())
    assert cleared.flags == good.flags and cleared.score == good.score


def test_a_non_report_keeps_no_report_only_flag(speech: ReportResult) -> None:
    assert "not_a_report" in speech.flags
    marked = speech.with_corpus({"unrectified_problems", "copied"})
    assert "unrectified_problems" not in marked.flags and "copied" in marked.flags
    assert not set(speech.text_flags) & scoring.REPORT_ONLY


def test_counts_come_from_the_record(good: ReportResult) -> None:
    """Typos and unanswered problems count from the typed lists, the same way on every path."""
    assert good.typo_count == sum(1 for t in good.typos if t.kind == "typo")
    assert good.unanswered == sum(1 for f in good.findings if f.kind == "unanswered_problem")
    card = good.verdict(())
    assert (card.score, card.flags) == (good.score, good.flags)


def test_not_a_record_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="not a report record: missing .*sections"):
        ReportResult.from_json({"path": "a.txt", "id": "x", "unit": None, "year": None, "chars": 3})


def test_every_stored_record_says_what_is_shown_and_exported(tmp_path: Path, samples: Path) -> None:
    """After a batch with copies, each stored record, the overview's columns and the export agree."""
    import shutil

    from pipeline.batch import run_batch
    from pipeline.store import Store

    root = tmp_path / "corpus"
    root.mkdir()
    for name in (
        "2024_district_agri_bureau_copy_a.txt",
        "2024_district_water_bureau_copy_b.txt",
        "2024_county_edu_bureau_good.txt",
    ):
        shutil.copy(samples / name, root / name)
    url = f"sqlite:///{tmp_path / 's.db'}"
    run_batch(root, url, workers=1, progress=False)
    store = Store(url)
    exported = {r["path"]: r for r in store.export_data()["reports"]}
    shown = {r["path"]: r for r in store.overview_rows()}
    copied = 0
    for path, row in exported.items():
        record = ReportResult.from_json(json.loads(store.report(path)["result"]))
        assert (round(record.score, 4), list(record.flags)) == (row["score"], row["flags"])
        assert shown[path]["score"] == record.score and list(shown[path]["flags"]) == list(record.flags)
        copied += "copied" in record.flags
    assert copied == 2
