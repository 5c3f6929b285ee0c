"""上传审阅: uploaded files analyzed on the spot, optionally saved and compared with the corpus."""

from __future__ import annotations

import streamlit as st

from pipeline.dashboard import data
from pipeline.dashboard.widgets import UPLOAD_ROOT, render_report, store_and_version, warm_language_resources
from pipeline.store import Store
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
    from pipeline.batch import similarity_over_store
    from pipeline.errors import ShuzhiError
    from pipeline.ingest import load_bytes
    from pipeline.report import analyze_document
    from pipeline.settings import Settings

    settings = Settings()
    read: list[tuple[str, object, dict, dict]] = []
    for uploaded in files:
        raw = uploaded.getvalue()  # read in memory; never written to disk or executed
        try:
            doc = load_bytes(raw, uploaded.name, settings)
        except ShuzhiError as exc:
            st.header(data.plain(uploaded.name))
            st.error(data.plain(one_line(str(exc))))
            continue
        result = analyze_document(doc, settings)
        ingest = doc.to_clean_json()
        ingest.pop("text")
        ingest["encoding"] = doc.encoding
        if save:
            store, url, _ = store_and_version()
            _save_upload(store, uploaded.name, raw, doc, result, ingest, settings)
        read.append((uploaded.name, doc, result, ingest))
    if save and read:
        similarity_over_store(store, settings, None)  # once for all the files, not once per file
        st.cache_data.clear()
    for n, (name, doc, result, ingest) in enumerate(read):
        st.header(data.plain(name))
        linked: list[dict] = []
        if save:
            view = data.report_view(store, f"upload/{name}")
            linked = view.pairs if view else []
            st.success("已保存并比对")
        render_report(doc.text, result, ingest, linked, f"upload{n}")


def _save_upload(store: Store, name: str, raw: bytes, doc, result: dict, ingest: dict, settings) -> None:
    import hashlib

    from pipeline.similarity import Item, prepare
    from pipeline.store import Record

    _, fps = prepare(Item(name, doc.text, result.get("unit"), result.get("year")), settings)
    path = f"upload/{name}"
    result = dict(result, path=path)
    store.save(
        [
            Record(
                path=path,
                content_hash=hashlib.sha256(raw).hexdigest(),
                result=result,
                clean_text=doc.text,
                ingest=ingest,
                fp_params=dict(fps.params.__dict__),
                fp_hashes=fps.hashes.tobytes(),
                fp_positions=fps.positions.tobytes(),
                root=UPLOAD_ROOT,
            )
        ]
    )


if __name__ == "__main__":  # run by st.navigation
    upload_page()
