"""Genre and voice accuracy on real labelled excerpts (../shared/real-dev and any set like it).

Real third-party texts are only measured here, never copied. Each set is split by a fixed rule:
files whose number is odd are the *tune* half (errors there may be looked at), even numbers are the
*held-out* half (never tuned on). Prints one JSON object: per set, per half, per check, the figure
today and the first blind figure recorded before any change it prompted
(benchmarks/accuracy_baseline.json).

Checks:
- ``reports_called_reports``: genre 述职报告 labelled as 述职报告
- ``lookalikes_refused``: any other genre not labelled 述职报告
- ``lookalike_exact_genre``: other genres labelled exactly
- ``team_flagged``: reports of collective or headless voice flagged ``team_report``
- ``personal_unflagged``: personal-voice reports not flagged ``team_report``
- ``mixed_flagged``: mixed-voice reports flagged (information only: no target)

    python benchmarks/accuracy.py [--set DIR ...] [--errors]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.analyzers import run  # noqa: E402
from pipeline.analyzers.context import Context  # noqa: E402
from pipeline.ingest import load  # noqa: E402

DEFAULT_SETS = (ROOT.parent / "shared" / "real-dev",)
BASELINE = Path(__file__).with_name("accuracy_baseline.json")
REPORT = "述职报告"
CHECKS = (
    "reports_called_reports",
    "lookalikes_refused",
    "lookalike_exact_genre",
    "team_flagged",
    "personal_unflagged",
    "mixed_flagged",
)


def half_of(name: str) -> str:
    """The fixed split: odd file number → tune, even → held-out."""
    m = re.search(r"(\d+)", name)
    return "tune" if m and int(m.group(1)) % 2 else "heldout"


def outcomes(label: dict, genre: str, team: bool) -> dict[str, bool]:
    """Which checks this file takes part in, and whether it passes each."""
    out: dict[str, bool] = {}
    if label["genre"] == REPORT:
        out["reports_called_reports"] = genre == REPORT
        voice = label.get("voice")
        if voice in ("collective", "headless"):
            out["team_flagged"] = team
        elif voice == "personal":
            out["personal_unflagged"] = not team
        elif voice == "mixed":
            out["mixed_flagged"] = team
    else:
        out["lookalikes_refused"] = genre != REPORT
        out["lookalike_exact_genre"] = genre == label["genre"]
    return out


def measure(folder: Path, errors: bool) -> dict:
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    tally: dict[str, dict[str, list[int]]] = {h: {c: [0, 0] for c in CHECKS} for h in ("tune", "heldout")}
    wrong: list[dict] = []
    for name in sorted(labels):
        path = folder / name
        if not path.is_file():
            continue
        res = run(Context(load(path)))
        genre, team = res["genre"].label, res["first_person"].team_report
        half = half_of(name)
        for check, ok in outcomes(labels[name], genre, team).items():
            tally[half][check][0] += ok
            tally[half][check][1] += 1
            if not ok and (errors and half == "tune"):
                wrong.append({"file": name, "check": check, "genre": genre, "team_report": team})
    out: dict = {}
    for half, checks in tally.items():
        out[half] = {
            c: {"right": r, "of": n, "share": round(r / n, 3) if n else None} for c, (r, n) in checks.items()
        }
    if errors:
        out["tune_errors"] = wrong
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", action="append", type=Path, help="a folder with labels.json")
    parser.add_argument("--errors", action="store_true", help="list the tune half's errors")
    parser.add_argument("--record-baseline", action="store_true", help="write today's figures as first blind")
    args = parser.parse_args()
    sets = [p for p in (args.set or DEFAULT_SETS) if (p / "labels.json").is_file()]
    baseline = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.is_file() else {}
    result: dict = {"split": "odd file number = tune, even = held-out", "sets": {}}
    for folder in sets:
        today = measure(folder, args.errors)
        result["sets"][folder.name] = {"today": today, "first_blind": baseline.get(folder.name)}
        if args.record_baseline:
            baseline[folder.name] = {h: today[h] for h in ("tune", "heldout")}
    if not sets:
        result["skipped"] = "no labelled set found (../shared/real-dev is not beside this checkout)"
    if args.record_baseline:
        BASELINE.write_text(json.dumps(baseline, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
