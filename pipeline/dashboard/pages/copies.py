"""抄袭比对: pairs by strength of evidence, both texts side by side, copy rings, a unit year by year."""

from __future__ import annotations

import streamlit as st

from pipeline import display
from pipeline.dashboard import data, highlight
from pipeline.dashboard.widgets import cached_overview, cached_pairs, store_and_version


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
            st.markdown(highlight.CSS, unsafe_allow_html=True)
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


if __name__ == "__main__":  # run by st.navigation
    copies_page()
