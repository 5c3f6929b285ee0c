"""测评 votes: (好×100 + 较好×80 + 一般×60 + 差×0) ÷ 有效票数, per unit and year.

A votes sheet is validated whole before anything is stored: negative counts, non-numbers, rows with
no votes and units the database does not know are errors naming the row, and then nothing is
imported.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from pipeline.errors import ShuzhiError
from pipeline.store import Store

WEIGHTS = {"好": 100, "较好": 80, "一般": 60, "差": 0}
FIELDS = {"好": "good", "较好": "fairly_good", "一般": "average", "差": "poor"}


class VotesError(ShuzhiError, ValueError):
    pass


def vote_score(good: int, fairly_good: int, average: int, poor: int) -> float:
    valid = good + fairly_good + average + poor
    if valid <= 0:
        raise ValueError("no valid votes")
    return (good * 100 + fairly_good * 80 + average * 60 + poor * 0) / valid


def _read(path: Path) -> list[dict[str, str]]:
    if path.suffix.lower() in (".xlsx", ".xls"):
        import pandas as pd

        frame = pd.read_excel(path, dtype=str).fillna("")
        return [{str(k).strip(): str(v).strip() for k, v in row.items()} for row in frame.to_dict("records")]
    text = path.read_bytes().decode("utf-8-sig")
    return [
        {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]


def parse(path: Path, store: Store, year: int | None = None) -> list[dict[str, Any]]:
    """Validated rows ready to store; raises VotesError listing every bad row."""
    try:
        rows = _read(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise VotesError(f"{path}: cannot read votes ({exc})") from exc
    if not rows:
        raise VotesError(f"{path}: no rows")
    header = set(rows[0])
    missing = [c for c in ("unit", *WEIGHTS) if c not in header]
    if missing:
        raise VotesError(
            f"{path}: missing columns {missing} (expected unit, 好, 较好, 一般, 差 and optionally year)"
        )
    units = store.units()
    problems: list[str] = []
    out: list[dict[str, Any]] = []
    for number, row in enumerate(rows, 2):
        unit = row.get("unit", "")
        counts: dict[str, int] = {}
        bad = False
        for label in WEIGHTS:
            raw = row.get(label, "")
            try:
                value = int(float(raw)) if raw != "" else 0
                if float(raw or 0) != value:
                    raise ValueError
            except ValueError:
                problems.append(f"row {number}: {label} {raw!r} is not a whole number")
                bad = True
                continue
            if value < 0:
                problems.append(f"row {number}: {label} {value} is negative")
                bad = True
            counts[label] = value
        if not unit:
            problems.append(f"row {number}: no unit")
            continue
        if unit not in units:
            problems.append(f"row {number}: unit {unit!r} is not in the database")
            continue
        if bad:
            continue
        valid = sum(counts.values())
        if valid == 0:
            problems.append(f"row {number}: {unit} has zero votes")
            continue
        row_year = row.get("year") or (str(year) if year else "")
        if row_year:
            try:
                y = int(float(row_year))
            except ValueError:
                problems.append(f"row {number}: year {row_year!r} is not a number")
                continue
        elif units[unit]:
            y = max(units[unit])
        else:
            problems.append(f"row {number}: no year for {unit} (give a year column or --year)")
            continue
        out.append(
            {
                "unit": unit,
                "year": y,
                **{FIELDS[k]: v for k, v in counts.items()},
                "valid": valid,
                "score": round(vote_score(*(counts[k] for k in WEIGHTS)), 4),
            }
        )
    if problems:
        raise VotesError(f"{path}: nothing imported; " + "; ".join(problems))
    return out


def import_votes(path: Path, store: Store, year: int | None = None) -> int:
    rows = parse(path, store, year)
    store.replace_votes(rows)
    return len(rows)
