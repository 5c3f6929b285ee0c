"""Hostile and unlucky input to ingestion: files that expand, stall or never end.

Each file is built here, small on disk; what is checked is the result (one clear error, or text read
once), never a timing."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import pipeline.ingest.clean as clean_module
from pipeline.errors import IngestError
from pipeline.ingest import clean_text, load, load_bytes
from pipeline.settings import IngestSettings, Settings
from tests.conftest import ROOT

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(tmp_path: Path, body: str, name: str = "x.docx") -> Path:
    path = tmp_path / name
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>'
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", xml)
    return path


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def _nested(depth: int) -> str:
    """A table whose one cell holds a paragraph and the next table, ``depth`` levels down."""
    inner = ""
    for level in range(depth, 0, -1):
        inner = f"<w:tbl><w:tr><w:tc>{_p(f'第{level}层单元格')}{inner}</w:tc></w:tr></w:tbl>"
    return inner


def test_nested_tables_read_each_cell_once(tmp_path: Path) -> None:
    path = _docx(tmp_path, _p("表格嵌套测试") + _nested(80) + _p("表格之后的段落。"))
    assert path.stat().st_size < 30_000
    doc = load(path)
    for level in (1, 40, 80):
        assert doc.text.count(f"第{level}层单元格") == 1
    assert len(doc.text) < 80 * 12 + 100
    assert doc.text.rstrip().endswith("表格之后的段落。")


def test_nested_table_rows_keep_their_cells(tmp_path: Path) -> None:
    inner = f"<w:tbl><w:tr><w:tc>{_p('内表甲')}</w:tc><w:tc>{_p('内表乙')}</w:tc></w:tr></w:tbl>"
    row = f"<w:tr><w:tc>{_p('外表一')}</w:tc><w:tc>{_p('外表二')}{inner}</w:tc></w:tr>"
    doc = load(_docx(tmp_path, f"<w:tbl>{row}</w:tbl>"))
    assert doc.text.count("内表甲") == 1
    assert "外表一\t外表二" in doc.text


def test_one_paragraph_of_many_runs_is_capped(tmp_path: Path) -> None:
    runs = "<w:r><w:t>党建</w:t></w:r>" * 20_000
    path = _docx(tmp_path, f"<w:p>{runs}</w:p>")
    small = Settings(ingest=IngestSettings(max_text_chars=10_000))
    with pytest.raises(IngestError) as err:
        load(path, small)
    assert err.value.code == "too_much_text" and "max_text_chars" in err.value.reason
    with pytest.raises(IngestError):  # the upload page reads through the same limit
        load_bytes(path.read_bytes(), "upload.docx", small)


def test_text_cap_applies_to_every_format(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("党建工作扎实推进。" * 3000, encoding="utf-8")
    with pytest.raises(IngestError) as err:
        load(path, Settings(ingest=IngestSettings(max_text_chars=5_000)))
    assert err.value.code == "too_much_text"


def test_joining_lines_does_work_linear_in_the_input(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines without final punctuation all join into one paragraph; each decision looks at the end of
    the paragraph so far, never the whole of it (which made cleaning quadratic)."""
    looked_at = [0]
    real = clean_module.ends_sentence

    def counting(line: str) -> bool:
        looked_at[0] += len(line)
        return real(line)

    monkeypatch.setattr(clean_module, "ends_sentence", counting)
    lines = [f"这是没有句末标点的第{i}行文字内容用于检查清洗的工作量" for i in range(3000)]
    doc = clean_text("\n".join(lines))
    assert len(doc.text.splitlines()) <= 2  # title + one joined paragraph
    assert looked_at[0] < 200 * len(lines)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "clean", str(fifo)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"shuzhi: {fifo}: not a regular file (a device, FIFO or socket)"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_device_is_refused() -> None:
    with pytest.raises(IngestError) as err:
        load("/dev/zero")
    assert err.value.code == "not_a_file"
