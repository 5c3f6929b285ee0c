"""Typo, laundering and masking figures of ``pipeline.analyzers.typos`` on the data present.

Sentence-level detection as spelling-check papers count it: a sentence with wrong characters is a
true positive when a reported typo covers one of them; a sentence with a report that covers none
is a false positive. Sets (each only when its file is present under ../shared/external/csc):

* ECSpell odw / law / med train splits; odw is split (fixed seed) into ``odw_tune`` and
  ``odw_heldout``; the checker is tuned on ``odw_tune`` only, ``odw_heldout`` is never looked at
  while tuning.
* macro-correct ``acc_xxqg``: error-free 学习强国 sentences, split the same way into tune and
  held-out; the figure is the share of sentences with any reported typo (false alarms).
* ``gen_xxqg``: 学习强国 sentences with synthetic errors.
* ../shared/real-dev: recall of the labelled typos, laundered and masked words (each found when a
  finding of the right kind covers its first occurrence in the clean text), and how many were
  reported under a wrong kind.

Prints one JSON object. ``--sets odw_tune,acc_tune`` limits the run; ``--limit N`` caps each set.

    python benchmarks/typos.py [--sets ...] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.analyzers import typos  # noqa: E402
from pipeline.analyzers.context import Context  # noqa: E402
from pipeline.document import Document  # noqa: E402
from pipeline.settings import Settings  # noqa: E402

SHARED = ROOT.parent / "shared"
CSC = SHARED / "external" / "csc"
REAL_DEV = SHARED / "real-dev"
SEED = 15
HELDOUT_SHARE = 0.5

Sample = tuple[str, frozenset[int]]  # sentence, wrong character positions


def split(rows: list, seed: int = SEED) -> tuple[list, list]:
    """(tune, heldout): a fixed shuffle so every run and every helper sees the same halves."""
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    cut = int(len(rows) * (1 - HELDOUT_SHARE))
    return [rows[i] for i in sorted(order[:cut])], [rows[i] for i in sorted(order[cut:])]


def ecspell(name: str) -> list[Sample]:
    out: list[Sample] = []
    for line in (CSC / "ecspell" / f"{name}.train.tsv").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) != 3 or len(parts[1]) != len(parts[2]):
            continue
        src, tgt = parts[1], parts[2]
        out.append((src, frozenset(i for i, (a, b) in enumerate(zip(src, tgt, strict=True)) if a != b)))
    return out


def macro(name: str) -> list[Sample]:
    rows = json.loads((CSC / "macro_correct" / f"{name}.tet.json").read_text(encoding="utf-8"))
    out: list[Sample] = []
    for r in rows:
        src, tgt = r["original_text"], r["correct_text"]
        if len(src) != len(tgt):
            continue
        out.append((src, frozenset(i for i, (a, b) in enumerate(zip(src, tgt, strict=True)) if a != b)))
    return out


def sets() -> dict[str, Callable[[], list[Sample]]]:
    """Every set whose file is present, by name, loaded lazily."""
    found: dict[str, Callable[[], list[Sample]]] = {}
    if (CSC / "ecspell" / "odw.train.tsv").exists():
        found["odw_tune"] = lambda: split(ecspell("odw"))[0]
        found["odw_heldout"] = lambda: split(ecspell("odw"))[1]
    for name in ("law", "med"):
        if (CSC / "ecspell" / f"{name}.train.tsv").exists():
            found[name] = lambda name=name: ecspell(name)
    if (CSC / "macro_correct" / "acc_xxqg.tet.json").exists():
        found["acc_tune"] = lambda: split(macro("acc_xxqg"))[0]
        found["acc_heldout"] = lambda: split(macro("acc_xxqg"))[1]
    if (CSC / "macro_correct" / "gen_xxqg.tet.json").exists():
        found["gen_xxqg"] = lambda: macro("gen_xxqg")
    return found


def detect(text: str, settings: Settings) -> tuple[list[tuple[int, int]], bool]:
    """Spans the checker reports as typos in one sentence, and whether it reports laundering."""
    result = typos.analyze(Context(Document("bench", text), settings))
    return [(t.start, t.end) for t in result.typos if t.kind == "typo"], any(
        t.kind == "laundered" for t in result.typos
    )


def score(samples: Iterable[Sample], settings: Settings) -> dict:
    tp = fp = fn = wrong_sents = alarms = laundered_alarms = n = 0
    start = time.perf_counter()
    for text, wrong in samples:
        n += 1
        spans, laundered = detect(text, settings)
        hit = any(s <= i < e for s, e in spans for i in wrong)
        if wrong:
            wrong_sents += 1
            tp += hit
            fn += not hit
            fp += bool(spans) and not hit
        else:
            fp += bool(spans)
            alarms += bool(spans)
            laundered_alarms += laundered
    seconds = time.perf_counter() - start
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / wrong_sents if wrong_sents else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    out = {
        "sentences": n,
        "with_errors": wrong_sents,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f1, 4),
        "sentences_per_s": round(n / seconds) if seconds else None,
    }
    if n - wrong_sents:
        out["false_alarm_rate_error_free"] = round(alarms / (n - wrong_sents), 4)
        out["laundered_alarm_rate_error_free"] = round(laundered_alarms / (n - wrong_sents), 4)
    return out


def real_dev(settings: Settings) -> dict:
    """Recall of the sure labels of real-dev, by kind, and labels reported under another kind."""
    from opencc import OpenCC

    from pipeline.ingest import load

    t2s = OpenCC("t2s")
    labels = json.loads((REAL_DEV / "labels.json").read_text(encoding="utf-8"))
    kinds = {"typos": "typo", "laundered": "laundered", "masked": "masked"}
    counts = {k: {"labelled": 0, "present": 0, "found": 0, "other_kind": 0} for k in kinds}
    flag = {"docs_with_2plus_laundered": 0, "flagged": 0, "flagged_without_labels": 0}
    for name, lab in sorted(labels.items()):
        path = REAL_DEV / name
        if not path.exists():
            continue
        doc = load(path, settings)
        result = typos.analyze(Context(doc, settings))
        for key, kind in kinds.items():
            for pair in lab.get(key) or []:
                wrong = pair[0]
                c = counts[key]
                c["labelled"] += 1
                s = doc.text.find(wrong)
                if s < 0:
                    wrong = t2s.convert(wrong)
                    s = doc.text.find(wrong)
                if s < 0:
                    continue
                c["present"] += 1
                e = s + len(wrong)
                cover = [t for t in result.typos if t.start < e and s < t.end]
                if any(t.kind == kind for t in cover):
                    c["found"] += 1
                elif cover:
                    c["other_kind"] += 1
        if len(lab.get("laundered") or []) >= 2:
            flag["docs_with_2plus_laundered"] += 1
            flag["flagged"] += result.laundered_text
        elif result.laundered_text:
            flag["flagged_without_labels"] += 1
    for c in counts.values():
        c["recall_of_present"] = round(c["found"] / c["present"], 4) if c["present"] else None
    return {**counts, "laundered_text_flag": flag}


def sweep(samples: list[Sample], settings: Settings, low: float = 0.0) -> list[tuple[frozenset[int], list]]:
    """Per sentence: its wrong positions and every reported (start, end, gain) at a low threshold;
    lexicon hits have an infinite gain. Scored for many thresholds at the cost of one run."""
    import math

    from pipeline.analyzers import spelling

    out = []
    for text, wrong in samples:
        result = typos.analyze(Context(Document("bench", text), settings), threshold=low)
        spans = []
        for t in result.typos:
            if t.kind != "typo":
                continue
            c = t.confidence
            gain = math.inf if c >= 1.0 else spelling.THRESHOLD + 2 * math.log(c / (1 - c))
            spans.append((t.start, t.end, gain))
        out.append((wrong, spans))
    return out


def sweep_table(rows: list[tuple[frozenset[int], list]], thresholds: list[float]) -> dict:
    table = {}
    for th in thresholds:
        tp = fp = errs = alarms = clean = 0
        for wrong, spans in rows:
            kept = [(s, e) for s, e, g in spans if g >= th]
            hit = any(s <= i < e for s, e in kept for i in wrong)
            if wrong:
                errs += 1
                tp += hit
                fp += bool(kept) and not hit
            else:
                clean += 1
                fp += bool(kept)
                alarms += bool(kept)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / errs if errs else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        table[str(th)] = (
            {"p": round(p, 3), "r": round(r, 3), "f1": round(f1, 3)}
            if errs
            else {"false_alarm_rate": round(alarms / clean, 4) if clean else None}
        )
    return table


def speed(docs: int = 0) -> dict:
    """CPU time of ``shuzhi analyze``'s work per document (ingest from the file, every analyzer,
    the JSON object), and the share the open checks take.

    Process CPU time (not wall time) so other jobs on a shared machine barely move it; the
    analyzers before this change are the same run less the open checks, so
    ``throughput_ratio_vs_lexicon_only`` = 1 - share. Start-up (vocabulary, synonyms) is timed apart.
    """
    from pipeline.analyzers import spelling
    from pipeline.ingest import load
    from pipeline.report import analyze_document

    settings = Settings()
    sources = sorted((ROOT / "corpora" / "samples").glob("*.txt")) + sorted(
        (ROOT / "corpora" / "genres").rglob("*.txt")
    )
    # Each file once by default: repeats would flatter the per-worker caches.
    docs = docs or len(sources)
    paths = [sources[i % len(sources)] for i in range(docs)]
    t0 = time.process_time()
    spelling.vocabulary()
    spelling.synonyms()
    startup = time.process_time() - t0
    spent = {"open": 0.0}

    def timed(fn: Callable) -> Callable:
        def wrapper(*a, **k):  # noqa: ANN002, ANN003, ANN202
            t = time.process_time()
            try:
                return fn(*a, **k)
            finally:
                spent["open"] += time.process_time() - t

        return wrapper

    originals = (spelling.suspects, spelling.masks, spelling.collocation_laundering)
    spelling.suspects, spelling.masks, spelling.collocation_laundering = (timed(f) for f in originals)
    try:
        analyze_document(load(paths[0], settings), settings)  # warm the other analyzers' resources
        spent["open"] = 0.0
        chars = 0
        t0 = time.process_time()
        for path in paths:
            doc = load(path, settings)
            json.dumps(analyze_document(doc, settings).to_json(), ensure_ascii=False)
            chars += len(doc.text)
        total = time.process_time() - t0
    finally:
        spelling.suspects, spelling.masks, spelling.collocation_laundering = originals
    return {
        "documents": docs,
        "chars": chars,
        "analyze_cpu_chars_per_s": round(chars / total),
        "open_checks_share_of_analyze_cpu": round(spent["open"] / total, 4),
        "throughput_ratio_vs_lexicon_only": round(1 - spent["open"] / total, 4),
        "open_checks_startup_cpu_s": round(startup, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sets", default="", help="comma-separated set names (default: all present)")
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument(
        "--sweep", action="store_true", help="threshold table on the tune sets only (odw_tune, acc_tune)"
    )
    parser.add_argument("--speed", action="store_true", help="CPU share of the open checks in analyze")
    args = parser.parse_args()
    if args.speed:
        print(json.dumps(speed(), indent=1))
        return
    if args.sweep:
        settings = Settings()
        ths = [x / 2 for x in range(0, 41)]
        out = {}
        for name in ("odw_tune", "acc_tune"):
            if name in sets():
                out[name] = sweep_table(sweep(sets()[name](), settings), ths)
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return
    settings = Settings()
    available = sets()
    wanted = [s for s in args.sets.split(",") if s] or [*available, "real_dev"]
    out: dict = {"seed": SEED, "heldout_share": HELDOUT_SHARE}
    for name in wanted:
        if name == "real_dev":
            if (REAL_DEV / "labels.json").exists():
                out["real_dev"] = real_dev(settings)
            continue
        if name not in available:
            out[name] = "absent"
            continue
        samples = available[name]()
        if args.limit:
            samples = samples[: args.limit]
        out[name] = score(samples, settings)
    if not available and "real_dev" not in out:
        out["note"] = "no labelled data present (../shared absent)"
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
