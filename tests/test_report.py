"""The ``shuzhi analyze --json`` contract on real samples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.ingest import load
from pipeline.report import analyze_document
from pipeline.scoring import WEIGHTS

TOP = {
    "path",
    "id",
    "unit",
    "year",
    "chars",
    "genre",
    "first_person",
    "balance",
    "sections",
    "typos",
    "score",
    "flags",
    "findings",
}
FINDING = {"analyzer", "kind", "start", "end", "message", "severity"}


def test_contract_shape(samples: Path) -> None:
    doc = load(samples / "2024_district_water_bureau_copy_b.txt")
    r = analyze_document(doc).to_json()
    assert set(r) == TOP
    assert set(r["genre"]) == {"label", "confidence"}
    assert set(r["first_person"]) == {
        "personal",
        "collective",
        "institutional",
        "personal_share",
        "team_report",
        "headless",
        "absent_share",
        "reason",
        "evidence",
    }
    assert set(r["balance"]) == {
        "achievement_share",
        "problem_share",
        "plan_share",
        "over_one_third",
        "evidence",
    }
    assert set(r["sections"]) == {"duty", "progress", "problems", "plans", "missing", "cause_analysis"}
    for key in ("duty", "progress", "problems", "plans"):
        assert set(r["sections"][key]) == {"present", "start", "end", "confidence"}
    assert set(r["sections"]["cause_analysis"]) == {"subjective", "objective"}
    assert all(set(t) == {"text", "suggestion", "start", "end", "kind", "confidence"} for t in r["typos"])
    assert all(set(f) == FINDING for f in r["findings"])
    assert set(r["flags"]) <= set(WEIGHTS)
    assert r["unit"] == "清源区水务局党组" and r["year"] == 2024
    assert 0 <= r["score"] <= 100


def test_every_offset_points_into_the_text(samples: Path) -> None:
    for name in ("2024_county_transport_bureau_laundered.txt", "2024_city_housing_bureau_team.txt"):
        doc = load(samples / name)
        r = analyze_document(doc).to_json()
        for f in r["findings"] + r["first_person"]["evidence"] + r["balance"]["evidence"]:
            assert 0 <= f["start"] <= f["end"] <= len(doc.text)
        for t in r["typos"]:
            assert doc.text[t["start"] : t["end"]] == t["text"]


def test_deterministic(samples: Path) -> None:
    doc = load(samples / "2024_village_branch_no_headings.txt")
    a = json.dumps(analyze_document(doc).to_json(), ensure_ascii=False, sort_keys=True)
    b = json.dumps(
        analyze_document(load(samples / "2024_village_branch_no_headings.txt")).to_json(),
        ensure_ascii=False,
        sort_keys=True,
    )
    assert a == b


@pytest.mark.parametrize(
    ("name", "flag"),
    [
        pytest.param("2024_city_housing_bureau_team.txt", "team_report", id="team"),
        pytest.param("2024_county_hospital_achievement_heavy.txt", "achievements_over_third", id="heavy"),
        pytest.param("2023_street_working_committee_no_plans.txt", "missing_sections", id="no-plans"),
        pytest.param("2024_county_transport_bureau_laundered.txt", "laundered_text", id="laundered"),
        pytest.param("2024_county_committee_closing_speech.txt", "not_a_report", id="speech"),
        pytest.param("2023_town_committee_download_copy.txt", "template_site", id="download-site"),
    ],
)
def test_flags_on_samples(samples: Path, name: str, flag: str) -> None:
    assert flag in analyze_document(load(samples / name)).flags


def test_good_report_has_no_review_flags(samples: Path) -> None:
    r = analyze_document(load(samples / "2024_county_edu_bureau_good.txt"))
    assert r.flags == () and r.score >= 90


def test_cli_analyze_json_lines(samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4 nothing")
    code = main(
        [
            "analyze",
            "--json",
            str(samples / "2024_county_edu_bureau_good.txt"),
            str(bad),
            str(samples / "2024_city_housing_bureau_team.txt"),
        ]
    )
    out = capsys.readouterr()
    lines = [json.loads(x) for x in out.out.splitlines()]
    assert code == 1 and len(lines) == 2
    assert str(bad) in out.err
    assert lines[1]["first_person"]["team_report"] is True


def test_cli_analyze_table(samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["analyze", str(samples / "2024_city_housing_bureau_team.txt")]) == 0
    assert "team_report" in capsys.readouterr().out
