"""Highlighting: the clean text as HTML with every layer of evidence, offsets of one stored text.

Escapes the text first, so markup inside a report is shown as text; layers may overlap (nested spans).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pipeline import display

if TYPE_CHECKING:
    from pipeline.record import ReportResult

PART_NAMES = display.names("part")

# Highlight layers: finding kind → (css class, legend label).
LAYERS = {
    ("first_person", "personal"): ("wo-personal", "本人“我”"),
    ("first_person", "collective"): ("wo-collective", "集体口吻"),
    ("first_person", "institutional"): ("wo-inst", "单位称谓“我X”"),
    ("balance", "sentence_achievement"): ("st-achievement", "成绩"),
    ("balance", "sentence_problem"): ("st-problem", "问题"),
    ("balance", "sentence_cause"): ("st-cause", "原因"),
    ("balance", "sentence_plan"): ("st-plan", "措施"),
    ("typos", "typo"): ("typo", "错别字"),
    ("typos", "laundered"): ("typo", "洗稿替换词"),
    ("typos", "formulation"): ("typo", "提法不规范"),
    ("sections", "vague_problem"): ("vague", "问题空泛"),
    ("sections", "unanswered_problem"): ("unanswered", "措施未回应"),
}


@dataclass(frozen=True)
class Layer:
    start: int
    end: int
    css: str
    title: str = ""


def report_layers(result: ReportResult, linked_pairs: Iterable[dict[str, Any]] = ()) -> list[Layer]:
    """Highlight layers for a report: voices, sentence types, typos, weak problems, copied passages."""
    layers = []
    for f in result.findings:
        spec = LAYERS.get((f.analyzer, f.kind))
        if spec and f.end > f.start:
            layers.append(Layer(f.start, f.end, spec[0], f.message))
    for p in linked_pairs:
        label = {"copy": "与他人相同", "repeats_last_year": "与往年相同", "template_site": "与范文相同"}.get(
            p["kind"], "相同"
        )
        for s, e in p["spans"]:
            layers.append(Layer(s, e, "copied", f"{label}：{p['other']}"))
    return layers


def part_markers(result: ReportResult) -> list[tuple[int, str]]:
    """Where each of the four parts starts, with its name."""
    marks = []
    for key, name in PART_NAMES.items():
        part = result.sections.get(key, {})
        if part.get("present") and part.get("start") is not None:
            marks.append((int(part["start"]), name))
    return sorted(marks)


def highlight(text: str, layers: Sequence[Layer], markers: Sequence[tuple[int, str]] = ()) -> str:
    """The text as HTML: every character escaped, overlapping layers as nested classes.

    The report text is never trusted: it is cut at layer boundaries and each piece goes through
    ``html.escape``; only our own class names and escaped titles are added.
    """
    n = len(text)
    bounds = {0, n}
    for layer in layers:
        bounds.add(max(0, min(layer.start, n)))
        bounds.add(max(0, min(layer.end, n)))
    mark_at: dict[int, list[str]] = {}
    for offset, label in markers:
        offset = max(0, min(offset, n))
        bounds.add(offset)
        mark_at.setdefault(offset, []).append(label)
    points = sorted(bounds)
    out: list[str] = []
    for a, b in zip(points, points[1:], strict=False):
        for label in mark_at.pop(a, []):
            out.append(f'<span class="part-mark">【{html.escape(label)}】</span>')
        if a == b:
            continue
        active = [
            layer for layer in layers if layer.start <= a and layer.end >= b and layer.end > layer.start
        ]
        piece = html.escape(text[a:b]).replace("\n", "<br>")
        if active:
            classes = " ".join(sorted({layer.css for layer in active}))
            titles = "；".join(dict.fromkeys(layer.title for layer in active if layer.title))
            out.append(f'<span class="{classes}" title="{html.escape(titles, quote=True)}">{piece}</span>')
        else:
            out.append(piece)
    for labels in mark_at.values():
        out.extend(f'<span class="part-mark">【{html.escape(label)}】</span>' for label in labels)
    return "".join(out)


CSS = """
<style>
.report-text{line-height:1.9;font-size:16px;font-family:"Noto Sans CJK SC","Noto Serif CJK SC",sans-serif}
.wo-personal{border-bottom:3px solid #2e7d32}
.wo-collective{border-bottom:3px solid #ef6c00}
.wo-inst{border-bottom:3px dotted #757575}
.st-achievement{background:#e3f2fd}
.st-problem{background:#fff3e0}
.st-cause{background:#fce4ec}
.st-plan{background:#e8f5e9}
.typo{text-decoration:red wavy underline;color:#b71c1c}
.vague{outline:1px dashed #e65100}
.unanswered{outline:1px dashed #6a1b9a}
.copied{box-shadow:inset 0 -0.6em 0 #ffe082}
.part-mark{color:#fff;background:#37474f;border-radius:3px;padding:0 4px;margin-right:4px;font-size:13px}
.legend span{margin-right:12px;padding:0 4px}
</style>
"""


def legend_html() -> str:
    seen: dict[str, str] = {}
    for css, label in LAYERS.values():
        seen.setdefault(css, label)
    seen["copied"] = "与他人/往年/范文相同"
    items = "".join(f'<span class="{css}">{html.escape(label)}</span>' for css, label in seen.items())
    return f'<div class="legend">{items}<span class="part-mark">【部分】</span></div>'
