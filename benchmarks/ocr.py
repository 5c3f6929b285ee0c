"""OCR quality and speed: reports rendered to page images and read back, per fixture kind and engine.

Prints one JSON object. Each report's clean text is rendered (tests/ocrmaker.py, Noto CJK) as a
scan would give it — 150 and 300 dpi, straight, rotated 1.5°, two columns, photo-like (uneven light,
noise, JPEG) — read back through ``pipeline.ingest.load_bytes`` and compared with the text it came
from: character accuracy = 1 − edit distance / length (line breaks ignored), the share of paragraphs
that come back whole, furniture lines left in the text (the running head and page numbers), pages
per second, and the analyze verdicts (genre, team_report, missing parts, over a third) on the OCR'd
text against those on the original.

Sets: ``team`` = corpora/samples (the team's own reports); ``real`` and ``real-heldout`` =
../shared/real-dev excerpts (measured on, never copied; odd-numbered files are the tuning split,
even-numbered the held-out split, never tuned on). Rendered pages stay in memory.

    python benchmarks/ocr.py [--sets team,real,real-heldout] [--kinds scan150,photo] [--engines rapidocr,tesseract] [--limit N]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SHUZHI_QUIET", "1")

from pipeline.errors import ShuzhiError  # noqa: E402
from pipeline.ingest import clean_text, load_bytes, ocr  # noqa: E402
from pipeline.ingest.decoding import decode  # noqa: E402
from pipeline.report import analyze_document  # noqa: E402
from pipeline.settings import Settings  # noqa: E402
from tests import ocrmaker  # noqa: E402

KINDS = {
    "scan150": {"dpi": 150},
    "scan300": {"dpi": 300},
    "rotated": {"dpi": 200, "rotate": 1.5},
    "twocol": {"dpi": 200, "columns": 2},
    "photo": {"dpi": 200, "photo": True},
}
HEAD = "述职报告（审阅用）"


def levenshtein(a: str, b: str) -> int:
    """Edit distance by Hyyrö's bit-vector algorithm (Python integers as bit sets): fast for pages."""
    if not a:
        return len(b)
    peq: dict[str, int] = {}
    for i, c in enumerate(a):
        peq[c] = peq.get(c, 0) | (1 << i)
    m = len(a)
    mask = (1 << m) - 1
    hi = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    for c in b:
        eq = peq.get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & hi:
            score += 1
        elif mh & hi:
            score -= 1
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
    return score


def char_accuracy(ref: str, got: str) -> float:
    a, b = "".join(ref.split()), "".join(got.split())
    return max(0.0, 1 - levenshtein(a, b) / max(len(a), 1))


def verdicts(result: dict) -> dict:
    return {
        "genre": result["genre"]["label"],
        "team_report": result["first_person"]["team_report"],
        "missing": sorted(result["sections"]["missing"]),
        "over_one_third": result["balance"]["over_one_third"],
    }


def texts(set_name: str, limit: int) -> list[tuple[str, str]]:
    if set_name == "team":
        paths = sorted((ROOT / "corpora" / "samples").glob("*.txt"))
    else:
        folder = ROOT.parent / "shared" / "real-dev"
        if not folder.is_dir():
            return []
        parity = 1 if set_name == "real" else 0
        paths = [p for p in sorted(folder.glob("dev_*.txt")) if int(p.stem.split("_")[1]) % 2 == parity]
    out = []
    for p in paths[:limit]:
        out.append((p.name, clean_text(decode(p.read_bytes()).text, p.name).text))
    return out


def run_kind(kind: str, docs: list[tuple[str, str]], engine: str, settings: Settings) -> dict:
    os.environ["SHUZHI_OCR_ENGINE"] = engine
    accs, whole, furniture, agree, pages, seconds, errors = [], [], 0, 0, 0, 0.0, []
    differ: list[dict] = []
    typos_new: list[str] = []
    typos_masked = 0
    for name, text in docs:
        images = ocrmaker.render(text, head=HEAD, seed=len(text), **KINDS[kind])
        if kind == "photo":
            buf = io.BytesIO()
            images[0].save(buf, "JPEG", quality=55)
            blobs = [(f"{name}.jpg", buf.getvalue(), 1)]
        else:
            blobs = [(f"{name}.pdf", ocrmaker.to_pdf(images, KINDS[kind]["dpi"]), len(images))]
        for fname, blob, n in blobs:
            t0 = time.perf_counter()
            try:
                doc = load_bytes(blob, fname, settings)
            except ShuzhiError as exc:
                errors.append(str(exc))
                continue
            seconds += time.perf_counter() - t0
            pages += n
            ref = text if kind != "photo" else _first_page_text(text, kind)
            accs.append(char_accuracy(ref, doc.text))
            paras = [p for p in ref.split("\n") if len(p) >= 10]
            got = set(doc.text.split("\n"))
            whole.append(sum(1 for p in paras if p in got) / max(len(paras), 1))
            furniture += sum(
                1 for line in doc.text.split("\n") if line.strip() in {HEAD} or line.strip().startswith("- ")
            )
            orig_result = analyze_document(clean_text(ref, name), settings).to_json()
            read_result = analyze_document(doc, settings).to_json()
            known = {t["text"] for t in orig_result["typos"]}
            for t in read_result["typos"]:
                if t["text"] in known:
                    continue
                if any(a < t["end"] and t["start"] < b for a, b in doc.unreliable):
                    typos_masked += 1  # OCR noise the unreliable spans keep from being a typo
                else:
                    typos_new.append(t["text"])
            orig, read = verdicts(orig_result), verdicts(read_result)
            agree += orig == read
            if orig != read:
                differ.append({"file": name, **{k: [orig[k], read[k]] for k in orig if orig[k] != read[k]}})
    n = len(accs)
    return {
        "files": n,
        "pages": pages,
        "char_accuracy_mean": round(sum(accs) / n, 4) if n else None,
        "char_accuracy_min": round(min(accs), 4) if n else None,
        "paragraphs_whole": round(sum(whole) / n, 4) if n else None,
        "furniture_left": furniture,
        "verdicts_agree": f"{agree}/{n}",
        "verdicts_differ": differ,
        # typos found in the OCR'd text and not in the original: inside unreliable spans (never
        # reported once analyzers honour Document.unreliable) and outside them (OCR noise that passes)
        "ocr_typos_in_unreliable": typos_masked,
        "ocr_typos_new": typos_new[:10],
        "pages_per_s": round(pages / seconds, 3) if seconds else None,
        "errors": errors[:5],
    }


def _first_page_text(text: str, kind: str) -> str:
    """The text of a photo's one page (the photo is of the first page only)."""
    placed = ocrmaker.layout(text, KINDS[kind]["dpi"], 1, HEAD)[0]
    need = sum(len(line.lstrip("\u3000")) for _, _, line in placed)
    for k, ch in enumerate(text):
        if ch != "\n":
            need -= 1
            if need == 0:
                return text[: k + 1]
    return text


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", default="team,real,real-heldout")
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--engines", default="rapidocr,tesseract")
    ap.add_argument("--limit", type=int, default=4, help="reports per set")
    args = ap.parse_args()
    if ocrmaker.font_path() is None:
        print(json.dumps({"skipped": "no CJK font (install fonts-noto-cjk)"}))
        return
    settings = Settings()
    out: dict = {
        "render": "tests/ocrmaker.py",
        "low_confidence": ocr.LOW_CONFIDENCE,
        "cpus": os.cpu_count(),
        "load_average_at_start": round(
            os.getloadavg()[0], 2
        ),  # pages/s is only as good as the machine's quiet
        "results": {},
    }
    for set_name in args.sets.split(","):
        docs = texts(set_name, args.limit)
        if not docs:
            out["results"][set_name] = {"skipped": "set not available"}
            continue
        for engine in args.engines.split(","):
            for kind in args.kinds.split(","):
                key = f"{set_name}/{engine}/{kind}"
                out["results"][key] = run_kind(kind, docs, engine, settings)
                print(key, json.dumps(out["results"][key], ensure_ascii=False), file=sys.stderr)
    out["load_average_at_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
