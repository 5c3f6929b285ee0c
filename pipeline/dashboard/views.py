"""The Streamlit pages. Layout only: every figure comes from pipeline.dashboard.data.

Pages: 总览 (overview), 报告详情 (one report with its evidence), 抄袭比对 (copies side by side),
测评与汇总 (votes and exports), 上传审阅 (analyze uploaded files on the spot).
"""

from __future__ import annotations

import io
import os

import altair as alt
import pandas as pd
import streamlit as st

from pipeline import display
from pipeline.dashboard import data
from pipeline.store import DECISIONS, DEFAULT_URL, Store
from pipeline.text import one_line

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


# -- 报告详情 ---------------------------------------------------------------------------------------
def render_report(
    text: str, result: dict, ingest: dict, linked: list[dict], key: str, figures_row: dict | None = None
) -> None:
    """The clean text with every layer of evidence, and a side panel of figures."""
    left, right = st.columns([3, 1])
    with left:
        st.markdown(data.CSS + data.legend_html(), unsafe_allow_html=True)
        layers = data.report_layers(result, linked)
        body = data.highlight(text, layers, data.part_markers(result))
        st.markdown(f'<div class="report-text">{body}</div>', unsafe_allow_html=True)
    with right:
        fp, bal = result["first_person"], result["balance"]
        st.metric("得分", f"{(figures_row or result)['score']:.0f}", help=data.FIGURES["score"])
        flags = (figures_row or {}).get("flags_list") or result["flags"]
        st.write("**标记**：" + ("、".join(display.name("flag", f) for f in flags) or "无"))
        st.write(f"**文体**：{result['genre']['label']}（置信度 {result['genre']['confidence']:.2f}）")
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
        missing = result["sections"]["missing"]
        st.write("**缺少部分**：" + ("、".join(data.PART_NAMES[m] for m in missing) or "无"))
        cause = result["sections"]["cause_analysis"]
        st.write(
            f"**原因剖析**：主观 {'有' if cause['subjective'] else '无'}，客观 {'有' if cause['objective'] else '无'}"
        )
        if result["typos"]:
            st.write("**错别字/洗稿/提法**")
            typos = pd.DataFrame(result["typos"])[["text", "suggestion", "kind"]]
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
    row = frame.set_index("path").loc[path]
    render_report(
        view.text,
        view.result,
        view.ingest,
        view.pairs,
        "db",
        {"score": float(row["score"]), "flags_list": list(row["flag_list"])},
    )
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


# -- 抄袭比对 ---------------------------------------------------------------------------------------
def copies_page() -> None:
    st.title("抄袭比对")
    store, url, version = store_and_version()
    table = cached_pairs(url, version)
    if table.empty:
        st.info("没有发现抄袭或重复。")
    else:
        event = st.dataframe(
            display.for_display(table, {"kind": "pair_kind"}),
            hide_index=True,
            width="stretch",
            on_select="rerun",
            selection_mode="single-row",
            key="pairs",
        )
        if event and event.selection and event.selection.rows:
            st.session_state["pair_id"] = int(table.iloc[event.selection.rows[0]]["id"])
        if str(st.query_params.get("pair", "")).isdigit():  # a shareable link: …/copies?pair=ID
            st.session_state["pair_id"] = int(st.query_params["pair"])
        pair_id = st.session_state.get("pair_id", int(table.iloc[0]["id"]))
        shown = data.side_by_side(store, int(pair_id))
        if shown:
            html_a, html_b, info = shown
            st.subheader("比对：" + data.plain(f"{info['a']}  ⇄  {info['b']}"))
            st.caption(
                f"类型 {display.name('pair_kind', info['kind'])}；相同比例 A {info['copy_ratio_a']:.0%} / B {info['copy_ratio_b']:.0%}；"
                f"段落 {info['passages']}；共同错字 {data.plain('、'.join(info['shared_typos'])) or '无'}"
            )
            st.markdown(data.CSS, unsafe_allow_html=True)
            a, b = st.columns(2)
            a.markdown(f'<div class="report-text">{html_a}</div>', unsafe_allow_html=True)
            b.markdown(f'<div class="report-text">{html_b}</div>', unsafe_allow_html=True)
    rings = data.rings(store)
    st.subheader("抄袭圈")
    if rings:
        for n, ring in enumerate(rings, 1):
            st.write(f"{n}\\. " + data.plain("、".join(ring)))
        st.graphviz_chart(data.rings_dot(store))
    else:
        st.caption("无")
    st.subheader("同一单位历年对比")
    frame = cached_overview(url, version)
    units = sorted(u for u, n in frame["unit"].value_counts().items() if u and n > 1)
    if units:
        unit = st.selectbox("单位", units)
        st.dataframe(display.for_display(data.unit_years(store, unit)), hide_index=True, width="stretch")
    else:
        st.caption("没有多个年度的单位")


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
