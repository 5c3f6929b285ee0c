from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.analyzers import sections
from pipeline.analyzers.context import Context
from pipeline.ingest import clean_text, load

BODY = {
    "duty": "我主持召开党组会议研究党建工作12次，带头讲党课3次，到联系点调研8次。",
    "progress": "全年新发展党员15名，8个支部全部达到标准化要求，党员活动室覆盖率达到100%。",
    "problems": "有2个支部全年谈心谈话不足4次，组织生活流于形式。究其原因，主观上是我抓得不够紧，客观上党务干部多为兼职。",
    "plans": "下一步，我将每季度检查一次谈心谈话台账，年内为党务干部开展专题培训2期。",
}


def _report(headings: list[str]) -> str:
    parts = ["XX局党组书记2024年度抓基层党建工作述职报告"]
    for heading, key in zip(headings, ("duty", "progress", "problems", "plans"), strict=True):
        parts += [heading, BODY[key]]
    return "\n".join(parts)


@pytest.mark.parametrize(
    "headings",
    [
        pytest.param(
            ["一、履行职责情况", "二、工作推进情况", "三、存在的问题及原因", "四、下一步打算"], id="yi-er"
        ),
        pytest.param(
            ["第一部分 履职尽责情况", "第二部分 主要成效", "第三部分 问题和不足", "第四部分 今后的努力方向"],
            id="diyi-bufen",
        ),
        pytest.param(
            [
                "（一）履行第一责任人职责情况",
                "（二）党建工作推进情况",
                "（三）存在的差距",
                "（四）下一步工作思路",
            ],
            id="paren",
        ),
        pytest.param(
            ["抓党建责任落实情况", "重点任务完成情况", "存在的突出问题", "下步工作打算"], id="plain-lines"
        ),
    ],
)
def test_parts_from_headings(headings: list[str]) -> None:
    text = _report(headings)
    result = sections.analyze(Context(clean_text(text)))
    assert result.missing == []
    assert result.method == "headings"
    clean = clean_text(text).text
    for key in ("duty", "progress", "problems", "plans"):
        part = result.parts[key]
        assert BODY[key] in clean[part.start : part.end]
    assert result.cause_subjective and result.cause_objective


def test_missing_plans_part() -> None:
    text = "\n".join(
        _report(["一、履行职责情况", "二、工作推进情况", "三、存在的问题", "四、下一步打算"]).split("\n")[:-2]
    )
    result = sections.analyze(Context(clean_text(text)))
    assert result.missing == ["plans"]


def test_no_headings_found_by_content(samples: Path) -> None:
    result = sections.analyze(Context(load(samples / "2024_village_branch_no_headings.txt")))
    assert result.method == "content"
    assert {"problems", "plans"} <= {p for p in sections.PARTS if result.parts[p].present}


def test_problems_without_causes(samples: Path) -> None:
    result = sections.analyze(Context(load(samples / "2024_county_hospital_achievement_heavy.txt")))
    assert result.no_cause_analysis


def test_vague_problems_flagged() -> None:
    text = _report(["一、履行职责情况", "二、工作推进情况", "三、存在的问题", "四、下一步打算"]).replace(
        BODY["problems"],
        "思想认识还不够高。工作标准还不够严。抓落实的力度还有差距。究其原因，主观上是我学习不够。",
    )
    result = sections.analyze(Context(clean_text(text)))
    assert result.vague_problems
    assert any(f.kind == "vague_problem" for f in result.findings)


def test_unanswered_problem_reported() -> None:
    text = _report(["一、履行职责情况", "二、工作推进情况", "三、存在的问题", "四、下一步打算"]).replace(
        BODY["plans"], "下一步，我将坚持高标准严要求，推动各项工作再上新台阶。"
    )
    result = sections.analyze(Context(clean_text(text)))
    assert result.unanswered >= 1
