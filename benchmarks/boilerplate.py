"""Boilerplate removal on first-encounter gold sets: rules alone, rules + line model, first blind figure.

Prints one JSON object. Each gold folder is scored line by line (pipeline.evaluate); "rules" runs the
cleaner with no line model (an empty model folder), "rules_and_model" with the committed one. The
first blind figures are the ones recorded in each set's README before any change it prompted.

    python benchmarks/boilerplate.py
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SHUZHI_QUIET", "1")

from pipeline.evaluate import score_ann_folder  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

SETS = {
    "ingest_unseen": "tuning (written blind, issue 16)",
    "ingest_unseen_holdout": "held out (written blind, issue 16)",
    "ingest": "tuning (earlier gold)",
    "ingest_holdout": "earlier held-out gold",
    "ingest_holdout2": "earlier held-out gold",
    "lines_train": "line-model training pages",
}
# Recorded before any change (corpora/gold/<set>/README.md): boilerplate removed, content kept.
FIRST_BLIND = {
    "ingest_unseen": {"boilerplate_removed": 0.918, "content_kept": 1.0},
    "ingest_unseen_holdout": {"boilerplate_removed": 0.8, "content_kept": 1.0},
}


def main() -> None:
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as empty:
        rules_only = Settings(model_dir=empty)
        for name, split in SETS.items():
            folder = ROOT / "corpora" / "gold" / name
            if not folder.is_dir():
                continue
            rules, _ = score_ann_folder(folder, rules_only)
            both, _ = score_ann_folder(folder)
            out[name] = {
                "split": split,
                "first_blind": FIRST_BLIND.get(name),
                "rules": rules.as_dict(),
                "rules_and_model": both.as_dict(),
            }
    print(json.dumps(out, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()
