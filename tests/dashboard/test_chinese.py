"""Every page speaks Chinese: headers, labels, coded values and empty cells (AppTest, no browser)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from pipeline import display
from tests.conftest import ROOT

streamlit_testing = pytest.importorskip("streamlit.testing.v1")
HAN = re.compile(r"[\u4e00-\u9fff]")
PAGES = ["overview", "report", "copies", "votes", "upload"]


@pytest.fixture()
def run_page(fresh_db: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SHUZHI_DB", fresh_db)
    monkeypatch.chdir(ROOT)

    def run(name: str):  # noqa: ANN202
        at = streamlit_testing.AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        if name == "report":
            at.session_state["report_path"] = "2024_district_water_bureau_copy_b.txt"
        at.switch_page(f"pipeline/dashboard/pages/{name}.py").run()
        assert not at.exception
        return at

    return run


@pytest.mark.parametrize("name", PAGES)
def test_tables_have_chinese_headers_and_no_none(run_page, name: str) -> None:
    at = run_page(name)
    for frame in (d.value for d in at.dataframe):
        for column in frame.columns:
            assert HAN.search(str(column)), f"{name}: column {column!r}"
        for value in frame.astype(str).to_numpy().ravel():
            assert value not in {"None", "nan", "NaN", "<NA>"}, f"{name}: empty cell shown as {value!r}"
    for code in ("copy", "repeats_last_year", "template_site", "laundered", "typo"):
        assert not any(code in set(map(str, d.value.to_numpy().ravel())) for d in at.dataframe)


@pytest.mark.parametrize("name", PAGES)
def test_labels_and_messages_are_chinese(run_page, name: str) -> None:
    at = run_page(name)
    texts = [t.value for t in at.title] + [h.value for h in at.subheader] + [h.value for h in at.header]
    texts += [
        w.label
        for kind in ("selectbox", "multiselect", "text_input", "text_area", "radio")
        for w in getattr(at, kind)
    ]
    texts += [b.label for b in at.button] + [m.label for m in at.metric]
    texts += [m.value for m in at.info] + [m.value for m in at.warning] + [m.value for m in at.error]
    for text in texts:
        assert HAN.search(str(text)), f"{name}: {text!r}"


def test_display_names_cover_every_flag_and_part() -> None:
    from pipeline.scoring import WEIGHTS

    for flag in WEIGHTS:
        assert display.name("flag", flag) != display.name("flag", "no-such-flag"), flag
    assert display.name("reason", "no-such-reason") == "网页杂项"
    frame = display.for_display(
        pd.DataFrame([{"unit": None, "year": None, "kind": "copy"}]), {"kind": "pair_kind"}
    )
    assert list(frame.columns) == ["单位", "年度", "类型"] and frame.iloc[0].tolist() == ["", "", "相互抄袭"]
