"""Copy detection on a generated corpus of N reports, end to end from the files, against MinHash LSH.

Generates N reports with planted copies (corpora/generate.py, not timed), then runs, in the same
process and run:
  * shuzhi: load (read + clean + fingerprint, one process per core) → index+candidates →
    verify+align → cluster, each stage timed;
  * the baseline a user would otherwise pick: document-level MinHash LSH with datasketch (character
    5-shingles, 128 permutations, threshold 0.5) over the same files (plain decoding, no cleaning).
Prints JSON: seconds per stage, peak memory, recall by planted kind (all, and copies of 200+
characters), precision, and the same for the baseline.

    python benchmarks/similar.py [--n 10000] [--seed 7] [--workers 2]
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


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def score(found: set[tuple[str, str]], truth: dict, min_chars: int = 0) -> dict:
    planted = [c for c in truth["copies"] if c.get("chars", 0) >= min_chars]
    by_kind: dict[str, list[int]] = {}
    for c in planted:
        hit = (c["a"], c["b"]) in found or (c["b"], c["a"]) in found
        by_kind.setdefault(c["kind"], [0, 0])
        by_kind[c["kind"]][0] += int(hit)
        by_kind[c["kind"]][1] += 1
    total_hit = sum(v[0] for v in by_kind.values())
    total = sum(v[1] for v in by_kind.values())
    return {
        "recall": round(total_hit / total, 4) if total else None,
        "recall_by_kind": {k: round(v[0] / v[1], 4) for k, v in sorted(by_kind.items())},
        "planted": total,
    }


def precision(found: set[tuple[str, str]], truth: dict) -> float | None:
    planted = {tuple(sorted((c["a"], c["b"]))) for c in truth["copies"]}
    if not found:
        return None
    good = sum(1 for a, b in found if tuple(sorted((a, b))) in planted)
    return round(good / len(found), 4)


def negatives_flagged(found: set[tuple[str, str]], truth: dict) -> int:
    return sum(
        1 for c in truth.get("negatives", []) if (c["a"], c["b"]) in found or (c["b"], c["a"]) in found
    )


def run_shuzhi(folder: Path, workers: int) -> tuple[set[tuple[str, str]], dict]:
    from pipeline import manifest
    from pipeline.settings import Settings
    from pipeline.similarity import detect_core
    from pipeline.similarity.files import NormCache, load_all

    settings = Settings()
    t0 = time.perf_counter()
    paths = sorted(str(p) for p in folder.glob("r*.txt"))
    metas = manifest.metas_for(paths)
    items, fps, errors = load_all([(p, metas.get(p), False) for p in paths], settings, workers)
    t_load = time.perf_counter() - t0
    stats: dict = {}
    result = detect_core(items, fps, NormCache(items, settings), settings, stats)
    total = time.perf_counter() - t0
    found = {(Path(p.a).name, Path(p.b).name) for p in result.pairs}
    seconds = {"load (read+clean+fingerprint)": round(t_load, 3), **stats.get("seconds", {})}
    return found, {
        "seconds_total": round(total, 3),
        "seconds_by_stage": seconds,
        "documents": len(items),
        "errors": len(errors),
        "fingerprints": stats.get("fingerprints"),
        "candidates": stats.get("candidates"),
        "pairs": len(result.pairs),
        "peak_memory_mb": peak_mb(),
    }


def run_minhash(folder: Path, threshold: float = 0.5) -> tuple[set[tuple[str, str]], dict]:
    import numpy as np
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    hashes: dict[str, MinHash] = {}
    for p in sorted(folder.glob("r*.txt")):
        text = p.read_text(encoding="utf-8")
        shingles = {text[i : i + 5].encode("utf-8") for i in range(len(text) - 4)}
        m = MinHash(num_perm=128, seed=1)
        m.update_batch(list(shingles))
        hashes[p.name] = m
        lsh.insert(p.name, m)
    found = set()
    for name, m in hashes.items():
        for other in lsh.query(m):
            if other != name:
                found.add(tuple(sorted((name, other))))
    del np
    return found, {
        "seconds_total": round(time.perf_counter() - t0, 3),
        "pairs": len(found),
        "threshold": threshold,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="shuzhi-similar-") as tmp:
        folder = Path(tmp)
        generate_s = generate(folder, args.n, args.seed)
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        found, figures = run_shuzhi(folder, args.workers)
        out = {
            "n": args.n,
            "generate_seconds_not_timed": round(generate_s, 2),
            "shuzhi": {
                **figures,
                **score(found, truth),
                "recall_200_plus": score(found, truth, 200)["recall"],
                "precision": precision(found, truth),
                "negatives_flagged": negatives_flagged(found, truth),
            },
        }
        if not args.skip_baseline:
            b_found, b_figures = run_minhash(folder)
            out["minhash_lsh_baseline"] = {
                **b_figures,
                **score(b_found, truth),
                "recall_200_plus": score(b_found, truth, 200)["recall"],
                "precision": precision(b_found, truth),
                "negatives_flagged": negatives_flagged(b_found, truth),
            }
            base = out["minhash_lsh_baseline"]
            out["speed_vs_baseline"] = round(base["seconds_total"] / out["shuzhi"]["seconds_total"], 3)
            if base["recall"]:
                out["recall_vs_baseline"] = round(out["shuzhi"]["recall"] / base["recall"], 3)
    print(json.dumps(out, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()
