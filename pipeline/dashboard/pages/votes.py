"""测评与汇总: vote and text scores, exports, every review letter and the round's summary."""

from __future__ import annotations

import io

import pandas as pd
import streamlit as st

from pipeline import display
from pipeline.dashboard import data
from pipeline.dashboard.widgets import DOCX_MIME, store_and_version
from pipeline.store import DECISIONS, Store


# -- 测评与汇总 -------------------------------------------------------------------------------------
def votes_page() -> None:
    st.title("测评与汇总")
    store, url, version = store_and_version()
    summary = data.votes_summary(store)
    st.caption("测评得分 =（好×100 + 较好×80 + 一般×60 + 差×0）÷ 有效票数；综合 = 文本得分与测评得分的平均")
    st.dataframe(display.for_display(summary), hide_index=True, width="stretch")
    from pipeline.export import tables

    frames = tables(store.export_data())
    csv_bytes = ("\ufeff" + frames["reports"].to_csv(index=False)).encode("utf-8")
    st.download_button("导出 CSV", csv_bytes, file_name="shuzhi-reports.csv", mime="text/csv")
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, frame in frames.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    st.download_button(
        "导出 Excel",
        buf.getvalue(),
        file_name="shuzhi-review.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    letters_and_summary(store)


def letters_and_summary(store: Store) -> None:
    """The paper the round ends in: every review letter in a zip, and the round's summary report."""
    from pipeline import letters, summary_report

    st.subheader("审阅意见书与专题报告")
    choice = st.selectbox("审阅意见书范围", ["全部报告", *DECISIONS], key="letters-decision")
    decision = None if choice == "全部报告" else choice
    chosen = letters.selected_paths(store, decision)
    st.caption(f"共 {len(chosen)} 份")
    if chosen and st.button("生成审阅意见书压缩包", key="letters-make"):
        st.session_state["letters_zip"] = (choice, letters.letters_zip(store, decision))
    made = st.session_state.get("letters_zip")
    if made and made[0] == choice:
        st.download_button(
            "下载审阅意见书（.zip）", made[1], file_name="审阅意见书.zip", mime="application/zip"
        )
    if st.button("生成审阅情况专题报告", key="summary-make"):
        st.session_state["summary_docx"] = summary_report.summary_docx(store)
    if st.session_state.get("summary_docx"):
        st.download_button(
            "下载审阅情况专题报告（.docx）",
            st.session_state["summary_docx"],
            file_name="审阅情况专题报告.docx",
            mime=DOCX_MIME,
        )


if __name__ == "__main__":  # run by st.navigation
    votes_page()
