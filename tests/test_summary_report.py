"""The round's summary: counts that match the store, read back from the .docx; opens in LibreOffice."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from docx import Document

from pipeline import scoring, summary_report
from pipeline.cli import main
from tests import review_corpus

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    s = review_corpus.build(tmp_path_factory.mktemp("summary"))
    s.add_review("2024_district_agri_bureau_copy_a.txt", "退回修改", "", "李审阅")
    s.add_review("2024_city_housing_bureau_team.txt", "退回修改", "", "李审阅")
    s.add_review("2024_city_housing_bureau_team.txt", "通过", "复核后通过", "王审阅")  # the latest counts
    s.add_review(review_corpus.LAST_YEAR, "约谈提醒", "", "李审阅")
    return s


def _read(data: bytes) -> tuple[str, list[list[list[str]]], int]:
    doc = Document(io.BytesIO(data))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in doc.tables]
    return "\n".join(p.text for p in doc.paragraphs), tables, len(doc.inline_shapes)


def test_counts_match_the_store(store) -> None:
    fig = summary_report.figures(store)
    exported = store.export_data()["reports"]
    assert fig["reports"] == len(exported) == 6
    assert fig["flags"] == dict(Counter(f for r in exported for f in r["flags"]))
    assert fig["decisions"] == {"通过": 1, "退回修改": 1, "约谈提醒": 1, "未审阅": 3}
    assert fig["returned"] == ["2024_district_agri_bureau_copy_a.txt"]
    assert fig["rings"] == [["清源区农业农村局党组", "清源区水务局党组"]]
    assert list(fig["repeating"]) == [review_corpus.THIS_YEAR]
    assert sum(fig["levels"].values()) == 6


def test_docx_reads_back_with_counts_tables_and_charts(store) -> None:
    text, tables, pictures = _read(summary_report.summary_docx(store))
    assert "本轮共审阅述职报告6份" in text
    assert "通过1份，退回修改1份，约谈提醒1份，尚未审阅3份" in text
    fig = summary_report.figures(store)
    flag_table = next(t for t in tables if t[0][0] == "问题标记")
    assert {row[0]: int(row[1]) for row in flag_table[1:]} == {
        scoring.LABELS[f]: n for f, n in fig["flags"].items()
    }
    level_table = next(t for t in tables if t[0][0] == "层级")
    assert {row[0]: int(row[1]) for row in level_table[1:]} == fig["levels"]
    assert "清源区农业农村局党组：" in text and "与某单位报告" in text  # returned, with its main reasons
    assert "清源区农业农村局党组、清源区水务局党组" in text  # the copy ring
    assert "青湖镇党委（1个问题）" in text and "集体经济" in text  # repeats last year's problem
    assert pictures == 2  # flags chart and score histogram
    assert "测评排名" not in text  # no votes yet


def test_votes_ranking_when_votes_are_in(store) -> None:
    store.replace_votes(
        [
            {
                "unit": "青湖镇党委",
                "year": 2024,
                "good": 30,
                "fairly_good": 10,
                "average": 0,
                "poor": 0,
                "valid": 40,
                "score": 95.0,
            },
            {
                "unit": "清源区水务局党组",
                "year": 2024,
                "good": 10,
                "fairly_good": 10,
                "average": 10,
                "poor": 10,
                "valid": 40,
                "score": 60.0,
            },
        ]
    )
    _, tables, _ = _read(summary_report.summary_docx(store))
    ranking = next(t for t in tables if t[0][0] == "名次")
    assert [row[1] for row in ranking[1:]] == ["青湖镇党委", "清源区水务局党组"]
    assert ranking[1][3] == "95.00"


def test_cli_summary(store, tmp_path: Path) -> None:
    out = tmp_path / "summary.docx"
    assert main(["summary", "--db", store.url, "--out", str(out)]) == 0
    assert "审阅情况的专题报告" in _read(out.read_bytes())[0]
    assert main(["summary", "--db", store.url, "--out", str(tmp_path / "missing" / "s.docx")]) == 2


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_summary_opens_in_libreoffice(store, tmp_path: Path) -> None:
    docx = tmp_path / "summary.docx"
    docx.write_bytes(summary_report.summary_docx(store))
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "summary.pdf"
    assert pdf.stat().st_size > 1000
    from tests.pdfpicture import first_page_png, ink_share

    png = first_page_png(pdf, ROOT / "artifacts" / "screenshots" / "summary.png")
    assert 0.005 < ink_share(png) < 0.5  # text on the page, not a blank or a black page
