"""Overview page render time on a database of N reports (default 10,000), first load and after.

The database is filled with N copies of one real analyzed report (paths, units, levels, years and
scores varied) — the page's cost depends on the number of rows, not on their text. The page is
rendered with Streamlit's AppTest (the same script a browser gets, without the network). Prints JSON.

    python benchmarks/dashboard.py [--reports 10000]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SHUZHI_QUIET", "1")


def fill(url: str, n: int) -> None:
    from pipeline.ingest import load
    from pipeline.report import analyze_document
    from pipeline.store import Record, Store

    doc = load(ROOT / "corpora" / "samples" / "2024_city_housing_bureau_team.txt")
    base = analyze_document(doc).to_json(stored=True)
    rng = random.Random(3)
    levels = ["机关", "乡镇", "街道", "农村", "社区", "学校", "医院", "国企", "高校"]
    store = Store(url)
    batch = []
    for i in range(n):
        result = copy.deepcopy(base)
        result["unit"] = f"单位{i % 2500:04d}党委"
        result["year"] = 2023 + i % 2
        result["score"] = float(rng.randint(40, 100))
        result["flags"] = rng.sample(
            ["team_report", "achievements_over_third", "missing_sections", "vague_problems"],
            rng.randint(0, 2),
        )
        batch.append(
            Record(
                path=f"r{i:06d}.txt",
                content_hash=f"{i:064d}",
                result=result,
                clean_text=doc.text,
                ingest={},
                meta={"level": levels[i % len(levels)], "author": f"作者{i}"},
            )
        )
        if len(batch) == 500:
            store.save(batch)
            batch = []
    store.save(batch)
    store.start_run("bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=10_000)
    args = parser.parse_args()
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        t = time.perf_counter()
        fill(url, args.reports)
        fill_s = time.perf_counter() - t
        os.environ["SHUZHI_DB"] = url
        os.chdir(ROOT)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        t = time.perf_counter()
        at.run()
        first = time.perf_counter() - t
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - t)
        assert not at.exception, at.exception
        rows = len(at.dataframe[0].value)
    print(
        json.dumps(
            {
                "reports": args.reports,
                "fill_seconds": round(fill_s, 2),
                "overview_first_load_seconds": round(first, 3),
                "overview_after_first_load_seconds": round(min(runs), 3),
                "overview_after_first_load_runs": [round(r, 3) for r in runs],
                "rows_on_first_page": rows,
                "target_seconds": 2.0,
            },
            sort_keys=True,
        )
    )


if __name__ == "__main__":
    main()
