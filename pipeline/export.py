"""``shuzhi export``: what a batch stored, as JSON, CSV or Excel.

JSON is the contract's object with every list sorted and floats rounded, so two exports of the same
stored results are byte-identical. CSV (UTF-8 with BOM, so Excel shows the Chinese) and Excel carry
the same rows: Excel has one sheet per list; CSV writes the reports to the named file and each other
list next to it (``NAME.pairs.csv``, ``NAME.clusters.csv``, ``NAME.errors.csv``).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.errors import UsageError
from pipeline.store import Store


def as_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


# A spreadsheet reads a cell starting with one of these as a formula (=HYPERLINK(…) in a unit's name
# would run when the sheet is opened); TAB and CR start one in some programs too.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: Any) -> Any:
    """A text cell made inert for spreadsheets: a leading apostrophe, as spreadsheet-safe exporters
    do (Excel and LibreOffice then show the text as typed). Numbers and empty cells pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def tables(data: dict[str, Any]) -> dict[str, pd.DataFrame]:
    """One flat table per list; list-valued cells joined with ';'; every text cell made inert."""

    def cell(value: Any) -> Any:
        return spreadsheet_text(";".join(map(str, value)) if isinstance(value, list) else value)

    def flat(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
        return pd.DataFrame([{c: cell(r.get(c)) for c in columns} for r in rows], columns=columns)

    report_cols = [
        "path",
        "unit",
        "year",
        "author",
        "genre",
        "score",
        "flags",
        "personal",
        "personal_share",
        "achievement_share",
        "missing",
        "max_copy_ratio",
        "decision",
    ]
    pair_cols = ["a", "b", "kind", "copy_ratio_a", "copy_ratio_b", "shared_typos"]
    clusters = [
        {"cluster": n, "path": spreadsheet_text(p)}
        for n, ring in enumerate(data["clusters"], 1)
        for p in ring
    ]
    return {
        "reports": flat(data["reports"], report_cols),
        "pairs": flat(data["pairs"], pair_cols),
        "clusters": pd.DataFrame(clusters, columns=["cluster", "path"]),
        "errors": flat(data["errors"], ["path", "reason"]),
    }


def _csv(frame: pd.DataFrame) -> str:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return buf.getvalue()


def export(store: Store, fmt: str, out: str | None) -> str | None:
    """Write the export; returns text for stdout when no file is named (json, csv reports)."""
    data = store.export_data()
    if fmt == "json":
        text = as_json(data)
        if out:
            Path(out).write_text(text, encoding="utf-8")
            return None
        return text
    frames = tables(data)
    if fmt == "csv":
        if not out:
            return _csv(frames["reports"])
        base = Path(out)
        base.write_text("\ufeff" + _csv(frames["reports"]), encoding="utf-8")
        stem = base.with_suffix("")
        for name in ("pairs", "clusters", "errors"):
            Path(f"{stem}.{name}.csv").write_text("\ufeff" + _csv(frames[name]), encoding="utf-8")
        return None
    if fmt == "xlsx":
        if not out:
            raise UsageError("--format xlsx needs --out FILE.xlsx")
        with pd.ExcelWriter(out, engine="openpyxl") as writer:
            for name, frame in frames.items():
                frame.to_excel(writer, sheet_name=name, index=False)
        return None
    raise UsageError(f"unknown format {fmt!r}; use csv, xlsx or json")
