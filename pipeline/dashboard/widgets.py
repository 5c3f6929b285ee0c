"""What every dashboard page shares: the store of the server's choosing, the sidebar, cached queries
and the report view with its evidence. Layout only: every figure comes from pipeline.dashboard.data.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from pipeline import display
from pipeline.dashboard import data, highlight
from pipeline.store import DEFAULT_URL, Store
from pipeline.text import one_line

if TYPE_CHECKING:
    from pipeline.record import ReportResult

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

PAGES = {
    "overview": "pipeline/dashboard/pages/overview.py",
    "report": "pipeline/dashboard/pages/report.py",
    "copies": "pipeline/dashboard/pages/copies.py",
    "votes": "pipeline/dashboard/pages/votes.py",
    "upload": "pipeline/dashboard/pages/upload.py",
}
PAGE_SIZE = 200
# Streamlit's own chrome speaks English: the uploader's "Upload" button and size note, the keyboard
# "Skip to main content" link and the main menu (Print, About …). The uploader's label says what to
# upload and how large, so its note is hidden and its button relabelled (a pseudo-element, so the page
# holds no English text); the skip link and the menu have no Chinese form and are hidden.
CHROME_CSS = """<style>
[data-testid="stSkipToContent"], [data-testid="stMainMenu"] {display: none;}
[data-testid="stFileUploaderDropzoneInstructions"] {display: none;}
[data-testid="stFileUploaderDropzone"] [data-testid="stIconMaterial"] {display: none;}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {display: none;}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"]::after {content: "选择文件";}
</style>"""
UPLOAD_ROOT = "upload:"  # the store's root for reports saved from the upload page


@st.cache_resource(show_spinner=False)
def get_store(url: str) -> Store:
    # Only the server's own database (SHUZHI_DB) may be created; any other choice must already be one.
    return Store(url, create=url == server_db())


@st.cache_resource(show_spinner="正在加载语言资源…")
def warm_language_resources() -> str:
    """Load spaCy/jieba, lexicons and the sentence model once per server process."""
    from pipeline.analyzers.context import resources
    from pipeline.nlp import pipeline_name
    from pipeline.settings import Settings

    resources(Settings())
    return pipeline_name()


@st.cache_data(show_spinner=False, max_entries=8)
def cached_overview(url: str, version: tuple) -> pd.DataFrame:
    return data.overview(get_store(url))


@st.cache_data(show_spinner=False, max_entries=8)
def cached_pairs(url: str, version: tuple) -> pd.DataFrame:
    return data.pair_table(get_store(url))


def server_db() -> str:
    """The database chosen by whoever started the server (SHUZHI_DB), never by a page's visitor."""
    return os.environ.get("SHUZHI_DB", DEFAULT_URL)


def db_choices() -> list[str]:
    """The server's database, and the SQLite files under SHUZHI_DB_DIR when that folder is set."""
    choices = [server_db()]
    folder = os.environ.get("SHUZHI_DB_DIR")
    if folder and os.path.isdir(folder):
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if name.endswith((".db", ".sqlite")) and os.path.isfile(path) and not os.path.islink(path):
                url = f"sqlite:///{os.path.abspath(path)}"
                if url not in choices:
                    choices.append(url)
    return choices


def db_url() -> str:
    choices = db_choices()
    if st.session_state.get("db") not in choices:
        st.session_state["db"] = choices[0]
    return st.session_state["db"]


def sidebar() -> None:
    with st.sidebar:
        choices = db_choices()
        db_url()
        if len(choices) > 1:
            st.selectbox("数据库", choices, key="db", help="由启动服务的人设定（SHUZHI_DB、SHUZHI_DB_DIR）")
        else:
            st.caption(f"数据库：{data.plain(choices[0])}")
        st.text_input("审阅人", key="reviewer", help="记录审阅决定时署名")


def store_and_version() -> tuple[Store, str, tuple]:
    url = db_url()
    try:
        store = get_store(url)
        version = data.data_version(store)
    except Exception as exc:  # a wrong URL or a non-shuzhi database: say so, do not crash
        st.error(f"无法打开数据库：{data.plain(one_line(str(exc)))}")
        st.stop()
    return store, url, version


# -- 报告详情 ---------------------------------------------------------------------------------------
def render_report(text: str, result: ReportResult, ingest: dict, linked: list[dict], key: str) -> None:
    """The clean text with every layer of evidence, and a side panel of figures."""
    left, right = st.columns([3, 1])
    with left:
        st.markdown(highlight.CSS + highlight.legend_html(), unsafe_allow_html=True)
        layers = highlight.report_layers(result, linked)
        body = highlight.highlight(text, layers, highlight.part_markers(result))
        st.markdown(f'<div class="report-text">{body}</div>', unsafe_allow_html=True)
    with right:
        fp, bal = result.first_person, result.balance
        st.metric("得分", f"{result.score:.0f}", help=data.FIGURES["score"])
        st.write("**标记**：" + ("、".join(display.name("flag", f) for f in result.flags) or "无"))
        st.write(f"**文体**：{result.genre['label']}（置信度 {result.genre['confidence']:.2f}）")
        for name, value in (
            ("personal", fp["personal"]),
            ("collective", fp["collective"]),
            ("institutional", fp["institutional"]),
            ("personal_share", f"{fp['personal_share']:.0%}"),
            ("achievement_share", f"{bal['achievement_share']:.0%}"),
            ("problem_share", f"{bal['problem_share']:.0%}"),
            ("plan_share", f"{bal['plan_share']:.0%}"),
        ):
            st.write(f"**{data.FIGURE_LABELS[name]}**：{value}")
            st.caption(data.FIGURES[name])
        missing = result.sections["missing"]
        st.write("**缺少部分**：" + ("、".join(data.PART_NAMES[m] for m in missing) or "无"))
        cause = result.sections["cause_analysis"]
        st.write(
            f"**原因剖析**：主观 {'有' if cause['subjective'] else '无'}，客观 {'有' if cause['objective'] else '无'}"
        )
        if result.typos:
            st.write("**错别字/洗稿/提法**")
            typos = pd.DataFrame([t.to_json() for t in result.typos])[["text", "suggestion", "kind"]]
            st.dataframe(display.for_display(typos, {"kind": "typo_kind"}), hide_index=True)
        if linked:
            st.write("**相同内容**")
            for p in linked:
                label = data.plain(
                    f"{display.name('pair_kind', p['kind'])}：{p['other']}（{p['ratio']:.0%}）"
                )
                if st.button(label, key=f"{key}-pair-{p['id']}"):
                    st.session_state["pair_id"] = p["id"]
                    st.switch_page(PAGES["copies"])
        if ingest.get("source") == "ocr":  # text read from an image: say so, with the engine's confidence
            st.info(
                f"本文由图像识别（OCR）读出，平均置信度 {ingest.get('ocr_confidence') or 0:.0%}；识别不确定的字不计为错别字。"
            )
        with st.expander("摄入处理（删除的行、转换、修复）"):
            st.write(f"编码：{ingest.get('encoding')}；繁简转换：{ingest.get('converted_from') or '无'}")
            if ingest.get("source_hints"):
                st.write("来源线索：" + data.plain("；".join(ingest["source_hints"])))
            for w in ingest.get("warnings", []):
                st.warning(data.plain(display.warning(w)))
            if ingest.get("removed"):
                removed = pd.DataFrame(ingest["removed"])[["line", "text", "reason"]]
                st.dataframe(display.for_display(removed, {"reason": "reason"}), hide_index=True)
            if ingest.get("repairs"):
                for r in ingest["repairs"]:
                    st.caption(data.plain(display.repair(r["kind"], r["detail"])))
