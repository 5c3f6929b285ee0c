from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main

CONTRACT_KEYS = {"text", "removed", "converted_from", "repairs", "warnings", "source_hints"}
# Keys docs/contract.md adds to the shared contract: where the text came from and what was guessed.
OCR_KEYS = {"source", "ocr_confidence", "ocr_lines", "unreliable"}


def test_clean_plain(samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(samples / "2023_town_committee_download_copy.txt")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("XX镇党委书记2023年度抓基层党建工作述职报告\n")
    assert "\n\n" not in out and "温馨提示" not in out


def test_clean_json_contract(samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", "--json", str(samples / "2023_middle_school_branch_traditional.txt")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == CONTRACT_KEYS | OCR_KEYS
    assert data["converted_from"] == "traditional"
    assert data["source"] == "text" and data["ocr_confidence"] is None and data["ocr_lines"] == []
    assert all(set(r) == {"line", "text", "reason"} for r in data["removed"])
    assert all(set(r) == {"kind", "detail"} for r in data["repairs"])


def test_clean_json_removed_lines(samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["clean", "--json", str(samples / "2023_town_committee_download_copy.txt")])
    data = json.loads(capsys.readouterr().out)
    raw = (samples / "2023_town_committee_download_copy.txt").read_text(encoding="utf-8-sig").splitlines()
    for r in data["removed"]:
        assert raw[r["line"] - 1].strip() == r["text"]
    assert any("www." in h for h in data["source_hints"])


def test_bad_file_one_line_exit_1_others_printed(
    samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4 garbage")
    code = main(["clean", str(bad), str(samples / "2024_county_edu_bureau_good.txt")])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.count("\n") == 1 and str(bad) in captured.err
    assert "述职报告" in captured.out


def test_usage_error_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["clean"])
    assert exc.value.code == 2


def test_module_entry_point_no_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "nope.docx"
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "clean", str(missing)], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"shuzhi: {missing}: no such file"
    assert "Traceback" not in proc.stderr


def test_demo_table(samples: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", str(samples), "--db", f"sqlite:///{tmp_path / 'demo.db'}", "--no-dashboard"]) == 0
    out = capsys.readouterr().out
    assert "2024_soe_transport_group_worklist.docx" in out and "team_report" in out and "copied" in out
