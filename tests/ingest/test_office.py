"""Old binary Word (.doc) and WPS Office (.wps): each installed tool reads the committed fixtures
(written once by LibreOffice from report.txt, see tests/ocrmaker.py); a broken file or no tool at all
is one clear line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.errors import IngestError
from pipeline.ingest import load, load_bytes, office

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "ocr"
LINES = (FIX / "report.txt").read_text(encoding="utf-8").splitlines()
TOOL_BIN = {"antiword": "antiword", "libreoffice": "soffice", "catdoc": "catdoc"}


@pytest.mark.parametrize("tool", ["antiword", "libreoffice", "catdoc"])
def test_each_tool_reads_the_doc(tool: str, monkeypatch) -> None:
    if not shutil.which(TOOL_BIN[tool]):
        pytest.skip(f"{TOOL_BIN[tool]} is not installed (make sysdeps installs antiword)")
    monkeypatch.setattr(office, "TOOLS", tuple(t for t in office.TOOLS if t[0] == tool))
    doc = load(FIX / "report.doc")
    got = doc.text.split("\n")
    assert doc.encoding == f"doc/{tool}"
    assert got[0] == LINES[0]
    assert sum(1 for line in LINES if "\t" not in line and line in got) >= len(LINES) - 4
    if tool != "catdoc":  # catdoc gives no table structure
        assert "党员总数\t612\t634" in got


def test_wps_is_read_as_doc_or_as_docx_by_its_bytes() -> None:
    if not any(shutil.which(b) for b in TOOL_BIN.values()):
        pytest.skip("no .doc tool installed (antiword, catdoc or LibreOffice)")
    ole = load(FIX / "report.wps")
    assert ole.encoding.startswith("wps/") and ole.text.split("\n")[0] == LINES[0]
    zipped = load(FIX / "report_docx.wps")
    assert zipped.encoding == "docx" and "党员总数\t612\t634" in zipped.text.split("\n")


def test_unreadable_doc_is_one_clear_line() -> None:
    if not any(shutil.which(b) for b in TOOL_BIN.values()):
        pytest.skip("no .doc tool installed (antiword, catdoc or LibreOffice)")
    broken = (FIX / "report.doc").read_bytes()[:1536] + b"\x00" * 2048
    with pytest.raises(IngestError) as err:
        load_bytes(broken, "broken.doc")
    assert err.value.code in {"unreadable_doc", "empty"}
    assert "\n" not in str(err.value) and str(err.value).startswith("broken.doc: ")


def test_no_tool_names_what_to_install(monkeypatch) -> None:
    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    with pytest.raises(IngestError) as err:
        load(FIX / "report.doc")
    assert err.value.code == "old_word" and "antiword" in str(err.value)
