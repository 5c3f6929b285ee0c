"""Readers: a submitted file → decoded text (plus lines a reader knows to be furniture).

The format is decided by the file's first bytes, not only its name, because submissions arrive
renamed (a .docx saved as .doc, a web page saved as .txt). Every failure is an IngestError with a
stable code and a one-line reason.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import IngestError
from pipeline.ingest import ocr
from pipeline.ingest.decoding import DecodeError, decode, looks_binary
from pipeline.ingest.ocr import IMAGE_SUFFIXES
from pipeline.settings import Settings

TEXT_SUFFIXES = {".txt", ".md", ".text", ".csv", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".mht"}
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | IMAGE_SUFFIXES | {".docx", ".pdf", ".doc", ".wps"}
# A PDF page with fewer visible characters than this in its text layer is read by OCR (a scan,
# or a scanned page put into a typed report).
PDF_PAGE_MIN_CHARS = 10
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div)\b", re.I | re.S
)


@dataclass
class RawText:
    """What a reader hands to cleaning."""

    text: str
    encoding: str
    forced: dict[int, str] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)


def read_path(path: Path, settings: Settings) -> RawText:
    """Check the path and its size, then read it by its kind.

    Only regular files are read (a FIFO would block for ever, a device never ends), and the read is
    bounded by the size limit whatever ``stat`` said, since a file can grow while it is read.
    """
    name = str(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise IngestError(name, "missing", "no such file") from None
    except OSError as exc:
        raise IngestError(name, "unreadable", f"cannot read file ({exc.strerror or exc})") from exc
    if stat.S_ISDIR(st.st_mode):
        raise IngestError(name, "directory", "is a directory, not a file (use `shuzhi batch` for folders)")
    if not stat.S_ISREG(st.st_mode):
        raise IngestError(name, "not_a_file", "not a regular file (a device, FIFO or socket)")
    limit = int(settings.ingest.max_file_mb * 1024 * 1024)
    if st.st_size > limit:
        raise IngestError(
            name,
            "too_large",
            f"file is {st.st_size / 1048576:.1f} MB, over the {settings.ingest.max_file_mb:g} MB limit",
        )
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise IngestError(name, "unreadable", f"cannot read file ({exc.strerror or exc})") from exc
    return read_bytes(data, name, settings)


def read_bytes(data: bytes, name: str, settings: Settings) -> RawText:
    """Read an in-memory file (uploads go through here too); the text is capped for every format."""
    raw = _read_bytes(data, name, settings)
    if len(raw.text) > settings.ingest.max_text_chars:
        raise IngestError(
            name,
            "too_much_text",
            f"extracted text is over the limit of {settings.ingest.max_text_chars:,} characters "
            "(ingest.max_text_chars)",
        )
    return raw


def _read_bytes(data: bytes, name: str, settings: Settings) -> RawText:
    if len(data) > settings.ingest.max_file_mb * 1024 * 1024:
        raise IngestError(name, "too_large", f"file is over the {settings.ingest.max_file_mb:g} MB limit")
    suffix = Path(name).suffix.lower()
    if not data.strip():
        raise IngestError(name, "empty", "file is empty")
    if data.startswith(b"%PDF"):
        return read_pdf(data, name)
    if data.startswith(b"PK\x03\x04"):  # .docx, and a .wps or .doc that is a .docx inside
        return read_docx(data, name, settings)
    if data.startswith(_OLE):  # .doc, and WPS Office's .wps of the same family
        from pipeline.ingest.office import read_doc

        return read_doc(data, name, settings)
    if ocr.is_image(data):
        return read_image(data, name)
    if suffix in HTML_SUFFIXES or _HTML_START.match(data[:4096]):
        return read_html(data, name)
    if suffix in {".docx", ".pdf", ".doc", ".wps"} | IMAGE_SUFFIXES:
        raise IngestError(name, "corrupt", f"is named {suffix} but is not a {suffix[1:].upper()} file")
    return read_text(data, name)


def _decode(data: bytes, name: str) -> tuple[str, str]:
    try:
        decoded = decode(data)
    except DecodeError as exc:
        if looks_binary(data):
            raise IngestError(
                name, "binary", "binary file, not a supported document (txt, docx, pdf, html)"
            ) from exc
        raise IngestError(name, "encoding", str(exc)) from exc
    return decoded.text, decoded.encoding


def read_text(data: bytes, name: str) -> RawText:
    text, encoding = _decode(data, name)
    if not text.strip():
        raise IngestError(name, "empty", "file holds no text")
    return RawText(text, encoding)


def read_html(data: bytes, name: str) -> RawText:
    """Main text by trafilatura; cleaning then treats it as plain text."""
    import trafilatura

    html, encoding = _decode(data, name)
    extracted = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_recall=True, deduplicate=False
    )
    if not extracted or not extracted.strip():
        raise IngestError(name, "no_text", "no main text found in the HTML page")
    return RawText(extracted, f"html/{encoding}")


def _check_zip(data: bytes, name: str, settings: Settings) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError(name, "corrupt", f"not a readable .docx (broken zip: {exc})") from exc
    unpacked = sum(i.file_size for i in infos)
    limit = settings.ingest.max_docx_unpacked_mb * 1024 * 1024
    if unpacked > limit:
        raise IngestError(
            name,
            "zip_bomb",
            f"unpacks to {unpacked / 1048576:.0f} MB, over the {settings.ingest.max_docx_unpacked_mb:g} MB limit (zip bomb?)",
        )
    if "word/document.xml" not in {i.filename for i in infos}:
        raise IngestError(name, "not_docx", "a zip archive but not a Word .docx (no word/document.xml)")
    return archive


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph_text(p) -> str:  # p: an lxml w:p element
    """A paragraph's visible text: w:t runs, tabs and breaks; deleted text and field codes skipped."""
    out = []
    for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        if el.tag == f"{_W}t":
            out.append(el.text or "")
        elif el.tag == f"{_W}tab":
            out.append("\t")
        else:
            out.append("\n")
    return "".join(out)


class _TextBudget:
    """Characters extracted so far, against the settings' cap (a small file can expand enormously)."""

    def __init__(self, name: str, limit: int) -> None:
        self.name = name
        self.limit = limit
        self.used = 0

    def take(self, text: str) -> str:
        self.used += len(text) + 1
        if self.used > self.limit:
            raise IngestError(
                self.name,
                "too_much_text",
                f"extracted text is over the limit of {self.limit:,} characters (ingest.max_text_chars)",
            )
        return text


def _body_lines(container, lines: list[str], counts: dict[str, int], budget: _TextBudget) -> None:
    """Paragraphs and tables in document order (content controls opened).

    Only direct children are visited, so each paragraph is read exactly once: a table inside a table
    cell becomes part of that cell's text, not a second copy of its rows.
    """
    for child in container:
        tag = child.tag
        if tag == f"{_W}p":
            lines.append(budget.take(_paragraph_text(child)))
        elif tag == f"{_W}tbl":
            counts["tables"] += 1
            for row in _direct(child, "tr"):
                cells = [" ".join(_cell_text(cell, counts, budget).split()) for cell in _direct(row, "tc")]
                lines.append("\t".join(cells))
        elif tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                _body_lines(content, lines, counts, budget)


def _direct(el, tag: str) -> list:
    """Children named ``tag``, looking through content controls (w:sdt/w:sdtContent) in between."""
    out = []
    for child in el:
        if child.tag == f"{_W}{tag}":
            out.append(child)
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                out.extend(_direct(content, tag))
    return out


def _cell_text(cell, counts: dict[str, int], budget: _TextBudget) -> str:
    """A cell's own paragraphs and, in order, the rows of tables nested in it (each read once)."""
    parts: list[str] = []
    _body_lines(cell, parts, counts, budget)
    return " ".join(parts)


def read_docx(data: bytes, name: str, settings: Settings) -> RawText:
    """Paragraphs and tables in document order; a table row becomes one line of TAB-joined cells.

    The document part is parsed with lxml directly (entities not resolved, no network), which is
    about twenty times faster than building python-docx's object model and gives the same text.
    """
    from lxml import etree

    archive = _check_zip(data, name, settings)
    # The markup of the text is a few times the text; a document part far beyond that would only
    # be parsed to be refused by the text cap.
    part = archive.getinfo("word/document.xml").file_size
    if part > 16 * settings.ingest.max_text_chars:
        raise IngestError(
            name,
            "too_much_text",
            f"the .docx text part unpacks to {part / 1048576:.0f} MB, over the limit for "
            f"{settings.ingest.max_text_chars:,} characters (ingest.max_text_chars)",
        )
    try:
        xml = archive.read("word/document.xml")
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(xml, parser)
    except (KeyError, zipfile.BadZipFile, etree.XMLSyntaxError, OSError, RuntimeError) as exc:
        raise IngestError(name, "corrupt", f"not a readable .docx ({type(exc).__name__})") from exc
    body = root.find(f"{_W}body")
    if body is None:
        raise IngestError(name, "corrupt", "not a readable .docx (no document body)")
    lines: list[str] = []
    counts = {"tables": 0}
    _body_lines(body, lines, counts, _TextBudget(name, settings.ingest.max_text_chars))
    text = "\n".join(lines)
    if not text.strip():
        raise IngestError(name, "empty", "the .docx holds no text")
    return RawText(text, "docx", meta=counts)


def read_pdf(data: bytes, name: str) -> RawText:
    """The text layer, pages in order; pages without one are read by OCR.

    Lines repeated at the top or bottom of most pages are furniture (OCR pages also drop page numbers
    found by their place on the page).
    """
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs what it repairs or cannot read; the reason a user sees is our one line.
    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception as exc:
                raise IngestError(name, "encrypted", "PDF is password-protected (encrypted)") from exc
            if not opened:
                raise IngestError(name, "encrypted", "PDF is password-protected (encrypted)")
        pages = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except (PdfReadError, Exception) as exc:  # pypdf raises many kinds on broken files
        raise IngestError(name, "corrupt", f"not a readable PDF ({type(exc).__name__})") from exc
    bare = [i for i, p in enumerate(pages) if len("".join(p.split())) < PDF_PAGE_MIN_CHARS]
    if bare:
        return _read_pdf_ocr(data, name, pages, bare)
    page_lines = [p.splitlines() for p in pages]
    furniture = _repeated_page_lines(page_lines)
    lines: list[str] = []
    forced: dict[int, str] = {}
    for plines in page_lines:
        for k, line in enumerate(plines):
            lines.append(line)
            edge = k < 2 or k >= len(plines) - 2
            if edge and _page_key(line) in furniture and len(lines) > 1:  # line 1 is the title
                forced[len(lines)] = "pdf_page_furniture"
    return RawText("\n".join(lines), "pdf", forced, {"pages": len(pages)})


def _read_pdf_ocr(data: bytes, name: str, pages: list[str], bare: list[int]) -> RawText:
    """A PDF with pages that have no text layer: those are rendered and OCR'd, the others kept."""
    read = ocr.read_pages(ocr.render_pdf_pages(data, bare, name), name, total=len(bare))
    by_page = dict(zip(bare, read, strict=True))
    text_lines = [p.splitlines() for p in pages]
    furniture = _repeated_page_lines([text_lines[i] for i in range(len(pages)) if i not in by_page])
    merged: list[ocr.PageText | list[str]] = []
    for i, plines in enumerate(text_lines):
        merged.append(by_page.get(i) or [s for s in plines if _page_key(s) not in furniture])
    lines, forced, meta = ocr.assemble(merged, ocr.get_engine_name())
    if not "".join(lines[k] for k in range(len(lines)) if k + 1 not in forced).strip():
        # OCR read the pages and found nothing: the reason stays the one users and scripts know.
        raise IngestError(name, "scanned_pdf", "no text layer (scanned PDF?)")
    meta["pages"] = len(pages)
    return RawText("\n".join(lines), "pdf/ocr", forced, meta)


def read_image(data: bytes, name: str) -> RawText:
    """A scan or a photo of pages (PNG, JPEG, TIFF with one or many pages), read by OCR."""
    total = _frames(data)
    read = ocr.read_pages(ocr.open_images(data, name), name, total=total)
    lines, forced, meta = ocr.assemble(list(read), ocr.get_engine_name())
    if not "".join(lines[k] for k in range(len(lines)) if k + 1 not in forced).strip():
        raise IngestError(name, "no_text", "no text found in the image (a blank page or a picture?)")
    meta["pages"] = len(read)
    return RawText("\n".join(lines), "image/ocr", forced, meta)


def _frames(data: bytes) -> int | None:
    """Pages in an image file, for progress (None when it cannot tell cheaply)."""
    try:
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = ocr.MAX_IMAGE_PIXELS
        with Image.open(io.BytesIO(data)) as img:
            return int(getattr(img, "n_frames", 1))
    except Exception:  # the reader proper names what is wrong
        return None


def _page_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip())


def _repeated_page_lines(pages: list[list[str]]) -> set[str]:
    """Lines (digits masked) in the first or last two lines of at least 60% of pages, when >= 3 pages."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for plines in pages:
        edges = {_page_key(s) for s in plines[:2] + plines[-2:] if s.strip()}
        counts.update(edges)
    return {k for k, c in counts.items() if c >= 0.6 * len(pages) and k.strip("# ")}
