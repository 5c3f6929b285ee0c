"""测评 votes: the score formula, and a sheet validated whole before anything is stored."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.store import Store
from pipeline.votes import VotesError, import_votes, parse, vote_score


@pytest.mark.parametrize(
    ("counts", "score"),
    [((10, 0, 0, 0), 100.0), ((0, 0, 0, 4), 0.0), ((6, 2, 1, 1), 82.0), ((1, 1, 1, 1), 60.0)],
)
def test_vote_score(counts: tuple[int, int, int, int], score: float) -> None:
    assert vote_score(*counts) == pytest.approx(score)


def test_no_votes_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="no valid votes"):
        vote_score(0, 0, 0, 0)


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    from pipeline.ingest import load
    from pipeline.metadata import Meta
    from pipeline.report import analyze_document
    from pipeline.store import Record
    from tests.conftest import SAMPLES

    doc = load(SAMPLES / "2024_county_edu_bureau_good.txt")
    result = analyze_document(doc, meta=Meta(unit="青山镇党委", year=2024))
    s = Store(f"sqlite:///{tmp_path / 'v.db'}")
    s.save(
        [
            Record(
                path="a.txt",
                content_hash="h",
                result=result.to_json(stored=True),
                clean_text=doc.text,
                ingest={},
            )
        ]
    )
    return s


def test_a_good_sheet_is_stored(store: Store, tmp_path: Path) -> None:
    sheet = tmp_path / "votes.csv"
    sheet.write_text("unit,好,较好,一般,差\n青山镇党委,30,8,2,0\n", encoding="utf-8-sig")
    assert import_votes(sheet, store) == 1
    (row,) = store.vote_rows()
    assert (row["unit"], row["year"], row["valid"], row["score"]) == ("青山镇党委", 2024, 40, 94.0)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("青山镇党委,30,-1,2,0", "较好 -1 is negative"),
        ("青山镇党委,三十,8,2,0", "好 '三十' is not a whole number"),
        ("别的单位,30,8,2,0", "unit '别的单位' is not in the database"),
        ("青山镇党委,0,0,0,0", "has zero votes"),
    ],
)
def test_a_bad_row_stops_the_whole_sheet(store: Store, tmp_path: Path, body: str, reason: str) -> None:
    sheet = tmp_path / "votes.csv"
    sheet.write_text(f"unit,好,较好,一般,差\n青山镇党委,30,8,2,0\n{body}\n", encoding="utf-8")
    with pytest.raises(VotesError, match="nothing imported") as err:
        parse(sheet, store)
    assert reason in str(err.value) and "row 3" in str(err.value)
    assert store.vote_rows() == []
