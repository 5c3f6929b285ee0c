"""Ingestion throughput: cleaning chars/s for plain text and for .docx, against jieba in the same run.

Prints one JSON object. The corpus is the team's samples and gold texts (dirty on purpose), repeated
to the requested size; the jieba baseline segments exactly the same cleaned text with ``jieba.lcut``
in the same process, so the ratio is robust to a noisy machine. Also reports the gold-set figures.

    python benchmarks/ingest.py [--chars 3000000]
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

from pipeline.evaluate import parse_ann, score_ann_folder  # noqa: E402
from pipeline.ingest import clean_text, load_bytes  # noqa: E402
from pipeline.ingest.decoding import decode  # noqa: E402


def corpus(target_chars: int) -> list[str]:
    texts = [decode(p.read_bytes()).text for p in sorted((ROOT / "corpora" / "samples").glob("*.txt"))]
    for folder in ("ingest", "ingest_holdout", "ingest_holdout2"):
        texts += [
            parse_ann(p.read_text(encoding="utf-8"))[0]
            for p in sorted((ROOT / "corpora" / "gold" / folder).glob("*.ann"))
        ]
    out: list[str] = []
    total = 0
    while total < target_chars:
        for t in texts:
            out.append(t)
            total += len(t)
    return out


def timed(fn, items) -> tuple[float, list]:
    start = time.perf_counter()
    results = [fn(x) for x in items]
    return time.perf_counter() - start, results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=3_000_000)
    args = parser.parse_args()
    import docx
    import jieba

    jieba.setLogLevel(60)
    jieba.lcut("预热")
    clean_text("预热")

    texts = corpus(args.chars)
    n_chars = sum(map(len, texts))
    t_clean, docs = timed(clean_text, texts)
    cleaned = [d.text for d in docs]
    t_jieba, _ = timed(jieba.lcut, cleaned)

    # .docx: the sample texts written into Word files (built before timing).
    blobs = []
    for t in texts[: max(1, len(texts) // 10)]:
        document = docx.Document()
        for line in t.splitlines():
            document.add_paragraph(line)
        buf = io.BytesIO()
        document.save(buf)
        blobs.append(buf.getvalue())
    docx_chars = sum(len(t) for t in texts[: len(blobs)])
    t_docx, docx_docs = timed(lambda b: load_bytes(b, "x.docx"), blobs)
    docx_clean = [d.text for d in docx_docs]
    t_docx_jieba, _ = timed(jieba.lcut, docx_clean)

    tuning, _ = score_ann_folder(ROOT / "corpora" / "gold" / "ingest")
    holdout, _ = score_ann_folder(ROOT / "corpora" / "gold" / "ingest_holdout")
    holdout2, _ = score_ann_folder(ROOT / "corpora" / "gold" / "ingest_holdout2")
    print(
        json.dumps(
            {
                "documents": len(texts),
                "chars": n_chars,
                "clean_chars_per_s": round(n_chars / t_clean),
                "jieba_chars_per_s_same_text": round(sum(map(len, cleaned)) / t_jieba),
                "clean_vs_jieba_speed": round((n_chars / t_clean) / (sum(map(len, cleaned)) / t_jieba), 2),
                "docx_documents": len(blobs),
                "docx_chars_per_s": round(docx_chars / t_docx),
                "docx_vs_jieba_speed": round(
                    (docx_chars / t_docx) / (sum(map(len, docx_clean)) / t_docx_jieba), 2
                ),
                "gold_tuning": tuning.as_dict(),
                "gold_holdout": holdout.as_dict(),
                "gold_holdout2": holdout2.as_dict(),
            },
            ensure_ascii=False,
            sort_keys=True,
        )
    )


if __name__ == "__main__":
    main()
