"""四个讲清楚: find the four parts, check the causes, the concreteness of problems, and whether the
measures answer the problems.

Parts come from headings when the report has them (一、 / （一） / 第一部分 / plain heading lines),
from the sequence of sentence types when it does not. Every figure points at spans of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.analyzers.context import Context, is_heading_line
from pipeline.findings import Finding
from pipeline.lexicons import read_groups

PARTS = ("duty", "progress", "problems", "plans")
PART_NAMES = {
    "duty": "履职情况",
    "progress": "工作推进情况",
    "problems": "存在问题及原因",
    "plans": "下一步打算",
}
# Share of problem sentences without a concrete manifestation above which problems are "vague".
VAGUE_SHARE = 0.6


@dataclass(frozen=True)
class Part:
    present: bool
    start: int | None = None
    end: int | None = None
    confidence: float = 0.0

    def to_json(self) -> dict:
        return {
            "present": self.present,
            "start": self.start,
            "end": self.end,
            "confidence": round(self.confidence, 3),
        }


@dataclass(frozen=True)
class SectionsResult:
    parts: dict[str, Part]
    method: str
    cause_subjective: bool
    cause_objective: bool
    cause_sentences: int
    problem_sentences: int
    vague_sentences: int
    unanswered: int
    findings: tuple[Finding, ...] = field(default=())

    @property
    def missing(self) -> list[str]:
        return [p for p in PARTS if not self.parts[p].present]

    @property
    def no_cause_analysis(self) -> bool:
        return self.problem_sentences > 0 and self.cause_sentences == 0

    @property
    def vague_problems(self) -> bool:
        return self.problem_sentences > 0 and self.vague_sentences / self.problem_sentences >= VAGUE_SHARE

    def to_json(self) -> dict:
        out = {p: self.parts[p].to_json() for p in PARTS}
        out["missing"] = self.missing
        out["cause_analysis"] = {"subjective": self.cause_subjective, "objective": self.cause_objective}
        return out


def _heading_parts(ctx: Context) -> dict[str, Part]:
    return {part: Part(True, start, end, 0.9) for part, (start, end) in ctx.headed_parts.items()}


def _content_parts(ctx: Context, skip: set[str], covered: list[tuple[int, int]]) -> dict[str, Part]:
    """Parts from runs of sentence types, for parts no heading named."""
    groups: dict[str, list[tuple[int, int]]] = {p: [] for p in PARTS}
    for s, st in zip(ctx.sentences, ctx.sentence_types, strict=True):
        if any(a <= s.start < b for a, b in covered):
            continue
        if st.label in ("problem", "cause"):
            groups["problems"].append((s.start, s.end))
        elif st.label == "plan":
            groups["plans"].append((s.start, s.end))
        elif st.label == "achievement":
            groups["duty" if ctx.says_i(s.start, s.end) else "progress"].append((s.start, s.end))
    found: dict[str, Part] = {}
    for part, spans in groups.items():
        if part in skip or len(spans) < 2 or sum(e - s for s, e in spans) < 60:
            continue
        found[part] = Part(True, spans[0][0], spans[-1][1], min(0.8, 0.3 + 0.08 * len(spans)))
    return found


# The secretary's own account can sit inside a headed progress part (一、主要工作和成效 told with 我主持…).
DUTY_INSIDE_MIN = 3


def _duty_inside(ctx: Context, progress: Part) -> Part | None:
    """The duty part as the personal-我 sentences of a headed progress part, when there are enough."""
    mine = [
        s
        for s, st in zip(ctx.sentences, ctx.sentence_types, strict=True)
        if progress.start <= s.start < (progress.end or 0)
        and st.label in ("achievement", "other")
        and ctx.says_i(s.start, s.end)
    ]
    if len(mine) < DUTY_INSIDE_MIN:
        return None
    return Part(True, mine[0].start, mine[-1].end, 0.5)


def analyze(ctx: Context) -> SectionsResult:
    words = read_groups("stopwords.txt", ctx.settings)
    generic = set(words["generic"])
    parts = _heading_parts(ctx)
    method = "headings" if parts else "content"
    covered = [(p.start or 0, p.end or 0) for p in parts.values()]
    if len(parts) < len(PARTS):
        more = _content_parts(ctx, set(parts), covered)
        if parts and more:
            method = "headings+content"
        # A part found only by content inside another part's heading span does not count: the
        # content search skipped covered text, so what it finds lies outside the headed parts.
        parts.update(more)
    if "duty" not in parts and "progress" in parts:
        duty = _duty_inside(ctx, parts["progress"])
        if duty:
            parts["duty"] = duty
    full = {p: parts.get(p, Part(False)) for p in PARTS}

    findings: list[Finding] = []
    for p in PARTS:
        if not full[p].present:
            findings.append(Finding(0, 0, "sections", "missing_part", f"缺少“{PART_NAMES[p]}”部分", "flag"))

    problems_span = full["problems"]
    subjective = objective = False
    causes = problems = vague = 0
    problem_sents = []
    plan_sents = []
    for s, st in zip(ctx.sentences, ctx.sentence_types, strict=True):
        text = ctx.sentence_text(s)
        if is_heading_line(text):
            continue
        in_problems = problems_span.present and problems_span.start <= s.start < (problems_span.end or 0)
        if st.label == "cause":
            causes += 1
            if any(p.search(text) for p in ctx.res.cues["subjective"]):
                subjective = True
            if any(p.search(text) for p in ctx.res.cues["objective"]):
                objective = True
            findings.append(Finding(s.start, s.end, "sections", "cause", "原因剖析", "info"))
        elif st.label == "problem" and (
            in_problems or not problems_span.present or st.probs["problem"] > 0.6
        ):
            problems += 1
            problem_sents.append(s)
            if not any(p.search(text) for p in ctx.res.cues["concrete"]):
                vague += 1
                findings.append(
                    Finding(
                        s.start,
                        s.end,
                        "sections",
                        "vague_problem",
                        "问题没有具体表现（数字、事例、具体单位）",
                        "warn",
                    )
                )
        elif st.label == "plan":
            plan_sents.append(s)

    unanswered = 0
    if plan_sents:
        plan_words = {w for s in plan_sents for w in ctx.tokens_of(s) if _content_word(w, generic)}
        for s in problem_sents:
            own = {w for w in ctx.tokens_of(s) if _content_word(w, generic)}
            if own and not own & plan_words:
                unanswered += 1
                findings.append(
                    Finding(
                        s.start, s.end, "sections", "unanswered_problem", "下一步措施没有回应这个问题", "warn"
                    )
                )
    return SectionsResult(
        parts=full,
        method=method,
        cause_subjective=subjective,
        cause_objective=objective,
        cause_sentences=causes,
        problem_sentences=problems,
        vague_sentences=vague,
        unanswered=unanswered,
        findings=tuple(findings),
    )


def _content_word(word: str, generic: set[str]) -> bool:
    return (
        len(word) >= 2
        and word not in generic
        and re.search(r"[\u4e00-\u9fff]", word) is not None
        and not word.isdigit()
    )
