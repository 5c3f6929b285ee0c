"""``shuzhi analyze`` throughput against plain single-process ``jieba.lcut`` on the same files.

Both run as fresh processes over the same folder of UTF-8 reports, start-up included, in the same
run, so the ratio holds on a noisy machine. ``shuzhi analyze`` is measured with one worker and with
one worker per core. Prints one JSON object.

It also profiles one worker (cProfile, in a fresh process, start-up included, over the first
``--profile-docs`` files, all by default, not timed with the rest): the top functions by cumulative
and by self time, and the share of the worker's time in each stage, so the next person sees where
the time goes.

    python benchmarks/analyze.py [--docs 600] [--profile-docs N]
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


# One worker's work (``work.review_path`` over the files, in order) under cProfile; prints pstats
# rows as JSON. Runs in its own process so that start-up (imports, dictionary, models) is counted.
PROFILE_WORKER = """
import cProfile, json, pstats, sys, pathlib
sys.path.insert(0, sys.argv[3])
from pipeline.settings import Settings
from pipeline.work import review_path
files = sorted(pathlib.Path(sys.argv[1]).glob('*.txt'))[: int(sys.argv[2])]
profile = cProfile.Profile()
profile.enable()
import pipeline.report  # noqa: F401  (imports count as start-up)
settings = Settings()
for p in files:
    review_path(str(p), settings)
profile.disable()
stats = pstats.Stats(profile)
rows = []
for (path, line, name), (cc, nc, tt, ct, _callers) in stats.stats.items():
    rows.append([f"{pathlib.Path(path).name}:{line}({name})" if line else name, nc, tt, ct])
print(json.dumps({"files": len(files), "total_s": stats.total_tt, "rows": rows}))
"""

# Stages whose cumulative time the profile reports as a share of the worker's time
# (function name as pstats spells it, "file:line(name)" with the line left out).
STAGES = {
    "start-up: imports": "<frozen importlib._bootstrap>:(_find_and_load)",
    "start-up: models unpickled (joblib)": "numpy_pickle.py:(load)",
    "ingest (load and clean)": "__init__.py:(load_pieces)",
    "segmentation (jieba)": "nlp.py:(fast_parse)",
    "sentence types (model and cues)": "context.py:(sentence_types)",
    "sections": "sections.py:(analyze)",
    "first_person": "first_person.py:(analyze)",
    "balance": "balance.py:(analyze)",
    "typos (lexicons)": "typos.py:(analyze)",
    "typos: open checks (spelling.py)": "spelling.py:(suspects)",
    "genre": "genre.py:(analyze)",
}


def profile_worker(folder: Path, docs: int, top: int = 15) -> dict:
    """Top functions of one worker by cumulative and by self time, and the stages' shares."""
    out = subprocess.run(
        [sys.executable, "-c", PROFILE_WORKER, str(folder), str(docs), str(ROOT)],
        check=True,
        capture_output=True,
        text=True,
        env=dict(os.environ, SHUZHI_QUIET="1"),
    ).stdout
    data = json.loads(out)
    total = data["total_s"] or 1.0
    rows = data["rows"]

    def entry(r: list) -> dict:
        return {"function": r[0], "calls": r[1], "self_s": round(r[2], 3), "cumulative_s": round(r[3], 3)}

    def stage_time(key: str) -> float:
        file_part, name = key.split(":(")
        return sum(r[3] for r in rows if r[0].startswith(file_part + ":") and r[0].endswith("(" + name))

    return {
        "files": data["files"],
        "total_s": round(total, 3),
        "stage_share": {k: round(stage_time(v) / total, 3) for k, v in STAGES.items()},
        "top_cumulative": [entry(r) for r in sorted(rows, key=lambda r: -r[3])[:top]],
        "top_self": [entry(r) for r in sorted(rows, key=lambda r: -r[2])[:top]],
    }


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
    parser.add_argument(
        "--profile-docs",
        type=int,
        default=None,
        help="files the profiled worker reads (default all; 0: none)",
    )
    args = parser.parse_args()
    shuzhi = [sys.executable, "-m", "pipeline"]
    with tempfile.TemporaryDirectory(prefix="shuzhi-bench-") as tmp:
        folder = Path(tmp)
        chars = build_corpus(folder, args.docs)
        t_jieba = run([sys.executable, "-c", JIEBA_BASELINE, str(folder)])
        t_one = run([*shuzhi, "analyze", "--json", "--workers", "1", str(folder)])
        cores = os.cpu_count() or 1
        t_all = run([*shuzhi, "analyze", "--json", "--workers", str(cores), str(folder)])
        profile = (
            profile_worker(folder, min(args.profile_docs or args.docs, args.docs))
            if args.profile_docs != 0
            else None
        )
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
                "worker_profile": profile,
            },
            sort_keys=True,
        )
    )


def _has_model() -> bool:
    import importlib.util

    return importlib.util.find_spec("zh_core_web_sm") is not None


if __name__ == "__main__":
    main()
