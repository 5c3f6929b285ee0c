"""The store: it opens only its own databases, changes nothing in others, upgrades its old ones."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pipeline.store import SCHEMA_VERSION, Store, StoreError


def test_a_database_of_another_program_is_left_untouched(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("create table accounts (name text)")
    before = other.read_bytes()
    with pytest.raises(StoreError, match="not a shuzhi database"):
        Store(f"sqlite:///{other}")  # even where a batch would create a new database
    assert other.read_bytes() == before
    with sqlite3.connect(other) as conn:
        assert conn.execute("pragma journal_mode").fetchone()[0] == "delete"


def test_open_existing_never_creates(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database file"):
        Store.open_existing(f"sqlite:///{tmp_path / 'typo.db'}")
    assert not (tmp_path / "typo.db").exists()


def test_empty_file_is_not_a_database_yet(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).close()
    with pytest.raises(StoreError, match="no shuzhi database here"):
        Store.open_existing(f"sqlite:///{empty}")


def test_version_1_database_is_upgraded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v1.db'}"
    Store(url)
    with sqlite3.connect(tmp_path / "v1.db") as conn:  # make it look as version 1 wrote it
        conn.execute("alter table reports drop column root")
        conn.execute("alter table reports drop column analysis_key")
        conn.execute("alter table errors drop column root")
        conn.execute("alter table reviews drop column points")
        conn.execute("update meta set value = '1' where key = 'schema_version'")
    store = Store(url)
    assert store.get_meta("schema_version") == str(SCHEMA_VERSION)
    assert store.stored_reports() == {}


def test_review_points_round_trip(tmp_path: Path) -> None:
    import json

    from pipeline.store import Record

    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    result = {
        "id": "x",
        "unit": None,
        "year": None,
        "genre": {"label": "述职报告", "confidence": 1.0},
        "score": 90.0,
        "flags": [],
        "first_person": {"personal": 3, "collective": 0, "institutional": 0, "personal_share": 0.2},
        "balance": {"achievement_share": 0.3, "problem_share": 0.3, "plan_share": 0.2},
        "sections": {"missing": []},
        "typos": [],
        "chars": 100,
        "findings": [],
    }
    store.save([Record("a.txt", "h", result, "正文", {})])
    store.add_review("a.txt", "退回修改", "", "张审阅", ["请补充本人履职情况。", "成绩部分过多。"])
    assert store.latest_reviews()["a.txt"]["points"] == ["请补充本人履职情况。", "成绩部分过多。"]
    store.add_review("a.txt", "通过", "", "张审阅")
    assert store.latest_reviews()["a.txt"]["points"] is None
    assert json.loads(store.report("a.txt")["flags"]) == []


def test_stored_result_carries_the_verdict_shown(tmp_path: Path) -> None:
    """The score and flags in each stored result are the ones in its columns, and when the copy
    evidence goes away the flag leaves both (the text's own verdict is kept beside them)."""
    import json
    import shutil

    from pipeline.batch import run_batch
    from tests.conftest import SAMPLES

    root = tmp_path / "corpus"
    root.mkdir()
    for name in ("2024_district_agri_bureau_copy_a.txt", "2024_district_water_bureau_copy_b.txt"):
        shutil.copy(SAMPLES / name, root / name)
    url = f"sqlite:///{tmp_path / 's.db'}"

    def stored() -> dict[str, tuple]:
        with sqlite3.connect(tmp_path / "s.db") as conn:
            rows = conn.execute("select path, score, flags, result from reports").fetchall()
        out = {}
        for path, score, flags, result in rows:
            r = json.loads(result)
            assert (r["score"], sorted(r["flags"])) == (score, sorted(json.loads(flags)))
            out[path] = (score, r["flags"], r["text_flags"], r["text_score"])
        return out

    run_batch(root, url, workers=1, progress=False)
    first = stored()
    assert all("copied" in v[1] and "copied" not in v[2] and v[0] < v[3] for v in first.values())
    (root / "2024_district_water_bureau_copy_b.txt").unlink()
    run_batch(root, url, workers=1, progress=False)
    score, flags, text_flags, text_score = stored()["2024_district_agri_bureau_copy_a.txt"]
    assert "copied" not in flags and flags == text_flags and score == text_score


def test_only_the_store_speaks_sql() -> None:
    """Storage has one owner: no other module imports SQLAlchemy or opens the store's engine."""
    import re

    from tests.conftest import ROOT

    offenders = [
        str(p.relative_to(ROOT))
        for p in sorted((ROOT / "pipeline").rglob("*.py"))
        if p.name != "store.py"
        and re.search(r"\bsqlalchemy\b|\.engine\.(connect|begin)\(", p.read_text("utf-8"))
    ]
    assert offenders == []
