"""Is it a 述职报告 at all? Speeches, news reports, work summaries and plans get submitted instead.

Cues are data (lexicons/genre.txt): each genre sums the weights of its matches; a few figures that
no single phrase captures are added here (density of personal 我, of imperatives, of reported
speech). The scores become probabilities with a softmax; the label is the most probable genre and
its probability is the confidence.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.analyzers.context import Context
from pipeline.analyzers.first_person import FirstPersonResult
from pipeline.analyzers.sections import SectionsResult
from pipeline.findings import Finding
from pipeline.lexicons import read_table
from pipeline.settings import Settings

GENRES = ("述职报告", "讲话稿", "新闻报道", "工作总结", "实施方案", "其他")
REPORT = "述职报告"
MAX_COUNT = 3
OTHER_PRIOR = 2.0
_IMPERATIVE = re.compile(r"(?:要|必须|务必|一定要|切实|坚决)")
_QUOTE_SAID = re.compile(r"”[^“”]{0,12}(?:说|表示|介绍|指出|强调)")


@dataclass(frozen=True)
class GenreResult:
    label: str
    confidence: float
    scores: dict[str, float]
    findings: tuple[Finding, ...] = field(default=())

    @property
    def not_a_report(self) -> bool:
        return self.label != REPORT

    def to_json(self) -> dict:
        return {"label": self.label, "confidence": round(self.confidence, 3)}


@lru_cache(maxsize=4)
def _cues(lexicon_dir: str, extra: tuple[str, ...]) -> tuple[tuple[str, float, str, re.Pattern[str]], ...]:
    rows = read_table("genre.txt", Settings(lexicon_dir=lexicon_dir, extra_lexicon_dirs=extra), 4)
    out = []
    for genre, weight, where, pattern in rows:
        if genre not in GENRES or where not in ("title", "head", "any"):
            raise ValueError(f"genre.txt: bad row {genre!r} {where!r}")
        out.append((genre, float(weight), where, re.compile(pattern)))
    return tuple(out)


def analyze(ctx: Context, first_person: FirstPersonResult, sections: SectionsResult) -> GenreResult:
    text = ctx.text
    title = text.split("\n", 1)[0]
    head = text[:200]
    scores = dict.fromkeys(GENRES, 0.0)
    findings: list[Finding] = []
    for genre, weight, where, pattern in _cues(ctx.settings.lexicon_dir, ctx.settings.extra_lexicon_dirs):
        if where == "title":
            m = pattern.search(title)
            hits = [m] if m else []
        elif where == "head":
            m = pattern.search(head)
            hits = [m] if m else []
        else:
            hits = list(pattern.finditer(text))[:MAX_COUNT]
        if hits:
            scores[genre] += weight * len(hits)
            m = hits[0]
            findings.append(
                Finding(m.start(), m.end(), "genre", "cue", f"{genre}的特征：“{m.group(0)}”", "info")
            )
    chars = max(len(text), 1)
    per_1000 = 1000 / chars
    # The secretary speaking in the first person is the duty report's voice.
    scores[REPORT] += min(first_person.personal * per_1000, 12) / 3
    # A report has its parts under headings; a speech and a news story do not. (Parts found only by
    # sentence content say little: any text with achievements and plans has them.)
    if sections.method.startswith("headings"):
        scores[REPORT] += (4 - len(sections.missing)) * 0.5
    # A text that shows no genre's marks clearly is "other".
    scores["其他"] += OTHER_PRIOR
    imperatives = len(_IMPERATIVE.findall(text)) * per_1000
    scores["讲话稿"] += min(imperatives, 20) / 5
    scores["实施方案"] += min(imperatives, 20) / 8
    scores["新闻报道"] += min(len(_QUOTE_SAID.findall(text)), 6) * 1.0
    top = max(GENRES, key=lambda g: (scores[g], -GENRES.index(g)))
    exp = {g: math.exp(scores[g] - scores[top]) for g in GENRES}
    confidence = exp[top] / sum(exp.values())
    if top != REPORT:
        findings.append(
            Finding(
                0, min(len(title), len(text)), "genre", "not_a_report", f"看起来是{top}，不是述职报告", "flag"
            )
        )
    return GenreResult(label=top, confidence=confidence, scores=scores, findings=tuple(findings))
