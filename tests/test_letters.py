"""Review letters: every point from one finding and quoting its passage; .docx read back; the zip."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document

from pipeline import letters
from pipeline.cli import main
from tests import review_corpus

ROOT = Path(__file__).resolve().parent.parent
COPY_A, COPY_B = review_corpus.FROM_SAMPLES[:2]
TEAM = "2024_city_housing_bureau_team.txt"
HEAVY = "2024_county_hospital_achievement_heavy.txt"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    s = review_corpus.build(tmp_path_factory.mktemp("letters"))
    s.add_review(COPY_A, "退回修改", "抄袭", "李审阅")
    s.add_review(TEAM, "退回修改", "", "王审阅", points=["请以书记本人口吻重写。", "请补充问题的具体表现。"])
    s.add_review(review_corpus.LAST_YEAR, "通过", "", "李审阅")
    return s


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def _traced(store, path: str, point: letters.Point) -> bool:
    """Whether a point comes from something stored for this report."""
    kind, _, name = point.source.partition(":")
    row = store.report(path)
    if kind == "flag":
        return name in row["flags"]
    if kind == "finding":
        return name in {f["kind"] for f in store.finding_rows(path)} or (
            name == "typo" and '"kind": "typo"' in row["result"]
        )
    if kind == "pair":
        return any(path in (p["a"], p["b"]) and p["kind"] == name for p in store.pair_rows())
    if kind == "rectification":
        rows = store.rectification_rows(path)
        return name == "no_part" and bool(rows) or any(r["status"] == name for r in rows)
    return False


def test_every_point_traces_to_a_finding_and_quotes_it(store) -> None:
    for path in sorted(store.stored_reports()):
        text = store.report(path)["clean_text"]
        for point in letters.draft(store, path):
            assert _traced(store, path, point), (path, point)
            if point.start is not None and point.end is not None:
                assert 0 <= point.start <= point.end <= len(text)
            assert re.search(r"[\u4e00-\u9fff]", point.text)


@pytest.mark.parametrize(
    ("path", "pattern"),
    [
        (COPY_A, r"与某单位报告有\d+段共\d+字相同，含同一错别字'布署'"),
        (COPY_B, r"第[一二三四]部分（.+）与某单位报告有"),
        (TEAM, r"未见书记本人“我”的履职情况"),
        (HEAVY, r"成绩部分约占全文\d+%，超过三分之一"),
        (review_corpus.THIS_YEAR, r"上年度查摆的“.*软弱涣散.*”问题未见整改情况"),
        (review_corpus.THIS_YEAR, r"上年度查摆的“.*集体经济.*”问题本年度再次出现（“.*仍然薄弱"),
    ],
    ids=["copy-typo", "copy-part", "team-report", "achievements", "rect-missing", "rect-repeated"],
)
def test_points_say_what_to_fix(store, path: str, pattern: str) -> None:
    assert any(re.search(pattern, p) for p in letters.draft_points(store, path)), letters.draft_points(
        store, path
    )


def test_answered_problems_give_no_point(store) -> None:
    points = letters.draft_points(store, review_corpus.THIS_YEAR)
    assert not any("年龄偏大" in p or "培训形式单一" in p for p in points)


def test_letter_docx_carries_unit_verdict_reviewer_points(store) -> None:
    data = letters.letter_docx(store, COPY_A)
    text = _text(data)
    assert "清源区农业农村局党组" in text and "2024" in text
    assert "审阅结论：退回修改" in text and "审阅人：李审阅" in text
    for n, point in enumerate(letters.draft_points(store, COPY_A), 1):
        assert f"{n}. {point}" in text


def test_reviewer_points_and_overrides(store) -> None:
    text = _text(letters.letter_docx(store, TEAM))
    assert "1. 请以书记本人口吻重写。" in text and "2. 请补充问题的具体表现。" in text
    assert "履职情况，多以" not in text  # stored points replace the draft
    text = _text(
        letters.letter_docx(
            store, TEAM, points=["只此一条。"], remark="请于五日内报送。", decision="约谈提醒", reviewer="赵"
        )
    )
    assert "1. 只此一条。" in text and "2." not in text
    assert "请于五日内报送。" in text and "审阅结论：约谈提醒" in text and "审阅人：赵" in text
    unreviewed = _text(letters.letter_docx(store, HEAVY))
    assert "审阅结论：待审定" in unreviewed


def test_zip_filtered_by_decision(store) -> None:
    everything = zipfile.ZipFile(io.BytesIO(letters.letters_zip(store)))
    assert len(everything.namelist()) == len(store.stored_reports())
    returned = zipfile.ZipFile(io.BytesIO(letters.letters_zip(store, "退回修改")))
    names = returned.namelist()
    assert len(names) == 2
    assert any("清源区农业农村局党组" in n for n in names) and any("住房和城乡建设局" in n for n in names)
    for name in names:
        assert "审阅结论：退回修改" in _text(returned.read(name))
    assert letters.letters_zip(store, "退回修改") == letters.letters_zip(store, "退回修改")


def test_unknown_report_is_a_value_error(store) -> None:
    with pytest.raises(ValueError, match="no report"):
        letters.draft_points(store, "nope.txt")


def test_cli_letters(store, tmp_path: Path) -> None:
    out = tmp_path / "letters"
    assert main(["letters", "--db", store.url, "--out", str(out), "--decision", "退回修改"]) == 0
    assert len(list(out.glob("*.docx"))) == 2
    assert main(["letters", "--db", store.url, "--out", str(out), "--decision", "不存在"]) == 2


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_letter_opens_in_libreoffice(store, tmp_path: Path) -> None:
    docx = tmp_path / "letter.docx"
    docx.write_bytes(letters.letter_docx(store, COPY_A))
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
    pdf = tmp_path / "letter.pdf"
    assert pdf.stat().st_size > 1000
    from tests.pdfpicture import first_page_png, ink_share

    png = first_page_png(pdf, ROOT / "artifacts" / "screenshots" / "letter.png")
    assert 0.005 < ink_share(png) < 0.5  # text on the page, not a blank or a black page
