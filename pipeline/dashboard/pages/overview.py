"""总览: counts of each flag, the filterable table of reports, score distribution and flags by level."""

from __future__ import annotations

import altair as alt
import streamlit as st

from pipeline import display
from pipeline.dashboard import data
from pipeline.dashboard.widgets import PAGE_SIZE, PAGES, cached_overview, store_and_version
from pipeline.store import DECISIONS


# -- 总览 -------------------------------------------------------------------------------------------
def overview_page() -> None:
    st.title("总览")
    store, url, version = store_and_version()
    frame = cached_overview(url, version)
    if frame.empty:
        st.info("数据库里还没有报告。先运行 `shuzhi batch 文件夹 --db …`。")
        return
    counts = data.flag_counts(frame)
    cols = st.columns(6)
    cols[0].metric("报告", len(frame))
    shown = [k for k in data.FLAG_NAMES if counts.get(k)]
    for i, key in enumerate(shown[:5], 1):
        cols[i].metric(data.FLAG_NAMES[key], counts[key])
    if len(shown) > 5:
        st.caption("　".join(f"{data.FLAG_NAMES[k]} {counts[k]}" for k in shown[5:]))

    with st.expander("筛选与排序", expanded=False):
        c1, c2, c3 = st.columns(3)
        units = c1.multiselect("单位", sorted(x for x in frame["unit"].unique() if x))
        levels = c2.multiselect("领域", sorted(x for x in frame["level"].unique() if x))
        years = c3.multiselect("年度", sorted(int(y) for y in frame["year"].dropna().unique()))
        c4, c5, c6 = st.columns(3)
        flags = c4.multiselect("问题标记", list(data.FLAG_NAMES), format_func=lambda k: data.FLAG_NAMES[k])
        status = c5.multiselect("审阅状态", [data.UNREVIEWED, *DECISIONS])
        query = c6.text_input("搜索（文件、单位、作者）")
        c7, c8 = st.columns(2)
        sort = c7.selectbox(
            "排序",
            ["score", "achievement_share", "personal_share", "max_copy_ratio", "path", "unit", "year"],
            format_func=lambda c: display.name("column", c),
        )
        ascending = c8.toggle("升序", value=True)
    filtered = data.apply_filters(
        frame, data.Filters(units, levels, years, flags, status, query, sort, ascending)
    )
    pages = max(1, -(-len(filtered) // PAGE_SIZE))
    page = (
        st.number_input(f"页（共 {pages} 页，{len(filtered)} 份）", min_value=1, max_value=pages, value=1)
        if pages > 1
        else 1
    )
    shown_frame = data.page_of(filtered, int(page), PAGE_SIZE).drop(columns=["flag_list"])
    event = st.dataframe(
        display.for_display(shown_frame),
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key="overview_table",
        column_config={
            display.name("column", "year"): st.column_config.NumberColumn(format="%d"),
            display.name("column", "score"): st.column_config.NumberColumn(format="%.0f"),
            display.name("column", "personal_share"): st.column_config.NumberColumn(format="%.2f"),
            display.name("column", "achievement_share"): st.column_config.NumberColumn(format="%.2f"),
            display.name("column", "max_copy_ratio"): st.column_config.NumberColumn(format="%.2f"),
        },
    )
    selected = event.selection.rows if event and event.selection else []
    if selected:
        st.session_state["report_path"] = shown_frame.iloc[selected[0]]["path"]
        st.switch_page(PAGES["report"])

    c1, c2 = st.columns(2)
    hist = (
        alt.Chart(frame)
        .mark_bar()
        .encode(x=alt.X("score:Q", bin=alt.Bin(step=5), title="得分"), y=alt.Y("count():Q", title="报告数"))
    )
    c1.altair_chart(hist.properties(title="得分分布"), width="stretch")
    by_level = data.flags_by_level(frame)
    if not by_level.empty:
        bars = (
            alt.Chart(by_level)
            .mark_bar()
            .encode(
                x=alt.X("count:Q", title="报告数"),
                y=alt.Y("level:N", title="领域"),
                color=alt.Color("flag:N", title="标记"),
            )
        )
        c2.altair_chart(bars.properties(title="各领域问题标记"), width="stretch")


if __name__ == "__main__":  # run by st.navigation
    overview_page()
