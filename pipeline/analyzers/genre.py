"""Is it a 述职报告 at all? Speeches, news reports, work summaries and plans get submitted instead.

Cues are data (lexicons/genre.txt): each genre sums the weights of its matches; a few figures that
no single phrase captures are added here (density of personal 我, of imperatives, of reported
speech). The scores become probabilities with a softmax, pooled (log-linear) with the trained
genre model's (pipeline/genre_model.py) when models/genre.joblib is there; the label is the most
probable genre and its probability is the confidence.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline import genre_model
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
# Pages put a site's chrome before the title, so a title is any short line among the first five.
TITLE_MAX = 50
HEAD_CHARS = 400
# Weight of the trained model (models/genre.joblib, `shuzhi train-genre`) against the cue lexicon in
# the log-linear pool; chosen on the tune half of the real development set (see the model card).
MODEL_WEIGHT = 0.7
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
    title_lines = [ln.strip() for ln in text.split("\n") if ln.strip()][:5]
    titles = [ln for ln in title_lines if len(ln) <= TITLE_MAX] or title_lines[:1]
    title = titles[0] if titles else ""
    head = text[:HEAD_CHARS]
    scores = dict.fromkeys(GENRES, 0.0)
    findings: list[Finding] = []
    for genre, weight, where, pattern in _cues(ctx.settings.lexicon_dir, ctx.settings.extra_lexicon_dirs):
        offset = 0
        if where == "title":
            found = next(((line, m) for line in titles if (m := pattern.search(line))), None)
            hits = [found[1]] if found else []
            offset = max(text.find(found[0]), 0) if found else 0
        elif where == "head":
            m = pattern.search(head)
            hits = [m] if m else []
        else:
            hits = list(pattern.finditer(text))[:MAX_COUNT]
        if hits:
            scores[genre] += weight * len(hits)
            m = hits[0]
            findings.append(
                Finding(
                    offset + m.start(),
                    offset + m.end(),
                    "genre",
                    "cue",
                    f"{genre}的特征：“{m.group(0)}”",
                    "info",
                )
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
    cue_top = max(scores.values())
    cue_exp = {g: math.exp(scores[g] - cue_top) for g in GENRES}
    cue_p = {g: cue_exp[g] / sum(cue_exp.values()) for g in GENRES}
    model_p = genre_model.probabilities(text, ctx.settings.model_dir)
    if model_p is None:
        combined = cue_p
    else:
        # Log-linear pool: the cue lexicon is precise where its phrases occur, the model reads the
        # stance and vocabulary of untitled, cut and unusual texts.
        logs = {
            g: (1 - MODEL_WEIGHT) * math.log(cue_p[g] + 1e-9)
            + MODEL_WEIGHT * math.log(model_p.get(g, 0) + 1e-9)
            for g in GENRES
        }
        peak = max(logs.values())
        pooled = {g: math.exp(v - peak) for g, v in logs.items()}
        combined = {g: v / sum(pooled.values()) for g, v in pooled.items()}
    top = max(GENRES, key=lambda g: (combined[g], -GENRES.index(g)))
    confidence = combined[top]
    if top != REPORT:
        findings.append(
            Finding(
                0, min(len(title), len(text)), "genre", "not_a_report", f"看起来是{top}，不是述职报告", "flag"
            )
        )
    return GenreResult(label=top, confidence=confidence, scores=scores, findings=tuple(findings))
