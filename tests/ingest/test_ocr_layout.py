"""OCR layout and provenance without an engine: synthetic text lines (boxes, text, confidence) go
through reading order, paragraph joining, furniture and unreliable-span marking, so these run fast."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pipeline.errors import IngestError
from pipeline.ingest import load_bytes, ocr
from pipeline.ingest.ocr import Line, layout_page
from pipeline.similarity import Item
from pipeline.similarity.files import ReadItem, reliable_typos

H = 24  # a line's height in pixels; a character is H wide
W, PAGE_H = 1240, 1754


def _line(text: str, x: float, y: float, conf: float = 0.99, pieces=None) -> Line:
    ln = Line(text, conf, x, y, x + H * len(text), y + H)
    ln.pieces = pieces or [(text, conf)]
    return ln


def _texts(lines: list[Line]) -> list[str]:
    return [t for t, _, _ in layout_page(lines, W, PAGE_H)]


def test_wrapped_lines_join_and_indent_starts_a_paragraph() -> None:
    full = 40  # characters in a full line
    lines = [
        _line("一、基本情况", 100, 100),
        _line("甲" * (full - 2), 100 + 2 * H, 140),  # indented first line
        _line("乙" * full, 100, 180),
        _line("丙" * 10 + "。", 100, 220),  # short last line
        _line("丁" * (full - 2), 100 + 2 * H, 260),
        _line("戊" * 5 + "。", 100, 300),
    ]
    assert _texts(lines) == [
        "一、基本情况",
        "甲" * 38 + "乙" * 40 + "丙" * 10 + "。",
        "丁" * 38 + "戊" * 5 + "。",
    ]


def test_numbered_heading_after_a_full_last_line_starts_anew() -> None:
    lines = [
        _line("甲" * 40, 100, 100),
        _line("乙" * 39 + "。", 100, 140),  # the paragraph's last line is full
        _line("二、存在的问题", 100, 180),
        _line("丙" * 20 + "。", 100 + 2 * H, 220),
    ]
    assert _texts(lines) == ["甲" * 40 + "乙" * 39 + "。", "二、存在的问题", "丙" * 20 + "。"]


def test_two_columns_read_left_then_right() -> None:
    lines = [_line("标题在两栏之上的一行文字，横跨整个版心，比任何一栏都要宽得多了", 100, 60)]
    for k in range(6):
        lines.append(_line("左" * 18, 100, 120 + 40 * k))
        lines.append(_line("右" * 18, 100 + 20 * H, 120 + 40 * k))
    texts = _texts(lines)
    assert texts[0].startswith("标题")
    assert texts[1] == "左" * 18 * 6
    assert texts[2] == "右" * 18 * 6


def test_table_row_cells_are_tab_joined_and_never_joined_to_text() -> None:
    lines = [
        _line("下表是基本情况：", 100, 100),
        _line("项目", 100, 140),
        _line("2023年", 400, 140),
        _line("2024年", 700, 140),
        _line("党员", 100, 180),
        _line("612", 400, 180),
        _line("634", 700, 180),
    ]
    assert _texts(lines) == ["下表是基本情况：", "项目\t2023年\t2024年", "党员\t612\t634"]


def test_rotated_page_rows_come_out_in_order() -> None:
    """Boxes of a page fed 1.5° crooked: deskew puts each line's pieces back on one row."""
    import math

    a = math.radians(1.5)
    lines = []
    for k in range(6):
        for j, x in enumerate((100, 600)):
            y = 100 + 40 * k + x * math.tan(a)
            ln = _line(("上下左右前后"[k]) * 20, x, y)
            ln.box = [
                (x, y),
                (x + 480, y + 480 * math.tan(a)),
                (x + 480, y + 480 * math.tan(a) + H),
                (x, y + H),
            ]
            ln.angle = a
            lines.append(ln)
            assert j in (0, 1)
    texts = _texts(lines)
    assert texts[0].startswith("上" * 20 + "上" * 20)


class _FakeEngine(ocr.Engine):
    name = "fake"

    def __init__(self, pages: list[list[Line]]) -> None:
        self.pages = pages
        self.k = 0

    def read(self, image) -> list[Line]:
        self.k += 1
        return [
            Line(ln.text, ln.conf, ln.x0, ln.y0, ln.x1, ln.y1, list(ln.pieces))
            for ln in self.pages[self.k - 1]
        ]


def _png(width: int = 200, height: int = 280) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (width, height), 255).save(buf, "PNG")
    return buf.getvalue()


def _tiff(pages: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    frames = [Image.new("L", (200, 280), 255) for _ in range(pages)]
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    return buf.getvalue()


def _page(body: list[Line], number: int) -> list[Line]:
    head = _line("青禾镇述职材料", 500, 40)
    foot = _line(f"- {number} -", 580, PAGE_H - 100)
    return [head, *body, foot]


@pytest.fixture()
def fake(monkeypatch):
    def install(pages: list[list[Line]]) -> None:
        engine = _FakeEngine(pages)
        monkeypatch.setattr(ocr, "_engine_for", lambda name: engine)
        monkeypatch.setattr(ocr, "get_engine_name", lambda: "fake")

    return install


def test_multipage_tiff_furniture_dropped_and_paragraph_continues_over_the_page(fake) -> None:
    p1 = [
        _line("青禾镇党委书记2024年度述职报告", 100, 200),
        _line("甲" * 38, 100 + 2 * H, 260),
        _line("乙" * 40, 100, 300),
        _line("丙" * 40, 100, 340),
    ]
    p2 = [
        _line("丁" * 12 + "。", 100, 200),
        _line("戊" * 38, 100 + 2 * H, 240),
        _line("己" * 6 + "。", 100, 280),
    ]
    fake([_page(p1, 1), _page(p2, 2)])
    doc = load_bytes(_tiff(2), "scan.tif")
    assert doc.text.split("\n") == [
        "青禾镇党委书记2024年度述职报告",
        "甲" * 38 + "乙" * 40 + "丙" * 40 + "丁" * 12 + "。",
        "戊" * 38 + "己" * 6 + "。",
    ]
    assert {r.reason for r in doc.removed} == {"pdf_page_furniture"}
    out = doc.to_clean_json()
    assert out["source"] == "ocr" and 0.98 < out["ocr_confidence"] <= 1.0
    assert out["ocr_lines"] and all(0 < x["confidence"] <= 1 for x in out["ocr_lines"])
    assert doc.meta["pages"] == 2


def test_low_confidence_characters_become_unreliable_spans(fake) -> None:
    body = [
        _line("一、工作情况", 100, 200),
        _line(
            "全年带头讲党课三次，当好学生的弓路人。",
            100 + 2 * H,
            260,
            pieces=[("全年带头讲党课三次，当好学生的", 0.99), ("弓", 0.41), ("路人。", 0.98)],
        ),
    ]
    fake([body])
    doc = load_bytes(_png(), "photo.png")
    assert [doc.text[s:e] for s, e in doc.unreliable] == ["弓"]
    assert doc.to_clean_json()["unreliable"] == [list(doc.unreliable[0])]


def test_copy_detection_never_counts_an_unreliable_typo() -> None:
    typos = (("弓路人", 10, 13), ("按步就班", 30, 34))
    item = ReadItem("a.png", "x" * 40, unreliable=((10, 11),))
    assert reliable_typos(typos, item) == (("按步就班", 30, 34),)
    assert reliable_typos(typos, Item("b.txt", "x" * 40)) == typos


def test_image_without_text_is_one_clear_error(fake) -> None:
    fake([[]])
    with pytest.raises(IngestError) as err:
        load_bytes(_png(), "blank.png")
    assert err.value.code == "no_text" and "no text found in the image" in str(err.value)


def test_decompression_bomb_is_refused_before_decoding() -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 0, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")
    with pytest.raises(IngestError) as err:
        load_bytes(png, "huge.png")
    assert err.value.code == "image_too_large" and "pixel limit" in str(err.value)


def test_broken_image_is_one_clear_error() -> None:
    with pytest.raises(IngestError) as err:
        load_bytes(b"\x89PNG\r\n\x1a\n" + b"not an image at all" * 10, "broken.png")
    assert err.value.code == "corrupt" and "not a readable image" in str(err.value)


def test_encrypted_pdf_is_one_clear_error() -> None:
    from pypdf import PdfReader, PdfWriter

    from tests.pdfmaker import make_pdf

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf([["一份加密的述职报告。"]]))).pages:
        writer.add_page(page)
    writer.encrypt("secret", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    with pytest.raises(IngestError) as err:
        load_bytes(buf.getvalue(), "locked.pdf")
    assert err.value.code == "encrypted" and "password" in str(err.value)


def test_bad_files_are_one_line_each_and_the_good_one_still_analyzed(tmp_path) -> None:
    """Blank image, decompression bomb, broken image, encrypted PDF, unreadable .doc: one line each on
    stderr naming the file, exit 1, and the good report's result still printed."""
    import json
    import shutil
    import struct
    import subprocess
    import sys
    import zlib

    from pypdf import PdfReader, PdfWriter

    from tests.conftest import ROOT, SAMPLES
    from tests.pdfmaker import make_pdf

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    (tmp_path / "blank.png").write_bytes(_png())
    (tmp_path / "huge.png").write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" * 100))
        + chunk(b"IEND", b"")
    )
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff" + b"\x00garbage" * 50)
    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(make_pdf([["一份加密的述职报告。"]]))).pages[0])
    writer.encrypt("secret", algorithm="RC4-128")
    with (tmp_path / "locked.pdf").open("wb") as fh:
        writer.write(fh)
    bad = ["blank.png", "huge.png", "broken.jpg", "locked.pdf"]
    if any(shutil.which(t) for t in ("antiword", "catdoc", "soffice")):
        doc = (ROOT / "tests" / "fixtures" / "ocr" / "report.doc").read_bytes()
        (tmp_path / "broken.doc").write_bytes(doc[:1536] + b"\x00" * 2048)
        bad.append("broken.doc")
    good = tmp_path / "good.txt"
    good.write_bytes((SAMPLES / "2024_county_edu_bureau_good.txt").read_bytes())
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline", "analyze", "--json", *(str(tmp_path / b) for b in bad), str(good)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(errors) == len(bad), proc.stderr
    for name in bad:
        assert sum(1 for line in errors if f"{name}: " in line) == 1
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    assert [Path(r["path"]).name for r in results] == ["good.txt"]
