"""Precision and recall of rectification matching on the team's pairs (corpora/rectification).

Each pair is a problem and a passage labelled ``same`` (the same problem in other words) or
``different`` (another problem in similar words). A pair is predicted ``same`` when the matcher's
cosine reaches pipeline.rectification.MATCH_THRESHOLD; IDF is fitted over all texts of the file, as
it is over a report's passages in use. Prints JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import rectification  # noqa: E402
from pipeline.settings import Settings  # noqa: E402


def read_pairs(path: Path) -> list[tuple[bool, str, str]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 3 or fields[0] not in ("same", "different"):
            raise ValueError(f"{path}:{n}: expected label<TAB>problem<TAB>passage")
        rows.append((fields[0] == "same", fields[1], fields[2]))
    return rows


def measure(path: Path, settings: Settings, threshold: float) -> dict[str, object]:
    rows = read_pairs(path)
    problems = [p for _, p, _ in rows]
    texts = [t for _, _, t in rows]
    sims = rectification.Matcher(problems, texts, settings).similarities()
    tp = fp = fn = tn = 0
    for i, (same, _, _) in enumerate(rows):
        hit = bool(sims[i, i] >= threshold)
        tp += same and hit
        fp += (not same) and hit
        fn += same and not hit
        tn += (not same) and not hit
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairs": len(rows),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
    }


def main() -> None:
    settings = Settings()
    threshold = float(sys.argv[1]) if len(sys.argv) > 1 else rectification.MATCH_THRESHOLD
    t0 = time.perf_counter()
    out = {
        "threshold": threshold,
        "dev": measure(ROOT / "corpora/rectification/dev.tsv", settings, threshold),
        "heldout": measure(ROOT / "corpora/rectification/heldout.tsv", settings, threshold),
    }
    out["seconds"] = round(time.perf_counter() - t0, 3)
    print(json.dumps(out, ensure_ascii=False, sort_keys=True))


if __name__ == "__main__":
    main()
