from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.manifest import ManifestError, metas_for


def test_manifest_xlsx(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("报告", encoding="utf-8")
    pd.DataFrame(
        [{"file": "a.txt", "unit": "某县某局党组", "year": 2024, "author": "王某", "level": "机关"}]
    ).to_excel(tmp_path / "manifest.xlsx", index=False)
    meta = metas_for([str(tmp_path / "a.txt")])[str(tmp_path / "a.txt")]
    assert (meta.unit, meta.year, meta.author, meta.level) == ("某县某局党组", 2024, "王某", "机关")


def test_manifest_csv_in_a_parent_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("报告", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,unit,year\nsub/b.txt,某镇党委,2023\n", encoding="utf-8-sig")
    meta = metas_for([str(tmp_path / "sub" / "b.txt")])[str(tmp_path / "sub" / "b.txt")]
    assert (meta.unit, meta.year) == ("某镇党委", 2023)


def test_manifest_bad_year_names_the_row(tmp_path: Path) -> None:
    (tmp_path / "c.txt").write_text("报告", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("file,unit,year\nc.txt,某镇党委,去年\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="row 2: year '去年' is not a number"):
        metas_for([str(tmp_path / "c.txt")])
