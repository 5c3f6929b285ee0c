"""Unit and year inferred from a title; the Party-organisation endings come from lexicons/organisations.txt."""

from __future__ import annotations

import pytest

from pipeline import metadata
from pipeline.settings import Settings
from pipeline.similarity import Item, own_names


@pytest.mark.parametrize(
    ("title", "filename", "expected"),
    [
        ("县自然资源局党组书记2023年度抓基层党建工作述职报告", "", ("县自然资源局党组", 2023)),
        ("城关镇党委书记2024年抓党建工作述职报告", "", ("城关镇党委", 2024)),
        ("红星村党总支2022年述职报告", "", ("红星村党总支", 2022)),
        ("第三中学党支部书记 2021 年述职", "", ("第三中学党支部", 2021)),
        ("市妇联机关党委会2023年工作述职", "", ("市妇联机关党委会", 2023)),
        # no organisation in the title: the year still comes from the title, then the file name
        ("抓基层党建工作述职报告（2023年）", "", (None, 2023)),
        ("述职报告", "2022/某局.txt", (None, 2022)),
        ("述职报告", "", (None, None)),
    ],
)
def test_infer_reads_unit_and_year(title: str, filename: str, expected: tuple) -> None:
    assert metadata.infer(title + "\n正文。", filename) == expected


def test_an_extra_lexicon_adds_an_ending(tmp_path) -> None:
    (tmp_path / "organisations.txt").write_text(
        "# a unit's own word\n[party_organisation]\n总支\n", encoding="utf-8"
    )
    title = "实验学校总支2023年述职报告\n正文。"
    assert metadata.infer(title) == (None, 2023)
    extended = Settings(extra_lexicon_dirs=(str(tmp_path),))
    assert metadata.infer(title, settings=extended) == ("实验学校总支", 2023)
    item = Item(key="a.txt", text="", unit="实验学校总支")
    assert own_names(item, Settings()) == ("实验学校总支",)
    assert own_names(item, extended) == ("实验学校总支", "实验学校")


@pytest.mark.parametrize(
    ("unit", "names"),
    [
        ("县自然资源局党组", ("县自然资源局党组", "县自然资源局")),
        ("城关镇党委", ("城关镇党委", "城关镇")),
        ("红星村党总支", ("红星村党总支", "红星村")),
        ("某某村", ("某某村",)),
        (None, ()),
    ],
)
def test_own_names_strip_the_organisation(unit: str | None, names: tuple[str, ...]) -> None:
    assert own_names(Item(key="a.txt", text="", unit=unit), Settings()) == names
