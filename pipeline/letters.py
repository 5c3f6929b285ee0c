"""审阅意见: one review letter per report, drafted from its findings, written as .docx.

Every numbered point is built from one stored finding, flag, copy pair or rectification result and
quotes the passage it is about, so a unit knows what to change and a reviewer can trace each point back.
The reviewer may replace the points (stored with their decision) and add a remark.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.analyzers.sections import PART_NAMES, PARTS
from pipeline.record import ReportResult
from pipeline.store import Store

QUOTE_CHARS = 40
MAX_QUOTES = 2
NUMERALS = "一二三四五六七八九十"
GENRE_NAMES = {"讲话稿", "新闻报道", "工作总结", "实施方案", "其他"}


@dataclass(frozen=True)
class Point:
    """One numbered point of a letter and what it comes from (a finding kind, flag or result)."""

    text: str
    source: str  # e.g. "flag:team_report", "finding:vague_problem", "pair:copy", "rectification:repeated"
    start: int | None = None
    end: int | None = None


def quote(text: str, start: int | None, end: int | None, limit: int = QUOTE_CHARS) -> str:
    """The passage [start, end) on one line, cut to ``limit`` characters."""
    if start is None or end is None or end <= start:
        return ""
    lines = [line for line in text[start:end].split("\n") if line.strip()]
    if len(lines) > 1 and len(lines[0]) < 30 and not re.search(r"[。；;]", lines[0]):
        lines = lines[1:]  # a heading the passage starts with says nothing about the point
    passage = re.sub(r"\s+", "", "".join(lines))
    return passage if len(passage) <= limit else passage[:limit] + "…"


def _part_of(result: ReportResult, pos: int) -> str:
    """第N部分（name） of the part that holds offset ``pos``, in the order the report has them."""
    present = sorted(
        (sec["start"], p)
        for p in PARTS
        if (sec := result.sections[p])["present"] and sec["start"] is not None
    )
    for n, (start, part) in enumerate(present):
        end = result.sections[part]["end"] or 0
        if start <= pos < end:
            return f"第{NUMERALS[n] if n < 10 else n + 1}部分（{PART_NAMES[part]}）"
    return "文中"


def draft(store: Store, path: str) -> list[Point]:
    """The points drafted from a stored report's findings, in the order a reviewer reads them."""
    row = store.report(path)
    if row is None:
        raise ValueError(f"no report {path!r} in the database")
    text = row["clean_text"]
    result = ReportResult.from_json(json.loads(row["result"]))
    flags = set(result.flags)
    found = store.finding_rows(path)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for f in found:
        by_kind.setdefault(f["kind"], []).append(f)
    points: list[Point] = []

    def first(kind: str) -> dict[str, Any] | None:
        rows = [f for f in by_kind.get(kind, []) if f["end"] > f["start"]]
        return rows[0] if rows else None

    def q(f: dict[str, Any] | None) -> str:
        return f"（如“{quote(text, f['start'], f['end'])}”）" if f else ""

    if "not_a_report" in flags:
        label = result.genre["label"]
        kind = label if label in GENRE_NAMES else "其他文稿"
        f = first("cue")
        points.append(
            Point(
                f"文稿看起来是{kind}，不是抓基层党建工作述职报告{q(f)}，请按述职报告“四个讲清楚”的要求重新撰写。",
                "flag:not_a_report",
                f and f["start"],
                f and f["end"],
            )
        )
    if "team_report" in flags:
        fp = result.first_person
        f = first("collective") or first("team_voice")
        where = "全文" if fp["personal"] == 0 else "履职部分"
        points.append(
            Point(
                f"{where}未见书记本人“我”的履职情况，多以“我们”、党委、班子等集体口吻讲述{q(f)}，"
                "请以第一人称补充本人研究、部署、推动、督导党建工作的具体情况，把自己摆进去。",
                "flag:team_report",
                f and f["start"],
                f and f["end"],
            )
        )
    if "achievements_over_third" in flags:
        share = round(result.balance["achievement_share"] * 100)
        f = first("sentence_achievement")
        points.append(
            Point(
                f"成绩部分约占全文{share}%，超过三分之一{q(f)}，请压缩成绩表述，把篇幅用在查摆问题、剖析原因和整改措施上。",
                "flag:achievements_over_third",
                f and f["start"],
                f and f["end"],
            )
        )
    for part in result.sections["missing"]:
        points.append(Point(f"缺少“{PART_NAMES[part]}”部分，请按“四个讲清楚”补充。", "finding:missing_part"))
    cause = result.sections["cause_analysis"]
    problems = result.sections["problems"]["present"]
    if "no_cause_analysis" in flags or (problems and not cause["subjective"]):
        f = first("sentence_problem") or first("vague_problem")
        what = "所列问题未剖析原因" if "no_cause_analysis" in flags else "问题未从主观方面剖析原因"
        points.append(
            Point(
                f"{what}{q(f)}，请从思想认识、能力本领、工作作风等主观方面深挖根源，不能只讲客观原因。",
                "flag:no_cause_analysis" if "no_cause_analysis" in flags else "finding:cause",
                f and f["start"],
                f and f["end"],
            )
        )
    if "vague_problems" in flags:
        for f in [f for f in by_kind.get("vague_problem", []) if f["end"] > f["start"]][:MAX_QUOTES]:
            points.append(
                Point(
                    f"问题“{quote(text, f['start'], f['end'])}”没有写出具体表现，请补充事例、数据或涉及的具体单位。",
                    "finding:vague_problem",
                    f["start"],
                    f["end"],
                )
            )
    if "template_site" in flags:
        f = first("template_site") or (by_kind.get("template_site") or [None])[0]
        hint = f["message"].split("：", 1)[-1] if f else "范文网站"
        points.append(
            Point(
                f"文稿带有范文/下载网站的痕迹（{hint}），请结合本单位实际撰写，不得套用范文。",
                "flag:template_site",
            )
        )
    if "laundered_text" in flags:
        shown = [t for t in result.typos if t.kind != "typo"][:MAX_QUOTES]
        words = "、".join(f"“{t.text}”应为“{t.suggestion}”" for t in shown)
        points.append(
            Point(
                f"文中有繁简转换替换词的痕迹（{words}），请核对文稿来源并改正。",
                "flag:laundered_text",
                shown[0].start if shown else None,
                shown[0].end if shown else None,
            )
        )
    points += _pair_points(store, path, text, result, flags)
    typos = [t for t in result.typos if t.kind == "typo"]
    if typos:
        words = "、".join(f"“{t.text}”应为“{t.suggestion}”" for t in typos[:5])
        points.append(Point(f"错别字：{words}，请改正。", "finding:typo", typos[0].start, typos[0].end))
    points += _rectification_points(store, path, text)
    if not any(p.source == "flag:no_cause_analysis" for p in points):
        for f in [f for f in by_kind.get("unanswered_problem", []) if f["end"] > f["start"]][:MAX_QUOTES]:
            points.append(
                Point(
                    f"问题“{quote(text, f['start'], f['end'])}”在下一步打算中没有对应的措施，请逐条回应。",
                    "finding:unanswered_problem",
                    f["start"],
                    f["end"],
                )
            )
    return points


PAIR_FLAG = {"copy": "copied", "repeats_last_year": "repeats_last_year", "template_site": "template_site"}


def _pair_points(store: Store, path: str, text: str, result: ReportResult, flags: set[str]) -> list[Point]:
    """One point per pair that raised this report's flag (a repeat is the later year's)."""
    out: list[Point] = []
    for p in store.pair_rows():
        if path not in (p["a"], p["b"]) or PAIR_FLAG.get(p["kind"]) not in flags:
            continue
        if p["kind"] == "repeats_last_year":
            years = store.report_years()
            other = p["b"] if p["a"] == path else p["a"]
            if (years.get(path) or 0) < (years.get(other) or 0):
                continue
        side = "a" if p["a"] == path else "b"
        spans = [(q[f"{side}_start"], q[f"{side}_end"]) for q in p["passages"]]
        if not spans:
            continue
        chars = sum(e - s for s, e in spans)
        where = _part_of(result, spans[0][0])
        shared = "、".join(f"'{t}'" for t in p["shared_typos"])
        typo_note = f"，含同一错别字{shared}" if shared else ""
        sample = quote(text, *spans[0])
        if p["kind"] == "repeats_last_year":
            msg = (
                f"{where}与本单位往年述职报告有{len(spans)}段共{chars}字相同（如“{sample}”），"
                "请结合本年度实际重新撰写，不得沿用往年材料。"
            )
        elif p["kind"] == "template_site":
            msg = f"{where}与范文有{len(spans)}段共{chars}字相同（如“{sample}”），请结合本单位实际重写。"
        else:
            msg = (
                f"{where}与某单位报告有{len(spans)}段共{chars}字相同{typo_note}（如“{sample}”），"
                "请据实重写，说明材料来源。"
            )
        out.append(Point(msg, f"pair:{p['kind']}", spans[0][0], spans[0][1]))
    return out


def _rectification_points(store: Store, path: str, text: str) -> list[Point]:
    from pipeline import rectification

    rows = store.rectification_rows(path)
    out: list[Point] = []
    last_year = [r for r in rows if r["source"] == rectification.LAST_YEAR]
    if last_year and rectification.has_part(store, path) is False:
        out.append(
            Point(
                "全文未见上年度问题整改情况，请逐项说明上年度查摆问题的整改措施和成效。",
                "rectification:no_part",
            )
        )
    for r in rows:
        head = rectification.headline(r["item"])
        item = quote(head, 0, len(head), 30)
        item = re.sub(r"^[（(][一二三四五六七八九十\d]+[)）]|^[一二三四五六七八九十]是|^\d+[.、．]", "", item)
        if r["source"] == rectification.LAST_YEAR:
            if r["status"] == "repeated":
                out.append(
                    Point(
                        f"上年度查摆的“{item}”问题本年度再次出现（“{quote(text, r['start'], r['end'])}”），"
                        "未见整改成效，请说明整改措施、进展和未完成的原因。",
                        "rectification:repeated",
                        r["start"],
                        r["end"],
                    )
                )
            elif r["status"] == "not_mentioned":
                out.append(
                    Point(
                        f"上年度查摆的“{item}”问题未见整改情况，请补充说明。",
                        "rectification:not_mentioned",
                    )
                )
        elif r["status"] == "not_mentioned":
            out.append(
                Point(
                    f"{r['source']}指出的“{item}”问题，报告中未作回应，请补充整改落实情况。",
                    "rectification:not_mentioned",
                )
            )
    return out


def draft_points(store: Store, path: str) -> list[str]:
    """The numbered points drafted from the findings, in plain Chinese, each quoting its passage."""
    return [p.text for p in draft(store, path)]


def _set_font(doc: Any) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def letter_docx(
    store: Store,
    path: str,
    points: list[str] | None = None,
    remark: str = "",
    decision: str | None = None,
    reviewer: str | None = None,
) -> bytes:
    """The review letter of one report as .docx bytes.

    ``points`` None: the reviewer's stored points if any, else the drafted ones; ``decision`` and
    ``reviewer`` None: the latest stored review's.
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    row = store.report(path)
    if row is None:
        raise ValueError(f"no report {path!r} in the database")
    review = store.latest_reviews().get(path) or {}
    if points is None:
        points = review.get("points") or draft_points(store, path)
    decision = decision if decision is not None else review.get("decision")
    reviewer = reviewer if reviewer is not None else review.get("reviewer")
    unit = row["unit"] or Path(path).stem
    year = f"{row['year']}年度" if row["year"] else ""

    doc = Document()
    _set_font(doc)
    doc.core_properties.title = f"{unit}{year}述职报告审阅意见"
    title = doc.add_heading(f"关于{unit}{year}抓基层党建工作述职报告的审阅意见", level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(f"单位：{unit}")
    doc.add_paragraph(f"年度：{row['year'] or '未注明'}")
    doc.add_paragraph(f"报告文件：{path}")
    doc.add_paragraph(f"审阅结论：{decision or '待审定'}")
    doc.add_heading("审阅意见", level=2)
    if points:
        for n, point in enumerate(points, 1):
            doc.add_paragraph(f"{n}. {point}")
    else:
        doc.add_paragraph("未发现需要修改的问题。")
    if remark.strip():
        doc.add_heading("审阅组备注", level=2)
        doc.add_paragraph(remark.strip())
    doc.add_paragraph("")
    sign = doc.add_paragraph(f"审阅人：{reviewer or '（未签名）'}")
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    decided = (review.get("decided_at") or "")[:10]
    if decided:
        date = doc.add_paragraph(f"日期：{decided}")
        date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def letter_name(store: Store, path: str, n: int) -> str:
    """A file name for a letter: number, unit, year (characters a file system refuses are dropped)."""
    row = store.report(path) or {}
    stem = row.get("unit") or Path(path).stem
    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", stem)[:60]
    year = f"_{row['year']}" if row.get("year") else ""
    return f"{n:03d}_{stem}{year}_审阅意见.docx"


def selected_paths(store: Store, decision: str | None = None) -> list[str]:
    """Every report (sorted), or those whose latest decision is ``decision``."""
    paths = sorted(store.stored_reports())
    if decision is None:
        return paths
    reviews = store.latest_reviews()
    return [p for p in paths if (reviews.get(p) or {}).get("decision") == decision]


def letters_zip(store: Store, decision: str | None = None) -> bytes:
    """One .docx per report (filtered by the latest decision) in a zip, names numbered in path order."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, path in enumerate(selected_paths(store, decision), 1):
            info = zipfile.ZipInfo(letter_name(store, path, n), date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, letter_docx(store, path))
    return buf.getvalue()


def write_letters(store: Store, out: Path, decision: str | None = None) -> list[Path]:
    """``shuzhi letters``: every selected report's letter written into ``out`` (created)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for n, path in enumerate(selected_paths(store, decision), 1):
        target = out / letter_name(store, path, n)
        target.write_bytes(letter_docx(store, path))
        written.append(target)
    return written


__all__ = ["Point", "draft", "draft_points", "letter_docx", "letters_zip", "write_letters"]
