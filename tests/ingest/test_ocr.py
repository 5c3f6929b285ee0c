"""OCR with the real engine on the committed fixtures (tests/fixtures/ocr, made by tests/ocrmaker.py
from the team's report.txt): a 2-page scan at 150 dpi and a photo-like JPEG. Kept to three pages so
CI stays quick; the full measurement is benchmarks/ocr.py."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.ingest import load, load_bytes, ocr

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "ocr"
REPORT = (FIX / "report.txt").read_text(encoding="utf-8")
HEAD = "青禾镇述职材料"

try:
    ocr.get_engine("rapidocr")
    HAVE_RAPID = True
except RuntimeError:
    HAVE_RAPID = False
needs_engine = pytest.mark.skipif(not HAVE_RAPID, reason="rapidocr-onnxruntime is not installed")


def char_accuracy(ref: str, got: str) -> float:
    from benchmarks.ocr import char_accuracy as acc

    return acc(ref, got)


@pytest.fixture(scope="module")
def scan():
    return load(FIX / "scan.pdf")


@needs_engine
def test_scanned_pdf_reads_back_whole(scan) -> None:
    assert char_accuracy(REPORT, scan.text) >= 0.97
    got = scan.text.split("\n")
    whole = [p for p in REPORT.splitlines() if p in got]
    assert len(whole) >= 0.9 * len(REPORT.splitlines())
    assert "项目\t2023年\t2024年" in got  # the table kept as rows
    assert HEAD not in scan.text and "- 1 -" not in scan.text
    assert scan.meta["source"] == "ocr" and scan.meta["pages"] == 2


@needs_engine
def test_clean_json_says_ocr_with_confidence() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "clean", str(FIX / "scan.pdf"), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["source"] == "ocr"
    assert 0.9 < out["ocr_confidence"] <= 1.0
    assert {r["reason"] for r in out["removed"]} == {"pdf_page_furniture"}


@needs_engine
def test_photo_of_a_page() -> None:
    doc = load(FIX / "photo.jpg")
    first = REPORT[: REPORT.index("（二）")]
    assert char_accuracy(first, doc.text) >= 0.93
    assert not doc.text.startswith(HEAD)


@needs_engine
def test_mixed_pdf_reads_text_pages_and_ocrs_the_scanned_one() -> None:
    from pypdf import PdfReader, PdfWriter

    from tests.pdfmaker import make_pdf

    writer = PdfWriter()
    writer.add_page(
        PdfReader(
            io.BytesIO(
                make_pdf(
                    [
                        [
                            "这一页是用电脑打出来再导出的，所以带有文字层，不需要识别，后面一页是扫描件，只能靠识别读出。"
                        ]
                    ]
                )
            )
        ).pages[0]
    )
    writer.add_page(PdfReader(FIX / "scan.pdf").pages[1])
    buf = io.BytesIO()
    writer.write(buf)
    doc = load_bytes(buf.getvalue(), "mixed.pdf")
    assert doc.text.startswith(
        "这一页是用电脑打出来再导出的，所以带有文字层，不需要识别，后面一页是扫描件，只能靠识别读出。"
    )
    assert "三、下一步打算" in doc.text
    assert doc.meta["ocr_pages"] == 1


def _have_tesseract_chi_sim() -> bool:
    import shutil

    if not shutil.which("tesseract"):
        return False
    out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30)
    return "chi_sim" in out.stdout


@pytest.mark.skipif(not _have_tesseract_chi_sim(), reason="tesseract with chi_sim is not installed")
def test_tesseract_engine_reads_a_page(monkeypatch) -> None:
    monkeypatch.setenv("SHUZHI_OCR_ENGINE", "tesseract")
    doc = load(FIX / "page2.png")
    assert doc.meta["ocr_engine"] == "tesseract"
    last = REPORT[REPORT.index("（二）") :]
    assert char_accuracy(last, doc.text) >= 0.85
    assert HEAD not in doc.text
