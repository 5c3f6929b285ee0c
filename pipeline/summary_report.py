"""审阅情况专题报告: the round's summary as .docx, with charts drawn by matplotlib.

Counts by level and flag, the score distribution, the reports returned (退回修改) with their main
reasons, copy rings, units that repeat last year's problems, and the 测评 ranking when votes are in.
Every figure is read from the store, so the summary says what the dashboard shows.
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path
from typing import Any

from pipeline import letters, scoring
from pipeline.store import DECISIONS, Store

MAIN_REASONS = 3
UNKNOWN_LEVEL = "未分类"


def _cjk_font() -> Any:
    """A font with Chinese glyphs installed on this machine, or None (labels then fall back)."""
    from matplotlib import font_manager

    keys = ("CJK", "Hei", "Song", "WenQuanYi", "Droid Sans Fallback")
    for f in font_manager.fontManager.ttflist:
        if any(key in f.name for key in keys):
            return font_manager.FontProperties(fname=f.fname)
    # matplotlib's font cache predates fonts installed later (e.g. by `make sysdeps`): look on disk.
    for fname in font_manager.findSystemFonts():
        if any(key.replace(" ", "") in Path(fname).name for key in keys):
            return font_manager.FontProperties(fname=fname)
    return None


def _bar_png(labels: list[str], values: list[int], title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = _cjk_font()
    fig, ax = plt.subplots(figsize=(6.4, 0.45 * max(len(labels), 3) + 1.2), dpi=110)
    ax.barh(range(len(labels)), values, color="#b22222")
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontproperties=font)
    ax.invert_yaxis()
    ax.set_title(title, fontproperties=font)
    for i, v in enumerate(values):
        ax.text(v, i, f" {v}", va="center")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def _hist_png(scores: list[float], title: str) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = _cjk_font()
    fig, ax = plt.subplots(figsize=(6.4, 3.2), dpi=110)
    ax.hist(scores, bins=list(range(0, 101, 10)), color="#b22222", edgecolor="white")
    ax.set_xlabel("得分", fontproperties=font)
    ax.set_ylabel("报告数", fontproperties=font)
    ax.set_title(title, fontproperties=font)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def figures(store: Store) -> dict[str, Any]:
    """Every number the summary reports (tests and the dashboard can check them without a .docx)."""
    from pipeline import rectification

    rows = store.summary_rows()
    reviews = store.latest_reviews()
    data = store.export_data()
    flags = Counter(f for r in rows for f in r["flags"])
    levels = Counter(r["level"] or UNKNOWN_LEVEL for r in rows)
    decisions = Counter((reviews.get(r["path"]) or {}).get("decision") or "未审阅" for r in rows)
    returned = [r for r in rows if (reviews.get(r["path"]) or {}).get("decision") == "退回修改"]
    repeating: dict[str, list[str]] = {}
    for r in rows:
        items = [
            x["item"]
            for x in store.rectification_rows(r["path"])
            if x["source"] == rectification.LAST_YEAR and x["status"] == "repeated"
        ]
        if items:
            repeating[r["path"]] = items
    unit_of = {r["path"]: r["unit"] or r["path"] for r in rows}
    votes = sorted(store.vote_rows(), key=lambda v: (-v["score"], v["unit"], v["year"]))
    return {
        "reports": len(rows),
        "errors": len(data["errors"]),
        "levels": dict(sorted(levels.items())),
        "flags": dict(sorted(flags.items())),
        "decisions": {d: decisions.get(d, 0) for d in (*DECISIONS, "未审阅")},
        "scores": [r["score"] for r in rows],
        "returned": [r["path"] for r in returned],
        "rings": [[unit_of.get(p, p) for p in ring] for ring in data["clusters"]],
        "repeating": repeating,
        "unit_of": unit_of,
        "votes": votes,
    }


def summary_docx(store: Store) -> bytes:
    """The round's summary as .docx bytes."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Inches

    fig = figures(store)
    doc = Document()
    letters._set_font(doc)
    doc.core_properties.title = "审阅情况专题报告"
    years = sorted({r["year"] for r in store.summary_rows() if r["year"]})
    span = f"{years[0]}—{years[-1]}年度" if len(years) > 1 else (f"{years[0]}年度" if years else "")
    head = doc.add_heading(f"关于{span}抓基层党建工作述职报告审阅情况的专题报告", level=1)
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading("一、基本情况", level=2)
    d = fig["decisions"]
    doc.add_paragraph(
        f"本轮共审阅述职报告{fig['reports']}份（另有{fig['errors']}份文件无法读取）。"
        f"审阅结论：通过{d['通过']}份，退回修改{d['退回修改']}份，约谈提醒{d['约谈提醒']}份，尚未审阅{d['未审阅']}份。"
    )
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "层级", "报告数"
    for level, n in fig["levels"].items():
        cells = table.add_row().cells
        cells[0].text, cells[1].text = level, str(n)

    doc.add_heading("二、发现的主要问题", level=2)
    if fig["flags"]:
        ordered = sorted(fig["flags"].items(), key=lambda kv: (-kv[1], kv[0]))
        table = doc.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("问题标记", "报告数", "占比"), strict=True):
            cell.text = text
        for flag, n in ordered:
            cells = table.add_row().cells
            cells[0].text = scoring.LABELS.get(flag, flag)
            cells[1].text = str(n)
            cells[2].text = f"{n / max(fig['reports'], 1):.0%}"
        png = _bar_png(
            [scoring.LABELS.get(f, f) for f, _ in ordered], [n for _, n in ordered], "各类问题标记的报告数"
        )
        doc.add_picture(io.BytesIO(png), width=Inches(6))
    else:
        doc.add_paragraph("未发现需要标记的问题。")

    doc.add_heading("三、得分分布", level=2)
    scores = sorted(fig["scores"])
    if scores:
        mid = (
            scores[len(scores) // 2]
            if len(scores) % 2
            else (scores[len(scores) // 2 - 1] + scores[len(scores) // 2]) / 2
        )
        doc.add_paragraph(
            f"平均得分{sum(scores) / len(scores):.1f}分，中位数{mid:.1f}分，最低{scores[0]:.1f}分，最高{scores[-1]:.1f}分。"
        )
        doc.add_picture(io.BytesIO(_hist_png(scores, "述职报告得分分布")), width=Inches(6))

    doc.add_heading("四、退回修改的报告", level=2)
    if fig["returned"]:
        for path in fig["returned"]:
            reasons = letters.draft_points(store, path)[:MAIN_REASONS]
            doc.add_paragraph(
                f"{fig['unit_of'][path]}：" + ("；".join(reasons) or "见审阅意见"), style="List Number"
            )
    else:
        doc.add_paragraph("本轮没有退回修改的报告。")

    doc.add_heading("五、相互抄袭的报告", level=2)
    if fig["rings"]:
        for n, ring in enumerate(fig["rings"], 1):
            doc.add_paragraph(f"第{n}组（{len(ring)}份）：" + "、".join(ring))
    else:
        doc.add_paragraph("未发现相互抄袭的报告。")

    doc.add_heading("六、重复上年度问题的单位", level=2)
    if fig["repeating"]:
        for path, items in fig["repeating"].items():
            shown = "；".join(letters.quote(i, 0, len(i), 30) for i in items[:MAIN_REASONS])
            doc.add_paragraph(f"{fig['unit_of'][path]}（{len(items)}个问题）：{shown}")
    else:
        doc.add_paragraph("未发现重复上年度问题的单位。")

    if fig["votes"]:
        doc.add_heading("七、测评排名", level=2)
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("名次", "单位", "年度", "测评得分"), strict=True):
            cell.text = text
        for n, v in enumerate(fig["votes"], 1):
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text, cells[3].text = (
                str(n),
                v["unit"],
                str(v["year"]),
                f"{v['score']:.2f}",
            )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


__all__ = ["figures", "summary_docx"]
