"""Findings → a 0–100 score and the flags a reviewer filters on. Every weight is in one table.

The score starts at 100 and loses the weight of each flag raised (and a little per typo and per
unanswered problem, capped). It ranks reports for reading; the flags say why.
"""

from __future__ import annotations

from dataclasses import dataclass

# flag name → (points deducted, what it means). The names are the contract's.
WEIGHTS: dict[str, tuple[float, str]] = {
    "not_a_report": (40, "not a 述职报告 (a speech, news report, work summary, plan …)"),
    "team_report": (25, "told by the team or the organisation, not by the secretary (班子汇报)"),
    "copied": (25, "passages copied from another unit's report"),
    "achievements_over_third": (15, "achievements take more than one third of the text"),
    "repeats_last_year": (15, "repeats the unit's own earlier report"),
    "laundered_text": (15, "wording laundered through a simplified→traditional→simplified round trip"),
    "missing_sections": (
        10,
        "one or more of the 四个讲清楚 parts is missing (10 per missing part, up to 30)",
    ),
    "no_cause_analysis": (10, "problems without any analysis of their causes"),
    "template_site": (10, "taken from a template (范文) or download site"),
    "vague_problems": (8, "problems stated without concrete manifestations"),
    "unrectified_problems": (
        12,
        "last year's problems left unanswered (repeated or not mentioned), or a known problem dodged",
    ),
}
# flag name → the short Chinese name reviewers, letters and the summary show.
LABELS: dict[str, str] = {
    "not_a_report": "非述职报告",
    "team_report": "班子汇报",
    "copied": "抄袭",
    "achievements_over_third": "成绩超1/3",
    "repeats_last_year": "重复上年",
    "laundered_text": "洗稿痕迹",
    "missing_sections": "缺少部分",
    "no_cause_analysis": "无原因剖析",
    "template_site": "范文网站",
    "vague_problems": "问题空泛",
    "unrectified_problems": "上年问题未整改",
}
PER_TYPO = 1.0
MAX_TYPOS = 5.0
PER_UNANSWERED = 2.0
MAX_UNANSWERED = 6.0
PER_MISSING_PART = 10.0
MAX_MISSING = 30.0
# Flags that only make sense for a duty report.
REPORT_ONLY = {
    "team_report",
    "achievements_over_third",
    "missing_sections",
    "no_cause_analysis",
    "vague_problems",
    "unrectified_problems",
}


@dataclass(frozen=True)
class Scorecard:
    score: float
    flags: tuple[str, ...]
    deductions: dict[str, float]


def score(flags: set[str], missing_parts: int = 0, typos: int = 0, unanswered: int = 0) -> Scorecard:
    """The score for a set of raised flags and counts; unknown flag names are an error."""
    unknown = flags - set(WEIGHTS)
    if unknown:
        raise ValueError(f"unknown flags {sorted(unknown)}; known: {sorted(WEIGHTS)}")
    if "not_a_report" in flags:
        flags = flags - REPORT_ONLY
    deductions: dict[str, float] = {}
    for flag in flags:
        points = WEIGHTS[flag][0]
        if flag == "missing_sections":
            points = min(PER_MISSING_PART * max(missing_parts, 1), MAX_MISSING)
        deductions[flag] = points
    if typos:
        deductions["typos"] = min(PER_TYPO * typos, MAX_TYPOS)
    if unanswered:
        deductions["unanswered_problems"] = min(PER_UNANSWERED * unanswered, MAX_UNANSWERED)
    total = max(0.0, 100.0 - sum(deductions.values()))
    return Scorecard(score=round(total, 1), flags=tuple(sorted(flags)), deductions=deductions)
