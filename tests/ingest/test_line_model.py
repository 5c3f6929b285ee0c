"""The unseen-site line model: loaded from models/, never scores report text, explains its removals."""

from __future__ import annotations

import pytest

from pipeline.ingest import clean_text, line_model
from pipeline.settings import Settings


def test_committed_model_loads_with_a_threshold() -> None:
    bundle = line_model.load(Settings().model_dir)
    if bundle is None:
        pytest.skip("models/boilerplate_lines.joblib not committed (it failed the seed content gate)")
    assert 0.5 <= bundle["threshold"] <= 1.0


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("我带头讲党课四次，走访基层站所三十次，推动解决了一批问题", id="body-sentence"),
        pytest.param("谢谢大家！", id="closed-by-exclamation"),
        pytest.param("二、存在的问题", id="heading"),
        pytest.param("2．年度重点任务清单", id="numbered-item"),
        pytest.param("二〇二四年一月八日", id="date"),
        pytest.param("述职人：XXX", id="signature"),
    ],
)
def test_report_forms_are_never_scored(line: str) -> None:
    assert line_model.never_scored(line)


def test_page_furniture_is_scored() -> None:
    assert not line_model.never_scored("下载客户端")


def test_rules_alone_when_no_model(tmp_path) -> None:
    raw = "某局党组书记述职报告\n我全年主持召开党组会议十二次，研究党建工作。\n"
    doc = clean_text(raw, settings=Settings(model_dir=str(tmp_path)))
    assert doc.text == raw.strip()
