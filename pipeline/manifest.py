"""manifest.csv / manifest.xlsx next to the files: file, unit, year, author, level.

Reviewers keep these as spreadsheets, so both formats are read; a bad row is an error naming the
row, and a file the manifest does not list falls back to its title and file name.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pipeline.errors import ShuzhiError
from pipeline.metadata import Meta

COLUMNS = ("file", "unit", "year", "author", "level")
MIN_YEAR, MAX_YEAR = 1949, 2200


class ManifestError(ShuzhiError, ValueError):
    pass


def _rows(path: Path) -> list[dict[str, str]]:
    if path.suffix.lower() == ".xlsx":
        import pandas as pd

        frame = pd.read_excel(path, dtype=str).fillna("")
        return [{str(k).strip(): str(v).strip() for k, v in row.items()} for row in frame.to_dict("records")]
    from pipeline.ingest.decoding import DecodeError, decode

    try:
        text = decode(path.read_bytes()).text  # Excel saves CSV as UTF-8, UTF-16 or GB18030
    except (DecodeError, OSError) as exc:
        raise ManifestError(f"{path}: not a readable CSV text file ({exc})") from None
    return [
        {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    ]


def find(folder: Path) -> Path | None:
    for name in ("manifest.csv", "manifest.xlsx"):
        if (folder / name).is_file():
            return folder / name
    return None


def read(path: Path) -> dict[str, Meta]:
    """Paths (resolved against the manifest's folder) → Meta."""
    out: dict[str, Meta] = {}
    rows = _rows(path)
    if rows and "file" not in rows[0]:
        raise ManifestError(f"{path}: no 'file' column (expected columns {', '.join(COLUMNS)})")
    for number, row in enumerate(rows, 2):
        name = row.get("file", "")
        if not name:
            continue
        year_text = row.get("year", "")
        try:
            year = int(float(year_text)) if year_text else None
        except (ValueError, OverflowError) as exc:
            raise ManifestError(f"{path}: row {number}: year {year_text!r} is not a number") from exc
        if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
            raise ManifestError(f"{path}: row {number}: year {year} is not between {MIN_YEAR} and {MAX_YEAR}")
        out[str((path.parent / name).resolve())] = Meta(
            unit=row.get("unit") or None,
            year=year,
            author=row.get("author") or None,
            level=row.get("level") or None,
        )
    return out


def metas_for(paths: list[str]) -> dict[str, Meta]:
    """Meta for each path from the manifests of the folders the paths are in."""
    out: dict[str, Meta] = {}
    seen: set[Path] = set()
    table: dict[str, Meta] = {}
    for p in paths:
        folder = Path(p).resolve().parent
        for candidate in (folder, *folder.parents):
            if candidate in seen:
                break
            seen.add(candidate)
            found = find(candidate)
            if found:
                table.update(read(found))
                break
    for p in paths:
        meta = table.get(str(Path(p).resolve()))
        if meta:
            out[p] = meta
    return out
