"""A generated corpus of N reports batched end to end (ingest, analyze, copy detection, store).

Prints JSON: reports/s overall and per core, peak memory (parent and workers), and the split by
stage as the batch measures it. The corpus comes from corpora/generate.py (not timed).

    python benchmarks/batch.py [--n 2000] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SHUZHI_QUIET", "1")

from benchmarks.corpus import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    from pipeline.batch import run_batch

    with tempfile.TemporaryDirectory(prefix="shuzhi-batch-") as tmp:
        corpus = Path(tmp) / "corpus"
        generate(corpus, args.n, args.seed)
        chars = sum(len(p.read_text(encoding="utf-8")) for p in corpus.glob("r*.txt"))
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        t = time.perf_counter()
        summary = run_batch(corpus, url, workers=args.workers, progress=False)
        seconds = time.perf_counter() - t
        t = time.perf_counter()
        again = run_batch(corpus, url, workers=args.workers, progress=False)
        rerun = time.perf_counter() - t
        db_mb = (Path(tmp) / "bench.db").stat().st_size / 1048576
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "reports": args.n,
                "mean_chars": round(chars / max(args.n, 1)),
                "workers": args.workers,
                "seconds": round(seconds, 2),
                "reports_per_s": round(summary.analyzed / seconds, 2),
                "reports_per_s_per_core": round(summary.analyzed / seconds / args.workers, 2),
                "seconds_by_stage": summary.seconds,
                "similarity": summary.similarity,
                "failed": summary.failed,
                "flags": dict(summary.flags),
                "pairs": dict(summary.pairs),
                "rerun_seconds_unchanged": round(rerun, 2),
                "rerun_analyzed": again.analyzed,
                "peak_memory_parent_mb": round(own, 1),
                "peak_memory_largest_worker_mb": round(children, 1),
                "database_mb": round(db_mb, 1),
            },
            ensure_ascii=False,
            sort_keys=True,
        )
    )


if __name__ == "__main__":
    main()
