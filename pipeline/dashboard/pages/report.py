"""报告详情: one report with its evidence, 上年度问题整改, the decision and the review letter."""

from __future__ import annotations

import streamlit as st

from pipeline.dashboard import data
from pipeline.dashboard.widgets import DOCX_MIME, cached_overview, render_report, store_and_version
from pipeline.store import DECISIONS, Store


def report_page() -> None:
    st.title("报告详情")
    store, url, version = store_and_version()
    frame = cached_overview(url, version)
    if frame.empty:
        st.info("数据库里还没有报告。")
        return
    paths = list(frame["path"])
    if st.query_params.get("report") in paths:  # a shareable link: …/report?report=PATH
        st.session_state["report_path"] = st.query_params["report"]
    current = st.session_state.get("report_path")
    index = paths.index(current) if current in paths else 0
    path = st.selectbox(
        "报告", paths, index=index, format_func=lambda p: f"{p}（{frame.set_index('path').loc[p, 'unit']}）"
    )
    st.session_state["report_path"] = path
    view = data.report_view(store, path)
    if view is None:
        st.error("找不到这份报告")
        return
    render_report(view.text, view.result, view.ingest, view.pairs, "db")
    st.subheader("上年度问题整改")
    st.write("**上年度问题整改情况部分**：" + data.rectification_part_text(store, path))
    rect = data.rectification_table(store, path)
    if rect.empty:
        st.caption("没有可核对的上年度问题或已知问题")
    else:
        st.dataframe(rect, hide_index=True, width="stretch")
    review_form(store, path, view)


def review_form(store: Store, path: str, view: data.ReportView) -> None:
    """The decision, the letter's points (drafted from the findings, editable) and the letter itself."""
    st.subheader("审阅决定与审阅意见")
    points = data.letter_points(store, path)
    with st.form("review"):
        decision = st.radio("决定", DECISIONS, horizontal=True)
        edited = st.text_area(
            "审阅意见要点（每行一条，写入审阅意见书）",
            "\n".join(f"{n}. {p}" for n, p in enumerate(points, 1)),
            height=220,
        )
        note = st.text_area("备注")
        submitted = st.form_submit_button("保存")
    if submitted:
        reviewer = st.session_state.get("reviewer", "").strip()
        if not reviewer:
            st.error("请先在侧栏填写审阅人")
        else:
            points = data.parse_points(edited)
            store.add_review(path, decision, note, reviewer, points=points)
            st.success(f"已保存：{decision}")
            st.cache_data.clear()
            view = data.report_view(store, path) or view
    from pipeline import letters

    latest = view.reviews[0] if view.reviews else {}
    st.download_button(
        "下载审阅意见书（.docx）",
        letters.letter_docx(store, path, points, remark=latest.get("note") or ""),
        file_name=letters.letter_name(store, path, 1),
        mime=DOCX_MIME,
        key="letter-one",
    )
    for r in view.reviews:
        st.caption(data.plain(f"{r['decided_at']} {r['reviewer']}：{r['decision']} {r['note']}"))


if __name__ == "__main__":  # run by st.navigation
    report_page()
