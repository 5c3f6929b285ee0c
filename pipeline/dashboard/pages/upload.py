"""上传审阅: uploaded files analyzed on the spot, optionally saved and compared with the corpus."""

from __future__ import annotations

import streamlit as st

from pipeline.dashboard import data
from pipeline.dashboard.widgets import UPLOAD_ROOT, render_report, store_and_version, warm_language_resources
from pipeline.text import one_line


# -- 上传审阅 ---------------------------------------------------------------------------------------
def upload_page() -> None:
    st.title("上传审阅")
    warm_language_resources()
    files = st.file_uploader(
        "上传报告（.docx .pdf .txt .html，每个不超过 20 MB）", accept_multiple_files=True
    )
    save = st.checkbox("保存到数据库，并与已有报告比对")
    if not files:
        return
    from pipeline.batch import analyze_bytes_for_store, similarity_over_store
    from pipeline.record import ReportResult
    from pipeline.settings import Settings

    settings = Settings()
    records = []
    for uploaded in files:
        raw = uploaded.getvalue()  # read in memory; never written to disk or executed
        record = analyze_bytes_for_store(raw, uploaded.name, f"upload/{uploaded.name}", settings, UPLOAD_ROOT)
        if record.error is not None:
            st.header(data.plain(uploaded.name))
            st.error(data.plain(one_line(f"{uploaded.name}: {record.error}")))
            continue
        records.append(record)
    if save and records:
        store, _, _ = store_and_version()
        store.save(records)
        similarity_over_store(store, settings, None)  # once for all the files, not once per file
        st.cache_data.clear()
    for n, record in enumerate(records):
        st.header(data.plain(record.path.removeprefix("upload/")))
        linked: list[dict] = []
        result = ReportResult.from_json(record.result or {})
        if save and (view := data.report_view(store, record.path)) is not None:
            linked, result = view.pairs, view.result  # with the corpus evidence of the comparison
            st.success("已保存并比对")
        render_report(record.clean_text or "", result, record.ingest or {}, linked, f"upload{n}")


if __name__ == "__main__":  # run by st.navigation
    upload_page()
