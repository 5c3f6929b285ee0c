"""``shuzhi analyze`` throughput against plain single-process ``jieba.lcut`` on the same files.

Both run as fresh processes over the same folder of UTF-8 reports, start-up included, in the same
run, so the ratio holds on a noisy machine. ``shuzhi analyze`` is measured with one worker and with
one worker per core. Prints one JSON object.

    python benchmarks/analyze.py [--docs 600]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.ingest.decoding import decode  # noqa: E402

JIEBA_BASELINE = """
import sys, jieba, pathlib
jieba.setLogLevel(60)
n = 0
for p in sorted(pathlib.Path(sys.argv[1]).glob('*.txt')):
    n += len(jieba.lcut(p.read_text(encoding='utf-8')))
print(n)
"""


def build_corpus(folder: Path, docs: int) -> int:
    sources = sorted((ROOT / "corpora" / "samples").glob("*.txt")) + sorted(
        (ROOT / "corpora" / "genres").rglob("*.txt")
    )
    texts = [decode(p.read_bytes()).text for p in sources]
    chars = 0
    for i in range(docs):
        text = texts[i % len(texts)]
        (folder / f"{i:05d}.txt").write_text(text, encoding="utf-8")
        chars += len(text)
    return chars


def run(cmd: list[str]) -> float:
    env = dict(os.environ, SHUZHI_QUIET="1")
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=600)
    args = parser.parse_args()
    shuzhi = [sys.executable, "-m", "pipeline"]
    with tempfile.TemporaryDirectory(prefix="shuzhi-bench-") as tmp:
        folder = Path(tmp)
        chars = build_corpus(folder, args.docs)
        t_jieba = run([sys.executable, "-c", JIEBA_BASELINE, str(folder)])
        t_one = run([*shuzhi, "analyze", "--json", "--workers", "1", str(folder)])
        cores = os.cpu_count() or 1
        t_all = run([*shuzhi, "analyze", "--json", "--workers", str(cores), str(folder)])
    jieba_cps = chars / t_jieba
    print(
        json.dumps(
            {
                "documents": args.docs,
                "chars": chars,
                "cores": cores,
                "jieba_lcut_chars_per_s": round(jieba_cps),
                "analyze_1_worker_chars_per_s": round(chars / t_one),
                f"analyze_{cores}_workers_chars_per_s": round(chars / t_all),
                "ratio_1_worker_vs_jieba": round(chars / t_one / jieba_cps, 3),
                "ratio_all_cores_vs_jieba": round(chars / t_all / jieba_cps, 3),
                "parse": "none (zh_core_web_sm not installed)"
                if not _has_model()
                else "zh_core_web_sm on the sentences that may have a personal or collective subject",
            },
            sort_keys=True,
        )
    )


def _has_model() -> bool:
    import importlib.util

    return importlib.util.find_spec("zh_core_web_sm") is not None


if __name__ == "__main__":
    main()
