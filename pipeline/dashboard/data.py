"""Data shaping for the dashboard: plain functions of the store, testable without a browser.

The Streamlit pages (pipeline/dashboard/pages/*.py, one module each, sharing widgets.py and
highlight.py) only lay these results out. Every number a page shows is computed here from what the
batch stored, and every highlight points at offsets of the stored clean text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipeline import display
from pipeline.dashboard.highlight import Layer, highlight
from pipeline.record import ReportResult
from pipeline.store import Store

UNREVIEWED = "未审阅"
# Display names come from lexicons/display_names.txt (one table for the dashboard and the CLI).
FLAG_NAMES = display.names("flag")
PART_NAMES = display.names("part")
FIGURES = {
    "score": "综合得分：100分起，每个问题标记按 scoring.py 的权重扣分",
    "personal": "“我”作书记本人讲的次数（不含我们、自我、我县/我局等单位称谓）",
    "collective": "集体口吻的次数：“我们”，以及党委/党组/班子作句子主语",
    "institutional": "“我市、我县、我局”等指单位的说法",
    "personal_share": "含本人“我”的句子占全文字数的比例",
    "achievement_share": "成绩类句子占全文字数的比例（履职部分的本人履职不计），超过1/3即标记",
    "problem_share": "问题与原因类句子占全文字数的比例",
    "plan_share": "下一步措施类句子占全文字数的比例",
    "max_copy_ratio": "与其他报告相同内容占本报告的最高比例",
}
FIGURE_LABELS = {
    "score": "得分",
    "personal": "本人“我”",
    "collective": "集体口吻",
    "institutional": "单位称谓",
    "personal_share": "本人“我”句子占比",
    "achievement_share": "成绩占比",
    "problem_share": "问题占比",
    "plan_share": "措施占比",
    "max_copy_ratio": "最高相同比例",
}


def data_version(store: Store) -> tuple[int, int, int, int]:
    """Changes whenever a batch, a decision or a vote import writes: the key of every cached query."""
    return store.data_version()


def overview(store: Store) -> pd.DataFrame:
    """One row per report with every figure the overview table shows."""
    latest = store.latest_reviews()
    out = []
    for r in store.overview_rows():
        flags, missing = r["flags"], r["missing"]
        review = latest.get(r["path"])
        out.append(
            {
                "path": r["path"],
                "unit": r["unit"] or "",
                "level": r["level"] or "",
                "year": r["year"],
                "author": r["author"] or "",
                "genre": r["genre"],
                "score": r["score"],
                "personal": r["personal"],
                "personal_share": round(r["personal_share"], 3),
                "achievement_share": round(r["achievement_share"], 3),
                "missing": "、".join(PART_NAMES[m] for m in missing),
                "max_copy_ratio": round(r["max_copy_ratio"], 3),
                "flags": "、".join(display.name("flag", f) for f in flags),
                "flag_list": flags,
                "status": review["decision"] if review else UNREVIEWED,
            }
        )
    columns = [
        "path",
        "unit",
        "level",
        "year",
        "author",
        "genre",
        "score",
        "personal",
        "personal_share",
        "achievement_share",
        "missing",
        "max_copy_ratio",
        "flags",
        "flag_list",
        "status",
    ]
    return pd.DataFrame(out, columns=columns)


def flag_counts(frame: pd.DataFrame) -> dict[str, int]:
    counts = dict.fromkeys(FLAG_NAMES, 0)
    for flags in frame["flag_list"]:
        for f in flags:
            counts[f] = counts.get(f, 0) + 1
    return counts


@dataclass
class Filters:
    units: Sequence[str] = ()
    levels: Sequence[str] = ()
    years: Sequence[int] = ()
    flags: Sequence[str] = ()
    status: Sequence[str] = ()
    query: str = ""
    sort: str = "score"
    ascending: bool = True


def apply_filters(frame: pd.DataFrame, f: Filters) -> pd.DataFrame:
    out = frame
    if f.units:
        out = out[out["unit"].isin(f.units)]
    if f.levels:
        out = out[out["level"].isin(f.levels)]
    if f.years:
        out = out[out["year"].isin(f.years)]
    if f.flags:
        wanted = set(f.flags)
        out = out[out["flag_list"].map(lambda flags: bool(wanted & set(flags)))]
    if f.status:
        out = out[out["status"].isin(f.status)]
    if f.query:
        q = f.query.strip()
        out = out[
            out["path"].str.contains(q, regex=False)
            | out["unit"].str.contains(q, regex=False)
            | out["author"].str.contains(q, regex=False)
        ]
    if f.sort in out.columns:
        out = out.sort_values([f.sort, "path"], ascending=[f.ascending, True], kind="stable")
    return out


def page_of(frame: pd.DataFrame, page: int, size: int = 200) -> pd.DataFrame:
    start = max(page - 1, 0) * size
    return frame.iloc[start : start + size]


def flags_by_level(frame: pd.DataFrame) -> pd.DataFrame:
    rows = [
        {"level": r.level or "未填", "flag": display.name("flag", f)}
        for r in frame.itertuples()
        for f in r.flag_list
    ]
    if not rows:
        return pd.DataFrame(columns=["level", "flag", "count"])
    return pd.DataFrame(rows).value_counts().reset_index(name="count").sort_values(["level", "flag"])


# -- one report -------------------------------------------------------------------------------------
@dataclass
class ReportView:
    path: str
    text: str
    result: ReportResult
    ingest: dict[str, Any]
    row: dict[str, Any]
    pairs: list[dict[str, Any]] = field(default_factory=list)  # with this report's side as "mine"
    reviews: list[dict[str, Any]] = field(default_factory=list)


def report_view(store: Store, path: str) -> ReportView | None:
    row = store.report(path)
    if row is None:
        return None
    pair_rows = store.pairs_by_evidence(path)
    by_pair = store.passages_of([p["id"] for p in pair_rows])
    linked = []
    for p in pair_rows:
        mine_is_a = p["a"] == path
        spans = [
            (q["a_start"], q["a_end"]) if mine_is_a else (q["b_start"], q["b_end"])
            for q in by_pair.get(p["id"], [])
        ]
        linked.append(
            {
                "id": p["id"],
                "other": p["b"] if mine_is_a else p["a"],
                "kind": p["kind"],
                "ratio": p["copy_ratio_a"] if mine_is_a else p["copy_ratio_b"],
                "shared_typos": p["shared_typos"],
                "spans": spans,
            }
        )
    return ReportView(
        path=path,
        text=row["clean_text"],
        result=ReportResult.from_json(json.loads(row["result"])),
        ingest=json.loads(row["ingest"]),
        row=row,
        pairs=linked,
        reviews=store.reviews_of(path),
    )


# -- copies -----------------------------------------------------------------------------------------
def pair_table(store: Store) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "id": p["id"],
                "a": p["a"],
                "b": p["b"],
                "kind": p["kind"],
                "evidence": p["evidence"],
                "copy_ratio_a": round(p["copy_ratio_a"], 3),
                "copy_ratio_b": round(p["copy_ratio_b"], 3),
                "shared_typos": "、".join(p["shared_typos"]),
            }
            for p in store.pairs_by_evidence()
        ],
        columns=["id", "a", "b", "kind", "evidence", "copy_ratio_a", "copy_ratio_b", "shared_typos"],
    )


def side_by_side(store: Store, pair_id: int) -> tuple[str, str, dict[str, Any]] | None:
    """Both texts as HTML with the aligned passages (numbered alike) and shared typos marked."""
    p = store.pair(pair_id)
    if p is None:
        return None
    qs = p.pop("passages")
    text_a = (store.report(p["a"]) or {}).get("clean_text", "")
    text_b = (store.report(p["b"]) or {}).get("clean_text", "")
    typos = set(p["shared_typos"])
    layers_a = [Layer(q["a_start"], q["a_end"], "copied", f"段落{k + 1}") for k, q in enumerate(qs)]
    layers_b = [Layer(q["b_start"], q["b_end"], "copied", f"段落{k + 1}") for k, q in enumerate(qs)]
    for t in typos:
        for layers, text in ((layers_a, text_a), (layers_b, text_b)):
            start = text.find(t)
            while start >= 0:
                layers.append(Layer(start, start + len(t), "typo", f"共同错字：{t}"))
                start = text.find(t, start + 1)
    marks_a = [(q["a_start"], f"段落{k + 1}") for k, q in enumerate(qs)]
    marks_b = [(q["b_start"], f"段落{k + 1}") for k, q in enumerate(qs)]
    info = dict(p)
    info["shared_typos"] = sorted(typos)
    info["passages"] = len(qs)
    return highlight(text_a, layers_a, marks_a), highlight(text_b, layers_b, marks_b), info


def rings(store: Store) -> list[list[str]]:
    return store.rings()


def rings_dot(store: Store) -> str:
    """A Graphviz picture of the copy rings: reports as nodes, copies as edges labelled by share."""
    frame = pair_table(store)
    lines = ["graph rings {", '  node [shape=box, fontname="Noto Sans CJK SC"];']
    for row in frame[frame["kind"] == "copy"].itertuples():
        label = f"{max(row.copy_ratio_a, row.copy_ratio_b):.0%}"
        lines.append(f'  "{_dot(row.a)}" -- "{_dot(row.b)}" [label="{label}"];')
    lines.append("}")
    return "\n".join(lines)


def _dot(s: str) -> str:
    return s.replace("\\", "/").replace('"', "'")


def unit_years(store: Store, unit: str) -> pd.DataFrame:
    frame = overview(store)
    mine = frame[frame["unit"] == unit].sort_values("year")
    return mine[["year", "path", "score", "personal", "achievement_share", "missing", "flags"]]


# -- votes ------------------------------------------------------------------------------------------
def votes_summary(store: Store) -> pd.DataFrame:
    """Vote scores next to text scores per unit and year, with a combined ranking (the mean of both)."""
    frame = overview(store)
    text = (
        frame.groupby(["unit", "year"], dropna=False)["score"]
        .mean()
        .reset_index()
        .rename(columns={"score": "text_score"})
    )
    vote_frame = pd.DataFrame(
        [
            {"unit": v["unit"], "year": v["year"], "vote_score": v["score"], "valid_votes": v["valid"]}
            for v in store.vote_rows()
        ],
        columns=["unit", "year", "vote_score", "valid_votes"],
    )
    merged = text.merge(vote_frame, on=["unit", "year"], how="left")
    merged["combined"] = merged[["text_score", "vote_score"]].mean(axis=1, skipna=True).round(2)
    merged["text_score"] = merged["text_score"].round(2)
    merged = merged.sort_values(["combined", "unit"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
    merged.insert(0, "rank", range(1, len(merged) + 1))
    return merged


_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=^])")


def plain(text: str) -> str:
    """``text`` shown literally where Streamlit renders Markdown (titles, buttons, captions): every
    Markdown, directive and LaTeX character escaped, so a crafted file name stays a name."""
    return _MARKDOWN.sub(r"\\\1", text)


# -- 上年度问题整改 and the review letter --------------------------------------------------------------
def rectification_table(store: Store, path: str) -> pd.DataFrame:
    """Each of last year's and the known problems with its status and the passage that decided it."""
    from pipeline import rectification

    rows = rectification.report_view(store, path)
    frame = pd.DataFrame(rows, columns=["item", "source", "status", "passage"])
    frame = frame.rename(columns={"status": "rect_status"})
    return display.for_display(frame, {"rect_status": "rect_status"})


def rectification_part_text(store: Store, path: str) -> str:
    """Whether the report has a part on last year's rectification, as the report page says it."""
    from pipeline import rectification

    present = rectification.has_part(store, path)
    if present is None:
        return "未核对（数据库中没有该单位上年度的报告或已知问题清单）"
    return "有" if present else "无（报告没有上年度问题整改情况的部分）"


def letter_points(store: Store, path: str) -> list[str]:
    """The letter's points as last saved by a reviewer, else the ones drafted from the findings."""
    from pipeline import letters

    review = store.latest_reviews().get(path) or {}
    return list(review.get("points") or letters.draft_points(store, path))


def parse_points(text: str) -> list[str]:
    """The reviewer's edited points: one per line; a leading number like "1." or "（2）" is dropped."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"^\s*(?:[（(]?\d+[)）.、．]|\d+\s)\s*", "", line).strip()
        if line:
            out.append(line)
    return out
