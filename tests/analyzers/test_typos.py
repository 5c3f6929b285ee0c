from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.analyzers import typos
from pipeline.analyzers.context import Context
from pipeline.ingest import clean_text, load


def found(text: str) -> list[tuple[str, str, str]]:
    result = typos.analyze(Context(clean_text(text)))
    return [(t.text, t.suggestion, t.kind) for t in result.typos]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("年初我亲自布署全年工作。", [("布署", "部署", "typo")], id="bushu"),
        pytest.param("按排专人负责台账。", [("按排", "安排", "typo")], id="anpai"),
        pytest.param("按排名先后进行通报。", [], id="anpai-ming-is-right"),
        pytest.param("截止2024年底，全县共有党员3000名。", [("截止", "截至", "typo")], id="jiezhi-date"),
        pytest.param("报名截止日期为3月底。", [], id="jiezhi-deadline-right"),
        pytest.param("我们要再接再励，争取更大成绩。", [("再接再励", "再接再厉", "typo")], id="idiom"),
        pytest.param("坚持全心全意为人民效劳。", [("效劳", "服务", "laundered")], id="xiaolao"),
        pytest.param("减少无效劳动。", [], id="wuxiao-laodong"),
        pytest.param("绝大局部党员能够按时参加。", [("局部", "部分", "laundered")], id="jubu"),
        pytest.param("局部地区降雨较多。", [], id="jubu-real"),
        pytest.param("坚持谋开展、抓落实。", [("开展", "发展", "laundered")], id="mou-kaizhan"),
        pytest.param("开展主题党日活动12次。", [], id="kaizhan-real"),
        pytest.param("夯实根底，筑牢堡垒。", [("根底", "基础", "laundered")], id="gendi"),
    ],
)
def test_typos_and_laundering(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert found(text) == expected


def test_formulation_wrong_member() -> None:
    result = found("引导党员坚定道路自信、理论自信、制度自信、文明自信。")
    assert result == [("文明自信", "文化自信", "formulation")]


def test_formulation_missing_member() -> None:
    result = found("不断增强政治意识、大局意识、看齐意识。")
    assert len(result) == 1 and result[0][2] == "formulation" and "核心意识" in result[0][1]


def test_complete_formulation_is_fine() -> None:
    assert (
        found("增强政治意识、大局意识、核心意识、看齐意识，坚定道路自信、理论自信、制度自信、文化自信。")
        == []
    )


def test_placeholders_are_not_typos() -> None:
    assert found("XX县XXX局按排XX名干部。")[0][0] == "按排"  # the real typo still counts
    assert all(t[0] != "XX" for t in found("XX县XXX局按排XX名干部。"))


def test_laundered_sample_flagged(samples: Path) -> None:
    result = typos.analyze(Context(load(samples / "2024_county_transport_bureau_laundered.txt")))
    assert result.laundered_text
    assert {"效劳", "根底", "局部", "比方", "开展"} <= result.laundered_forms


def test_copy_pair_share_their_typos(samples: Path) -> None:
    a = typos.analyze(Context(load(samples / "2024_district_agri_bureau_copy_a.txt")))
    b = typos.analyze(Context(load(samples / "2024_district_water_bureau_copy_b.txt")))
    assert {t.text for t in a.typos} >= {"布署", "按排"} and {t.text for t in b.typos} >= {"布署", "按排"}


def test_clean_sample_has_no_laundering(samples: Path) -> None:
    assert not typos.analyze(Context(load(samples / "2024_county_edu_bureau_good.txt"))).laundered_forms


def open_typos(text: str) -> list[tuple[str, str]]:
    return [(w, r) for w, r, kind in found(text) if kind == "typo"]


@pytest.mark.parametrize(
    ("text", "protected", "still_found"),
    [
        pytest.param(
            "岚溪县教育局党组书记2024年度述职报告\n今年我到岚溪各校调研12次，年初布暑了全年工作。",
            "岚溪",
            ("布暑", "部署"),
            id="place-name-from-the-title",
        ),
        pytest.param(
            "一、履职情况\n我牵头推行楼栋长制度，全年走访楼栋46个，按排专人负责。",
            "楼栋",
            ("按排", "安排"),
            id="word-jieba-lacks",
        ),
        pytest.param(
            "我们举办了“医路同心”主题演讲比赛，年初布暑到各科室。",
            "医路",
            ("布暑", "部署"),
            id="quoted-activity-name",
        ),
    ],
)
def test_names_and_new_words_are_never_typos(text: str, protected: str, still_found: tuple[str, str]) -> None:
    """A place name seen in the title, a word of today's official writing that jieba's dictionary
    lacks, and a quoted activity name (whose pun is meant) are not misspellings; a real misspelling
    in the same report still is."""
    got = open_typos(text)
    assert all(
        protected not in wrong and not (protected[0] in wrong and len(wrong) == 2) for wrong, _ in got
    ), got
    assert still_found in got


def test_a_place_name_needs_a_line_that_names_units() -> None:
    """In a sentence, two characters before 村 are not taken for a name: the typo before it stays."""
    assert ("布暑", "部署") in open_typos("推进智慧城市建设，布暑到村。")
