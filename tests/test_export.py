"""Exports a spreadsheet opens safely: names and manifest values that look like formulas stay text."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest

from pipeline.batch import run_batch
from pipeline.export import export, spreadsheet_text
from pipeline.store import Store
from tests.conftest import SAMPLES

HOSTILE_UNIT = '=HYPERLINK("http://127.0.0.1/x","点击查看")'


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        pytest.param("=1+1", "'=1+1", id="equals"),
        pytest.param("+86 123", "'+86 123", id="plus"),
        pytest.param("-2+3", "'-2+3", id="minus"),
        pytest.param("@SUM(A1)", "'@SUM(A1)", id="at"),
        pytest.param("\t=1", "'\t=1", id="tab"),
        pytest.param("岚溪县教育局党组", "岚溪县教育局党组", id="plain-text"),
        pytest.param(-3.5, -3.5, id="a-number-stays-a-number"),
        pytest.param(None, None, id="empty"),
    ],
)
def test_spreadsheet_text(value: object, shown: object) -> None:
    assert spreadsheet_text(value) == shown


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("hostile")
    root = tmp / "corpus"
    root.mkdir()
    shutil.copy(SAMPLES / "2024_county_edu_bureau_good.txt", root / "=cmd.txt")
    shutil.copy(SAMPLES / "2024_city_housing_bureau_team.txt", root / "team.txt")
    with (root / "manifest.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "unit", "year", "author", "level"])
        writer.writerow(["=cmd.txt", HOSTILE_UNIT, "2024", "@admin", "机关"])
        writer.writerow(["team.txt", "+城建局党组", "2024", "-张三", "机关"])
    url = f"sqlite:///{tmp / 'h.db'}"
    run_batch(root, url, workers=1, progress=False)
    return url


def test_xlsx_cells_are_text_not_formulas(hostile_db: str, tmp_path: Path) -> None:
    out = tmp_path / "review.xlsx"
    export(Store(hostile_db), "xlsx", str(out))
    sheet = openpyxl.load_workbook(out)["reports"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value is not None]
    assert not [c.value for c in cells if c.data_type == "f"]
    values = {c.value for c in cells}
    assert "'" + HOSTILE_UNIT in values and "'=cmd.txt" in values and "'@admin" in values
    assert "'+城建局党组" in values and "'-张三" in values


def test_csv_cells_are_neutralised(hostile_db: str, tmp_path: Path) -> None:
    out = tmp_path / "review.csv"
    export(Store(hostile_db), "csv", str(out))
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    by_path = {r["path"]: r for r in rows}
    assert by_path["'=cmd.txt"]["unit"] == "'" + HOSTILE_UNIT
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values() if v)


def test_json_export_keeps_the_values_as_they_are(hostile_db: str) -> None:
    import json

    data = json.loads(export(Store(hostile_db), "json", None) or "{}")
    assert {r["unit"] for r in data["reports"]} == {HOSTILE_UNIT, "+城建局党组"}
