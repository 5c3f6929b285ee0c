from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from pipeline.errors import IngestError
from pipeline.ingest import load, load_bytes
from pipeline.settings import IngestSettings, Settings
from tests.pdfmaker import make_pdf

REPORT_LINES = [
    "XX局党组书记2024年度抓基层党建工作述职报告",
    "一、履行职责情况",
    "我主持召开党组会议研究党建工作12次，",
    "带头讲党课3次。",
]


def _docx(tmp_path: Path, with_table: bool = True) -> Path:
    import docx

    document = docx.Document()
    document.add_paragraph(REPORT_LINES[0])
    document.add_paragraph("一、履行职责情况")
    if with_table:
        table = document.add_table(rows=3, cols=4)
        rows = [
            ("序号", "任务", "措施", "完成时限"),
            ("1", "支部标准化建设", "逐支部验收", "2024年9月"),
            ("2", "党员发展", "一线骨干", "2024年12月"),
        ]
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                table.cell(r, c).text = value
    document.add_paragraph("二、存在的问题")
    document.add_paragraph("党员教育管理不够严格，有2个支部全年谈心谈话不足4次。")
    path = tmp_path / "report.docx"
    document.save(path)
    return path


def test_docx_paragraphs_and_table_rows_in_order(tmp_path: Path) -> None:
    doc = load(_docx(tmp_path))
    lines = doc.text.split("\n")
    assert lines[0] == REPORT_LINES[0]
    assert lines[2] == "序号\t任务\t措施\t完成时限"
    assert lines[3] == "1\t支部标准化建设\t逐支部验收\t2024年9月"
    assert lines.index("二、存在的问题") == 5
    assert doc.encoding == "docx" and doc.meta["tables"] == 1


def test_sample_docx_worklist(samples: Path) -> None:
    doc = load(samples / "2024_soe_transport_group_worklist.docx")
    rows = [line for line in doc.text.split("\n") if "\t" in line]
    assert len(rows) >= 9  # header + one row per task
    assert all(len(r.split("\t")) >= 4 for r in rows)


def test_docx_zip_bomb_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(201):
                fh.write(chunk)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(IngestError) as err:
        load(path)
    assert err.value.code == "zip_bomb" and "zip bomb" in err.value.reason


def test_zip_that_is_not_docx(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hello")
    with pytest.raises(IngestError) as err:
        load_bytes(buf.getvalue(), "a.docx")
    assert err.value.code == "not_docx"


def test_pdf_text_layer_and_page_furniture() -> None:
    pages = [
        ["XX局党组书记述职报告", "一、履行职责情况", "我主持召开党组会议研究党建工作12次，", "第1页 共3页"],
        ["XX局党组书记述职报告", "带头讲党课3次。", "二、存在的问题", "第2页 共3页"],
        ["XX局党组书记述职报告", "三、下一步打算", "第3页 共3页"],
    ]
    doc = load_bytes(make_pdf(pages), "report.pdf")
    assert doc.text.split("\n") == [
        "XX局党组书记述职报告",
        "一、履行职责情况",
        "我主持召开党组会议研究党建工作12次，带头讲党课3次。",
        "二、存在的问题",
        "三、下一步打算",
    ]
    reasons = {r.reason for r in doc.removed}
    assert reasons <= {"pdf_page_furniture", "page_footer"} and len(doc.removed) == 5
    assert doc.meta["pages"] == 3


def test_scanned_pdf_has_no_text_layer() -> None:
    with pytest.raises(IngestError) as err:
        load_bytes(make_pdf([None, None]), "scan.pdf")
    assert err.value.reason == "no text layer (scanned PDF?)"


def test_broken_pdf() -> None:
    with pytest.raises(IngestError) as err:
        load_bytes(b"%PDF-1.7\nthis is not a pdf body at all", "broken.pdf")
    assert err.value.code in {"corrupt", "scanned_pdf"}


def test_old_word_doc_explains_what_to_do(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
    with pytest.raises(IngestError) as err:
        load_bytes(data, "old.doc")
    assert err.value.code == "old_word" and "save it as .docx" in err.value.reason


def test_html_main_text_then_cleaning() -> None:
    body = "".join(
        f"<p>{s}</p>"
        for s in REPORT_LINES[1:] + ["二、存在的问题", "党员教育管理不够严格，有2个支部谈心谈话不足4次。"] * 2
    )
    html = (
        "<html><head><meta charset='utf-8'><title>述职报告</title></head><body>"
        "<div class='nav'><a href='/'>首页</a> &gt; <a>党建</a></div>"
        f"<article><h1>{REPORT_LINES[0]}</h1>{body}</article>"
        "<footer>版权所有 © 2024 某某网 京ICP备12345678号</footer></body></html>"
    )
    doc = load_bytes(html.encode("utf-8"), "page.html")
    assert "我主持召开党组会议研究党建工作12次，带头讲党课3次。" in doc.text
    assert "ICP" not in doc.text
    assert doc.encoding.startswith("html/")


@pytest.mark.parametrize(
    ("make", "code"),
    [
        pytest.param(lambda p: p / "missing.txt", "missing", id="missing"),
        pytest.param(lambda p: p, "directory", id="directory"),
        pytest.param(
            lambda p: (p / "empty.txt").write_bytes(b"") and p / "empty.txt" or p / "empty.txt",
            "empty",
            id="empty",
        ),
        pytest.param(
            lambda p: (p / "blank.txt").write_bytes(b"  \n\n ") and p / "blank.txt", "empty", id="blank"
        ),
        pytest.param(
            lambda p: (p / "x.bin").write_bytes(bytes(range(256)) * 40) and p / "x.bin", "binary", id="binary"
        ),
        pytest.param(
            lambda p: (p / "fake.pdf").write_bytes("这不是PDF".encode()) and p / "fake.pdf",
            "corrupt",
            id="misnamed",
        ),
    ],
)
def test_bad_inputs_give_one_line_reasons(tmp_path: Path, make, code: str) -> None:
    path = make(tmp_path)
    with pytest.raises(IngestError) as err:
        load(path)
    assert err.value.code == code
    assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_file_over_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("我主持召开会议。\n" * 20000, encoding="utf-8")
    small = Settings(ingest=IngestSettings(max_file_mb=0.1))
    with pytest.raises(IngestError) as err:
        load(path, small)
    assert err.value.code == "too_large" and "0.1 MB limit" in err.value.reason
