from __future__ import annotations

import pytest

from pipeline.dashboard import data, highlight
from pipeline.store import Store


def test_overview_rows_and_flags(dashboard_db: str) -> None:
    frame = data.overview(Store(dashboard_db))
    assert len(frame) == 17
    row = frame.set_index("path").loc["2024_city_housing_bureau_team.txt"]
    assert "班子汇报" in row["flags"] and row["status"] == data.UNREVIEWED
    counts = data.flag_counts(frame)
    assert counts["team_report"] >= 1 and counts["copied"] == 2


def test_filters_and_sorting(dashboard_db: str) -> None:
    frame = data.overview(Store(dashboard_db))
    only = data.apply_filters(frame, data.Filters(flags=["copied"], sort="score"))
    assert set(only["path"]) == {
        "2024_district_agri_bureau_copy_a.txt",
        "2024_district_water_bureau_copy_b.txt",
    }
    by_unit = data.apply_filters(frame, data.Filters(query="清源区"))
    assert len(by_unit) == 2
    ordered = data.apply_filters(frame, data.Filters(sort="score", ascending=True))
    assert list(ordered["score"]) == sorted(ordered["score"])
    assert len(data.page_of(ordered, 2, size=5)) == 5


@pytest.mark.parametrize(
    ("text", "layers", "expected"),
    [
        pytest.param("<b>我</b>", [], "&lt;b&gt;我&lt;/b&gt;", id="escaped"),
        pytest.param(
            "我主持",
            [highlight.Layer(0, 1, "wo-personal", "本人")],
            '<span class="wo-personal" title="本人">我</span>主持',
            id="layer",
        ),
        pytest.param(
            "甲乙丙",
            [highlight.Layer(0, 2, "a"), highlight.Layer(1, 3, "b")],
            '<span class="a" title="">甲</span><span class="a b" title="">乙</span><span class="b" title="">丙</span>',
            id="overlap",
        ),
        pytest.param("一\n二", [], "一<br>二", id="newline"),
    ],
)
def test_highlight(text: str, layers: list, expected: str) -> None:
    assert highlight.highlight(text, layers) == expected


def test_hostile_report_is_text(dashboard_db: str) -> None:
    view = data.report_view(Store(dashboard_db), "2024_markup_test.txt")
    html = highlight.highlight(
        view.text, highlight.report_layers(view.result, view.pairs), highlight.part_markers(view.result)
    )
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "onerror=" in html.replace("&quot;", '"')


def test_report_view_links_copies(dashboard_db: str) -> None:
    view = data.report_view(Store(dashboard_db), "2024_district_water_bureau_copy_b.txt")
    assert view.pairs and view.pairs[0]["other"] == "2024_district_agri_bureau_copy_a.txt"
    layers = highlight.report_layers(view.result, view.pairs)
    assert any(layer.css == "copied" for layer in layers) and any(layer.css == "typo" for layer in layers)
    marks = [name for _, name in highlight.part_markers(view.result)]
    assert marks[:2] == ["履职情况", "工作推进"]


def test_side_by_side_and_rings(dashboard_db: str) -> None:
    store = Store(dashboard_db)
    table = data.pair_table(store)
    copy_id = int(table[table["kind"] == "copy"].iloc[0]["id"])
    html_a, html_b, info = data.side_by_side(store, copy_id)
    assert "copied" in html_a and "copied" in html_b and "共同错字：布署" in html_a
    assert info["shared_typos"] == ["布署", "按排"]
    assert data.rings(store) == [
        ["2024_district_agri_bureau_copy_a.txt", "2024_district_water_bureau_copy_b.txt"]
    ]
    assert "--" in data.rings_dot(store)


def test_votes_summary_and_years(fresh_db: str, tmp_path) -> None:
    from pipeline.votes import import_votes

    store = Store(fresh_db)
    sheet = tmp_path / "v.csv"
    sheet.write_text("unit,好,较好,一般,差\n岚溪县教育局党组,40,10,0,0\n", encoding="utf-8")
    import_votes(sheet, store)
    summary = data.votes_summary(store)
    row = summary.set_index("unit").loc["岚溪县教育局党组"]
    assert row["vote_score"] == pytest.approx(96.0)
    assert row["combined"] == pytest.approx(round((row["text_score"] + 96.0) / 2, 2))
    assert list(summary["rank"]) == list(range(1, len(summary) + 1))
    years = data.unit_years(store, "江城大学化学与材料学院党委")
    assert list(years["year"]) == [2023, 2024]
