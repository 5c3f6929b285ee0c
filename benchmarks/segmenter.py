"""jieba-next against jieba on the whole test corpus: are the tokens identical, and how much faster?

Every .txt under corpora/ (cleaned as analysis cleans it) and a generated corpus, each cut by both
with the custom dictionary loaded, in the same process, so the ratio holds on a noisy machine.
Analysis uses jieba-next only because ``identical_texts == texts`` here (and in tests/test_nlp.py).
Prints one JSON object.

    python benchmarks/segmenter.py [--generated 400]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SHUZHI_QUIET", "1")

from benchmarks.corpus import generate  # noqa: E402


def corpus_texts(generated: int) -> list[str]:
    """The clean texts of every corpus file that ingestion reads, and of a generated corpus."""
    from pipeline.errors import ShuzhiError
    from pipeline.ingest import load

    with tempfile.TemporaryDirectory(prefix="shuzhi-seg-") as tmp:
        if generated:
            generate(Path(tmp), generated, 5)
        paths = sorted((ROOT / "corpora").rglob("*.txt")) + sorted(Path(tmp).glob("*.txt"))
        texts = []
        for path in paths:
            try:
                texts.append(load(path).text)
            except ShuzhiError:
                continue
    return texts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--generated", type=int, default=400)
    args = parser.parse_args()
    import jieba

    from pipeline.nlp import _fast_segmenter, _jieba_ready, _user_words
    from pipeline.settings import Settings

    texts = corpus_texts(args.generated)
    fast = _fast_segmenter()
    if fast is None:
        print(json.dumps({"error": "jieba-next is not installed (or SHUZHI_SEGMENTER=jieba)"}))
        return
    settings = Settings()
    _jieba_ready(settings.lexicon_dir, settings.extra_lexicon_dirs)  # jieba and jieba-next, same words
    assert len(_user_words(settings)) > 0
    timings = {"jieba": 0.0, "jieba_next": 0.0}
    identical = 0
    first_difference = None
    for text in texts:
        t = time.perf_counter()
        a = list(jieba.tokenize(text))
        timings["jieba"] += time.perf_counter() - t
        t = time.perf_counter()
        b = list(fast.tokenize(text))
        timings["jieba_next"] += time.perf_counter() - t
        if a == b:
            identical += 1
        elif first_difference is None:
            k = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
            first_difference = {"jieba": a[k : k + 3], "jieba_next": b[k : k + 3]}
    chars = sum(map(len, texts))
    print(
        json.dumps(
            {
                "texts": len(texts),
                "chars": chars,
                "identical_texts": identical,
                "first_difference": first_difference,
                "jieba_chars_per_s": round(chars / timings["jieba"]),
                "jieba_next_chars_per_s": round(chars / timings["jieba_next"]),
                "speed_ratio_vs_jieba": round(timings["jieba"] / timings["jieba_next"], 2),
            },
            ensure_ascii=False,
            sort_keys=True,
        )
    )


if __name__ == "__main__":
    main()
