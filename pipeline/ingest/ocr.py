"""OCR: page images (scans, phone photos, image-only PDF pages) → text lines with confidence.

The engine is RapidOCR (PP-OCR models shipped inside the ``rapidocr-onnxruntime`` wheel, so nothing is
downloaded at run time); Debian's tesseract with ``chi_sim`` is the fallback and the benchmark's
comparison. Engines only find text lines (box, text, confidence); everything a report needs on top —
deskew, one or two columns, lines joined into paragraphs, table rows, page numbers and running heads
— is done here from the geometry, the same way for both engines.

A line's characters below ``LOW_CONFIDENCE`` are recorded as unreliable: a machine guessed them, so
they must never be reported as the writer's typos or count as shared-typo evidence of copying.
"""

from __future__ import annotations

import io
import math
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.errors import IngestError
from pipeline.text import ends_sentence, is_heading, is_list_item

# A scanned A4 page at 600 dpi is 35 Mpx; past this an image is a decompression bomb, not a page.
MAX_IMAGE_PIXELS = 60_000_000
MAX_PAGES = 300
# Resolution PDF pages without a text layer are rendered at: 12-pt text is 25 px high, which the
# recogniser (48-px input) reads as well as at 300 dpi, at a third of the detection time.
RENDER_DPI = 150
# Below this line confidence, the characters are marked unreliable (PP-OCR scores clean print > 0.95).
LOW_CONFIDENCE = 0.80
ENGINES = ("rapidocr", "tesseract")
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff"}

# Progress for long work: called with (file name, pages done, pages in all). The CLI sets it.
progress: Callable[[str, int, int], None] | None = None

_PAGE_NUMBER = re.compile(
    r"^[\s\-—–·•_~]*(?:第\s*)?(?:\d{1,4}|[ivxlcIVXLC]{1,6})(?:\s*/\s*\d{1,4}|\s*页(?:\s*共\s*\d+\s*页)?)?[\s\-—–·•_~]*$"
)


@dataclass
class Line:
    """One line of text as read, in page pixels (after deskew)."""

    text: str
    conf: float
    x0: float
    y0: float
    x1: float
    y1: float
    pieces: list[tuple[str, float]] = field(default_factory=list)  # (text, confidence) runs

    @property
    def h(self) -> float:
        return self.y1 - self.y0

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class PageText:
    """What OCR made of one page: paragraphs (one per line), furniture flags and confidences."""

    lines: list[str]
    furniture: list[bool]
    confidence: list[float]  # per line, character-weighted
    low: list[list[tuple[int, int]]]  # per line, spans of unreliable characters
    chars: int = 0


# --- engines ---------------------------------------------------------------------------------------


class Engine:
    name = "none"

    def read(self, image) -> list[Line]:  # image: PIL.Image
        raise NotImplementedError


class RapidEngine(Engine):
    """PP-OCRv4 detection + recognition through onnxruntime (the angle classifier is skipped: a
    submitted page is upright or a few degrees off, never upside down line by line)."""

    name = "rapidocr"

    def __init__(self) -> None:
        from rapidocr_onnxruntime import RapidOCR

        self._ocr = RapidOCR(use_cls=False, print_verbose=False)
        # The recogniser scores each character but hands back only a line's mean: keep the
        # per-character scores of each decoded line, looked up by its text after the call.
        post = self._ocr.text_rec.postprocess_op
        original = post.decode
        self._chars: dict[str, list[list[float]]] = {}

        def decode(text_index, text_prob=None, return_word_box=False, is_remove_duplicate=False):
            out = original(text_index, text_prob, True, is_remove_duplicate)
            for text, _, info in out:
                self._chars.setdefault(text, []).append([float(c) for c in info[4]])
            return [(t, m, i) if return_word_box else (t, m) for t, m, i in out]

        post.decode = decode

    def read(self, image) -> list[Line]:
        import numpy as np

        arr = np.asarray(image.convert("RGB"))
        self._chars.clear()
        result, _ = self._ocr(arr, use_cls=False)
        lines = []
        for box, raw, score in result or []:
            text = raw.strip()
            if not text:
                continue
            confs = self._chars.get(raw, [])
            chars = confs.pop(0) if confs else []
            lead = len(raw) - len(raw.lstrip())
            chars = chars[lead : lead + len(text)] if len(chars) == len(raw) else [float(score)] * len(text)
            (ax, ay), (bx, by), (cx, cy), (dx, dy) = box
            line = Line(text, float(score), min(ax, dx), min(ay, by), max(bx, cx), max(cy, dy))
            line.pieces = _runs(text, chars)
            line.angle = math.atan2(by - ay, bx - ax)  # type: ignore[attr-defined]
            line.box = box  # type: ignore[attr-defined]
            lines.append(line)
        return lines


def _runs(text: str, confs: list[float]) -> list[tuple[str, float]]:
    """Characters grouped into runs that are all reliable or all not, each with its mean score."""
    runs: list[tuple[str, list[float]]] = []
    for ch, c in zip(text, confs, strict=True):
        low = c < LOW_CONFIDENCE
        if runs and (runs[-1][1][-1] < LOW_CONFIDENCE) == low:
            runs[-1] = (runs[-1][0] + ch, runs[-1][1] + [c])
        else:
            runs.append((ch, [c]))
    return [(t, sum(cs) / len(cs)) for t, cs in runs]


class TesseractEngine(Engine):
    """tesseract CLI with chi_sim, TSV output: word boxes with confidences grouped into lines."""

    name = "tesseract"

    def __init__(self) -> None:
        self.exe = shutil.which("tesseract")
        if not self.exe:
            raise RuntimeError("tesseract is not installed")

    def read(self, image) -> list[Line]:
        with tempfile.TemporaryDirectory(prefix="shuzhi-ocr-") as tmp:
            path = os.path.join(tmp, "page.png")
            image.convert("L").save(path)
            out = subprocess.run(
                [self.exe, path, "stdout", "-l", "chi_sim", "--psm", "3", "tsv"],
                capture_output=True,
                timeout=300,
                check=True,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            ).stdout.decode("utf-8", "replace")
        groups: dict[tuple[str, ...], list[list[str]]] = {}
        for row in out.splitlines()[1:]:
            f = row.split("\t")
            if len(f) < 12 or f[0] != "5" or not f[11].strip():
                continue
            groups.setdefault(tuple(f[1:5]), []).append(f)
        lines = []
        for words in groups.values():
            pieces = []
            for k, w in enumerate(words):
                text = w[11].strip()
                if k and _ascii_end(pieces[-1][0]) and _ascii_start(text):
                    text = " " + text
                pieces.append((text, max(float(w[10]), 0.0) / 100))
            text = "".join(p for p, _ in pieces)
            n = sum(len(p) for p, _ in pieces) or 1
            x0 = min(int(w[6]) for w in words)
            y0 = min(int(w[7]) for w in words)
            x1 = max(int(w[6]) + int(w[8]) for w in words)
            y1 = max(int(w[7]) + int(w[9]) for w in words)
            line = Line(text, sum(len(p) * c for p, c in pieces) / n, x0, y0, x1, y1, pieces)
            line.angle = 0.0  # type: ignore[attr-defined]
            lines.append(line)
        return lines


@lru_cache(maxsize=2)
def get_engine(name: str = "auto") -> Engine:
    """The named engine, or for ``auto`` RapidOCR and else tesseract; RuntimeError when none is usable."""
    errors = []
    for cand in ENGINES if name == "auto" else (name,):
        try:
            return RapidEngine() if cand == "rapidocr" else TesseractEngine()
        except Exception as exc:  # an engine missing or broken: try the next one
            errors.append(f"{cand}: {exc}")
    raise RuntimeError("; ".join(errors) or f"unknown OCR engine {name}")


def get_engine_name() -> str:
    """The name of the engine in use (after a read)."""
    try:
        return get_engine(os.environ.get("SHUZHI_OCR_ENGINE", "auto")).name
    except RuntimeError:
        return "none"


def _engine_for(name: str) -> Engine:
    try:
        return get_engine(os.environ.get("SHUZHI_OCR_ENGINE", "auto"))
    except RuntimeError as exc:
        raise IngestError(
            name, "no_ocr", f"text must be read from an image but no OCR engine works here ({exc})"
        ) from None


def _ascii_end(s: str) -> bool:
    """Ends in a Latin letter (a number cut by a line wrap joins without a space, a word with one)."""
    return bool(s) and s[-1].isascii() and s[-1].isalpha()


def _ascii_start(s: str) -> bool:
    return bool(s) and s[0].isascii() and s[0].isalpha()


# --- images ----------------------------------------------------------------------------------------


def is_image(data: bytes) -> bool:
    return data.startswith(IMAGE_MAGIC)


def open_images(data: bytes, name: str) -> Iterator:
    """The pages of an image file (a multi-page TIFF gives several), upright, checked against the
    pixel limit before any is decoded (a small PNG can claim 100,000 × 100,000 pixels)."""
    from PIL import Image, ImageOps, ImageSequence

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
            _check_pixels(img, name)
            for k, frame in enumerate(ImageSequence.Iterator(img)):
                if k >= MAX_PAGES:
                    raise IngestError(name, "too_many_pages", f"image has over {MAX_PAGES} pages")
                _check_pixels(frame, name)
                page = ImageOps.exif_transpose(frame.copy()) if k == 0 else frame.copy()
                yield page.convert("L") if page.mode not in ("L", "RGB") else page
        except IngestError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise IngestError(
                name,
                "image_too_large",
                f"image is over the {MAX_IMAGE_PIXELS:,}-pixel limit (decompression bomb?)",
            ) from None
        except Exception as exc:
            # Pillow's decoders raise many kinds on a damaged file (struct.error, IndexError …)
            raise IngestError(name, "corrupt", f"not a readable image ({type(exc).__name__})") from None


def _check_pixels(img, name: str) -> None:
    w, h = img.size
    if w * h > MAX_IMAGE_PIXELS:
        raise IngestError(
            name,
            "image_too_large",
            f"image is {w} × {h} pixels, over the {MAX_IMAGE_PIXELS:,}-pixel limit (decompression bomb?)",
        )


def render_pdf_pages(data: bytes, pages: list[int], name: str) -> Iterator:
    """PDF pages (0-based) rendered to grayscale images with pdfium (no poppler needed)."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise IngestError(name, "corrupt", f"not a readable PDF ({exc})") from None
    try:
        for i in pages:
            page = pdf[i]
            w, h = page.get_size()
            scale = RENDER_DPI / 72
            if w * h * scale * scale > MAX_IMAGE_PIXELS:
                scale = math.sqrt(MAX_IMAGE_PIXELS / (w * h))
            yield page.render(scale=scale, grayscale=True).to_pil()
    finally:
        pdf.close()


# --- layout ----------------------------------------------------------------------------------------


def _deskew(lines: list[Line]) -> None:
    """Rotate boxes by the median angle of the wide lines, so a sheet fed crooked reads in rows."""
    wide = [ln for ln in lines if ln.x1 - ln.x0 > 6 * max(ln.h, 1) and hasattr(ln, "box")]
    if len(wide) < 3:
        return
    angle = statistics.median(ln.angle for ln in wide)  # type: ignore[attr-defined]
    if abs(angle) < 0.002:
        return
    c, s = math.cos(-angle), math.sin(-angle)
    for ln in lines:
        if not hasattr(ln, "box"):
            continue
        pts = [(x * c - y * s, x * s + y * c) for x, y in ln.box]  # type: ignore[attr-defined]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        ln.x0, ln.x1 = min(xs), max(xs)
        yc, hh = sum(ys) / 4, max(ys) - min(ys)  # upright now: its true height
        ln.y0, ln.y1 = yc - hh / 2, yc + hh / 2


def _rows(lines: list[Line], h: float) -> list[list[Line]]:
    """Boxes on the same baseline (a line split into pieces, a table row) grouped, left to right."""
    rows: list[list[Line]] = []
    for ln in sorted(lines, key=lambda ln: ln.yc):
        if rows and abs(ln.yc - statistics.mean(x.yc for x in rows[-1])) < 0.5 * h:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return [sorted(r, key=lambda ln: ln.x0) for r in rows]


def _columns(lines: list[Line], width: float, h: float) -> float | None:
    """The x of a gutter between two columns, or None: a vertical strip in the middle of the page that
    (nearly) no narrow line crosses while many lines sit on each side of it."""
    if len(lines) < 8:
        return None
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    span = right - left
    if span <= 0:
        return None
    cells = 200
    cover = [0] * cells
    for ln in lines:
        if ln.x1 - ln.x0 > 0.7 * span:
            continue  # a title or a full-width line over both columns
        a = int((ln.x0 - left) / span * (cells - 1))
        b = int((ln.x1 - left) / span * (cells - 1))
        for k in range(a, b + 1):
            cover[k] += 1
    # A centred title or running head may cross the gutter: a few crossings still leave a gutter.
    allowed = max(2, len(lines) // 20)
    best, run, start = None, 0, 0
    for k in range(int(0.3 * cells), int(0.7 * cells)):
        if cover[k] <= allowed:
            if run == 0:
                start = k
            run += 1
            if best is None or run > best[1]:
                best = (start, run)
        else:
            run = 0
    if not best or best[1] * span / cells < 0.8 * h:
        return None
    gutter = left + (best[0] + best[1] / 2) / cells * span
    n_left = sum(1 for ln in lines if ln.x1 < gutter)
    n_right = sum(1 for ln in lines if ln.x0 > gutter)
    return gutter if min(n_left, n_right) >= 4 else None


def _reading_order(lines: list[Line], width: float, h: float) -> list[list[list[Line]]]:
    """Blocks in reading order, each a list of rows: full-width rows in place, and between them the
    left column top to bottom, then the right one."""
    gutter = _columns(lines, width, h)
    rows = _rows(lines, h)
    if gutter is None:
        return [rows]
    blocks: list[list[list[Line]]] = []
    pending_l: list[Line] = []
    pending_r: list[Line] = []

    def flush() -> None:
        if pending_l:
            blocks.append(_rows(pending_l, h))
        if pending_r:
            blocks.append(_rows(pending_r, h))
        pending_l.clear()
        pending_r.clear()

    for row in rows:
        if any(ln.x0 < gutter < ln.x1 for ln in row):
            flush()
            blocks.append([row])
            continue
        for ln in row:
            (pending_l if ln.x1 <= gutter else pending_r).append(ln)
    flush()
    return blocks


def _join_row(row: list[Line], h: float) -> tuple[str, list[tuple[str, float]], bool]:
    """A row's text: pieces joined, a wide gap between them a TAB (table cells)."""
    out: list[tuple[str, float]] = []
    cells = 1
    for k, ln in enumerate(row):
        if k:
            gap = ln.x0 - row[k - 1].x1
            if gap > 1.5 * h:
                out.append(("\t", 1.0))
                cells += 1
            elif _ascii_end(out[-1][0]) and _ascii_start(ln.text):
                out.append((" ", 1.0))
        out.extend(ln.pieces or [(ln.text, ln.conf)])
    return "".join(t for t, _ in out), out, cells > 1


def layout_page(
    lines: list[Line], width: float, height: float
) -> list[tuple[str, list[tuple[str, float]], dict]]:
    """One page's lines → paragraphs (text, pieces, facts), in reading order.

    A paragraph ends where the next line is indented, where a line stops well short of its block's
    right edge, at a wider vertical gap, and at table rows; otherwise lines are joined.
    """
    if not lines:
        return []
    _deskew(lines)
    h = statistics.median(ln.h for ln in lines) or 1.0
    paras: list[tuple[str, list[tuple[str, float]], dict]] = []
    for block in _reading_order(lines, width, h):
        x0s = sorted(r[0].x0 for r in block)
        x1s = sorted(r[-1].x1 for r in block)
        left = x0s[len(x0s) // 10] if x0s else 0
        right = x1s[-1 - len(x1s) // 10] if x1s else width
        prev_end_short = True
        prev_y = None
        steps = [b[0].yc - a[0].yc for a, b in zip(block, block[1:], strict=False)]
        step = statistics.median(steps) if steps else 2 * h
        for row in block:
            text, pieces, is_table = _join_row(row, h)
            top = min(ln.y0 for ln in row)
            bottom = max(ln.y1 for ln in row)
            indented = row[0].x0 - left > 1.2 * h
            gap = prev_y is not None and row[0].yc - prev_y > 1.6 * step
            facts = {
                "top": top,
                "bottom": bottom,
                "x0": row[0].x0,
                "x1": row[-1].x1,
                "table": is_table,
                "pitch": _pitch(row),
            }
            # A numbered heading or list item after a finished sentence starts anew even when the
            # paragraph before filled its last line (print wraps close to the margin).
            numbered = (
                (is_heading(text) or is_list_item(text)) and bool(paras) and ends_sentence(paras[-1][0])
            )
            if paras and not (
                prev_end_short or indented or gap or numbered or is_table or paras[-1][2]["table"]
            ):
                t0, p0, f0 = paras[-1]
                sep = " " if _ascii_end(t0) and _ascii_start(text) else ""
                paras[-1] = (
                    t0 + sep + text,
                    p0 + ([(sep, 1.0)] if sep else []) + pieces,
                    {**f0, "bottom": bottom},
                )
            else:
                paras.append((text, pieces, facts))
            prev_end_short = row[-1].x1 < right - 2.0 * h or is_table
            prev_y = row[0].yc
    return paras


def _page_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip())


def assemble(pages: list[PageText | list[str]], engine: str) -> tuple[list[str], dict[int, str], dict]:
    """Pages (OCR'd, or text-layer lines) → the reader's lines, forced furniture and OCR facts.

    The facts: ``ocr_confidence`` (character-weighted mean), ``ocr_lines`` (1-based line → confidence)
    and ``ocr_low`` (1-based line → unreliable character spans in it).
    """
    lines: list[str] = []
    forced: dict[int, str] = {}
    conf_of: dict[int, float] = {}
    low_of: dict[int, list[tuple[int, int]]] = {}
    weighted = chars = 0.0
    ocr_pages = 0
    for page in pages:
        if not isinstance(page, PageText):
            lines.extend(page)
            continue
        ocr_pages += 1
        for text, furn, conf, low in zip(page.lines, page.furniture, page.confidence, page.low, strict=True):
            lines.append(text)
            n = len(lines)
            if furn:
                forced[n] = "pdf_page_furniture"
                continue
            conf_of[n] = round(conf, 4)
            if low:
                low_of[n] = low
            weighted += conf * len(text)
            chars += len(text)
    meta = {
        "source": "ocr",
        "ocr_engine": engine,
        "ocr_pages": ocr_pages,
        "ocr_confidence": round(weighted / chars, 4) if chars else 0.0,
        "ocr_lines": conf_of,
        "ocr_low": low_of,
    }
    return lines, forced, meta


def _pitch(row: list[Line]) -> float:
    """Pixels per character of a row (Han characters are square, so this is the type size; Latin
    letters and digits count as half), 0 for rows too short to tell."""
    width = sum(ln.x1 - ln.x0 for ln in row)
    n = sum(0.55 if ch.isascii() else 1.0 for ln in row for ch in ln.text if not ch.isspace())
    return width / n if n >= 5 else 0.0


def _running_head(paras: list, height: float, body_pitch: float) -> bool:
    """The first line of a page is a running head when it sits in the top margin, is set smaller than
    the body text and stands apart from what follows (a title is set larger, or in the body's size)."""
    if len(paras) < 3 or not body_pitch:
        return False
    text, _, first = paras[0]
    nxt = paras[1][2]
    return (
        first["top"] < 0.12 * height
        and 0 < first["pitch"] < 0.92 * body_pitch
        and nxt["top"] - first["bottom"] > 0.8 * body_pitch
        and len(text) <= 40
        and not ends_sentence(text)
    )


def read_pages(images, name: str, total: int | None = None) -> list[PageText]:
    """OCR each page image, lay it out, and flag page numbers and running heads as furniture."""
    engine = _engine_for(name)
    raw_pages: list[tuple[list, float]] = []
    for k, image in enumerate(images, 1):
        lines = engine.read(image)
        paras = layout_page(lines, image.size[0], image.size[1])
        raw_pages.append((paras, image.size[1]))
        if progress is not None:
            progress(name, k, total or k)
    # A line at the top or bottom edge that is a page number, or repeats (digits masked) at the top or
    # bottom of most pages, is furniture, as for text PDFs.
    edge_keys: Counter[str] = Counter()
    for paras, _ in raw_pages:
        keys = {_page_key(t) for t, _, _ in paras[:1] + paras[-1:]}
        edge_keys.update(keys)
    n = len(raw_pages)
    repeated = {k for k, c in edge_keys.items() if n >= 2 and c >= max(2, 0.6 * n) and k.strip("# ")}
    out = []
    for paras, height in raw_pages:
        texts, furniture, confs, lows = [], [], [], []
        chars = 0
        pitches = [f["pitch"] for _, _, f in paras if f["pitch"]]
        body_pitch = statistics.median(pitches) if pitches else 0.0
        for j, (text, pieces, facts) in enumerate(paras):
            edge = j in (0, len(paras) - 1) or facts["top"] < 0.08 * height or facts["bottom"] > 0.92 * height
            is_furniture = edge and (
                _PAGE_NUMBER.match(text) is not None
                or _page_key(text) in repeated
                or (j == 0 and _running_head(paras, height, body_pitch))
            )
            texts.append(text)
            furniture.append(bool(is_furniture))
            n_chars = sum(len(t) for t, _ in pieces) or 1
            confs.append(sum(len(t) * c for t, c in pieces) / n_chars)
            low, pos = [], 0
            for t, c in pieces:
                if c < LOW_CONFIDENCE and t.strip():
                    low.append((pos, pos + len(t)))
                pos += len(t)
            lows.append(low)
            if not is_furniture:
                chars += len(text)
        out.append(PageText(texts, furniture, confs, lows, chars))
    return out
