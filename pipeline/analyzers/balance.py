"""写成绩不超过1/3: how much of the report is achievements, problems and plans.

Shares are characters of the sentences of each type divided by the characters of the clean text.
Achievements written in the secretary's duty part (我主持… 我带头…) are the account the duty part
asks for, not 评功摆好: when the duty part is found by its heading they are not counted. Without a
duty heading, achievement sentences in which the secretary is the actor (personal 我) are that
account instead, up to a third of the text; the rest count.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.analyzers.context import Context
from pipeline.analyzers.sections import SectionsResult
from pipeline.findings import Finding

ONE_THIRD = 1 / 3


@dataclass(frozen=True)
class BalanceResult:
    achievement_share: float
    problem_share: float
    cause_share: float
    plan_share: float
    over_one_third: bool
    findings: tuple[Finding, ...] = field(default=())
    evidence: tuple[Finding, ...] = field(default=())

    def to_json(self) -> dict:
        return {
            "achievement_share": round(self.achievement_share, 4),
            "problem_share": round(self.problem_share, 4),
            "plan_share": round(self.plan_share, 4),
            "over_one_third": self.over_one_third,
            "evidence": [f.to_json() for f in self.evidence],
        }


SENTENCE_TYPE_NAMES = {
    "achievement": "成绩",
    "problem": "问题",
    "cause": "原因",
    "plan": "措施",
    "other": "其他",
}


def analyze(ctx: Context, sections: SectionsResult) -> BalanceResult:
    total = max(len(ctx.text), 1)
    duty = sections.parts["duty"]
    duty_headed = duty.present and sections.method.startswith("headings") and duty.start is not None
    chars = {"achievement": 0, "problem": 0, "cause": 0, "plan": 0}
    duty_account = 0  # characters of personal-我 achievements set aside when no duty heading
    findings: list[Finding] = []
    achievements: list[Finding] = []
    for s, st in zip(ctx.sentences, ctx.sentence_types, strict=True):
        length = s.end - s.start
        in_duty = duty_headed and duty.start <= s.start < (duty.end or 0)
        findings.append(
            Finding(s.start, s.end, "balance", f"sentence_{st.label}", SENTENCE_TYPE_NAMES[st.label], "info")
        )
        if st.label == "achievement":
            if in_duty:
                continue
            if not duty_headed and duty_account + length <= total * ONE_THIRD and ctx.says_i(s.start, s.end):
                duty_account += length
                continue
            chars["achievement"] += length
            achievements.append(Finding(s.start, s.end, "balance", "achievement", "成绩表述", "info"))
        elif st.label in chars:
            chars[st.label] += length
    share = chars["achievement"] / total
    over = share > ONE_THIRD
    evidence: tuple[Finding, ...]
    if over:
        longest = sorted(achievements, key=lambda f: f.start - f.end)[:8]
        evidence = tuple(
            Finding(f.start, f.end, "balance", "achievement", f"成绩占全文{share:.0%}，超过三分之一", "flag")
            for f in sorted(longest)
        )
    else:
        evidence = ()
    return BalanceResult(
        achievement_share=share,
        problem_share=(chars["problem"] + chars["cause"]) / total,
        cause_share=chars["cause"] / total,
        plan_share=chars["plan"] / total,
        over_one_third=over,
        findings=tuple(findings),
        evidence=evidence,
    )
