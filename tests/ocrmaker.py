"""Render report text to page images, as a scanner or a phone would give them, for OCR tests and the
benchmark.

Pages are A4 at a chosen dpi with a running head and a page number (furniture OCR must drop), one or
two columns, optionally rotated a little (a sheet fed crooked) or made photo-like (uneven light,
sensor noise, JPEG). Needs a CJK font (Debian's fonts-noto-cjk); ``font_path()`` is None without one.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


def font_path() -> str | None:
    for cand in FONT_CANDIDATES:
        if Path(cand).exists():
            return cand
    return None


def _font(size: int):
    from PIL import ImageFont

    path = font_path()
    if path is None:
        raise RuntimeError("no CJK font (install fonts-noto-cjk)")
    for index in range(8):  # the .ttc holds JP, KR, SC, TC …: take the simplified-Chinese face
        face = ImageFont.truetype(path, size, index=index)
        if "SC" in " ".join(face.getname()):
            return face
    return ImageFont.truetype(path, size)


def _wrap(paragraph: str, font, width: int, indent: bool) -> list[str]:
    """Lines of at most ``width`` pixels, a paragraph's first line indented by two characters."""
    lines: list[str] = []
    line = "\u3000\u3000" if indent else ""
    for ch in paragraph:
        if font.getlength(line + ch) > width and line.strip("\u3000"):
            lines.append(line)
            line = ""
        line += ch
    if line.strip("\u3000"):
        lines.append(line)
    return lines


A4 = (8.27, 11.69)
A5 = (5.83, 8.27)


def layout(
    text: str, dpi: int = 150, columns: int = 1, head: str = "", pt: float = 12.0, page: tuple = A4
) -> list[list[tuple[int, int, str]]]:
    """Place the text's lines on pages: a list of pages, each a list of (x, y, line) in pixels."""
    font = _font(round(pt * dpi / 72))
    width, height = round(page[0] * dpi), round(page[1] * dpi)
    margin = round(0.9 * dpi)
    gap = round(0.3 * dpi)
    col_w = (width - 2 * margin - (columns - 1) * gap) // columns
    step = round(pt * dpi / 72 * 1.7)
    top, bottom = margin + (step if head else 0), height - margin - step
    paras = [p.strip() for p in text.splitlines() if p.strip()]
    lines: list[str] = []
    for k, para in enumerate(paras):
        if "\t" in para:  # a table row: cells set at even steps across the column
            lines.append(para)
            continue
        short = len(para) < 30 and not para.endswith("。")
        lines.extend(_wrap(para, font, col_w, indent=not short and k > 0))
    pages: list[list[tuple[int, int, str]]] = []
    placed: list[tuple[int, int, str]] = []
    col, y = 0, top
    for line in lines:
        if y + step > bottom:
            col, y = col + 1, top
            if col >= columns:
                pages.append(placed)
                placed, col = [], 0
        placed.append((margin + col * (col_w + gap), y, line))
        y += step
    if placed:
        pages.append(placed)
    return pages


def render(
    text: str,
    dpi: int = 150,
    columns: int = 1,
    head: str = "",
    rotate: float = 0.0,
    photo: bool = False,
    seed: int = 0,
    page: tuple = A4,
) -> list:
    """PIL images (grayscale, or RGB when photo-like), one per page."""
    from PIL import Image, ImageDraw, ImageFilter

    pt = 12.0
    font = _font(round(pt * dpi / 72))
    small = _font(round(10 * dpi / 72))
    width, height = round(page[0] * dpi), round(page[1] * dpi)
    margin = round(0.9 * dpi)
    pages = layout(text, dpi, columns, head, pt, page)
    out = []
    rng = random.Random(seed)
    for number, placed in enumerate(pages, 1):
        img = Image.new("L", (width, height), 255)
        draw = ImageDraw.Draw(img)
        if head:
            draw.text((width // 2, margin - round(0.1 * dpi)), head, fill=0, font=small, anchor="ms")
        col_w = (width - 2 * margin) // columns
        for x, y, line in placed:
            cells = line.split("\t")
            for k, cell in enumerate(cells):
                draw.text((x + k * col_w // max(len(cells), 3), y), cell, fill=0, font=font)
        draw.text((width // 2, height - margin // 2), f"- {number} -", fill=0, font=small, anchor="ms")
        if rotate:
            img = img.rotate(rotate, resample=Image.BICUBIC, expand=False, fillcolor=255)
        img = _photo(img, rng) if photo else img.filter(ImageFilter.GaussianBlur(0.4))
        out.append(img)
    return out


def _photo(img, rng: random.Random):
    """Uneven light (a lamp to one side), a warm paper tint, sensor noise and JPEG at quality 55."""
    import numpy as np
    from PIL import Image

    a = np.asarray(img, dtype=np.float32) / 255.0
    h, w = a.shape
    yy, xx = np.mgrid[0:h, 0:w]
    light = 0.62 + 0.38 * np.exp(-(((xx - 0.25 * w) / w) ** 2 + ((yy - 0.2 * h) / h) ** 2) * 1.6)
    ink = 1.0 - a
    paper = light * (1.0 - 0.78 * ink)
    noise = np.random.default_rng(rng.randrange(1 << 30)).normal(0, 0.035, a.shape)
    g = np.clip(paper + noise, 0, 1)
    rgb = np.stack([g * 0.98, g * 0.94, g * 0.86], axis=-1)
    im = Image.fromarray((rgb * 255).astype(np.uint8), "RGB").rotate(
        0.8, resample=Image.BICUBIC, fillcolor=(90, 85, 80)
    )
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=55)
    return Image.open(io.BytesIO(buf.getvalue()))


def to_pdf(images: list, dpi: int = 150) -> bytes:
    """A PDF of page images only (no text layer), as a scanner writes it."""
    buf = io.BytesIO()
    first, rest = images[0], images[1:]
    first.save(buf, "PDF", resolution=dpi, save_all=True, append_images=rest)
    return buf.getvalue()


def to_tiff(images: list, dpi: int = 150) -> bytes:
    """A multi-page TIFF (group-4 fax compression needs 1-bit pages; keep it simple: LZW)."""
    buf = io.BytesIO()
    images[0].save(
        buf, "TIFF", compression="tiff_lzw", save_all=True, append_images=images[1:], dpi=(dpi, dpi)
    )
    return buf.getvalue()


def write_fixtures(folder: Path) -> None:
    """The committed OCR fixtures, from the team's own report.txt: a 2-page A5 scan (PDF, 150 dpi) and
    a photo-like JPEG of its first page. Run once: ``python -m tests.ocrmaker tests/fixtures/ocr``."""
    text = (folder / "report.txt").read_text(encoding="utf-8")
    pages = render(text, dpi=150, head="青禾镇述职材料", page=A5)
    (folder / "scan.pdf").write_bytes(to_pdf(pages, 150))
    photo = render(text, dpi=150, head="青禾镇述职材料", page=A5, photo=True, seed=7)[0]
    photo.save(folder / "photo.jpg", "JPEG", quality=60)
    pages[1].convert("1").save(folder / "page2.png", optimize=True)


def write_office_fixtures(folder: Path) -> None:
    """report.doc (LibreOffice's binary Word), report.wps (the same bytes, as WPS Office names them)
    and report_docx.wps (a .docx under a .wps name), from report.txt with its table as a real table."""
    import shutil
    import subprocess
    import tempfile

    from docx import Document

    text = (folder / "report.txt").read_text(encoding="utf-8")
    doc = Document()
    rows: list[list[str]] = []

    def flush() -> None:
        if rows:
            table = doc.add_table(rows=len(rows), cols=len(rows[0]))
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
            rows.clear()

    for line in text.splitlines():
        if "\t" in line:
            rows.append(line.split("\t"))
            continue
        flush()
        doc.add_paragraph(line)
    flush()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.docx"
        doc.save(src)
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "doc", "--outdir", tmp, str(src)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        shutil.copy(Path(tmp) / "report.doc", folder / "report.doc")
        shutil.copy(Path(tmp) / "report.doc", folder / "report.wps")
        shutil.copy(src, folder / "report_docx.wps")


if __name__ == "__main__":
    import sys

    write_fixtures(Path(sys.argv[1]))
    write_office_fixtures(Path(sys.argv[1]))
