"""述职报告审阅 dashboard: ``streamlit run app.py`` (the database comes from SHUZHI_DB or the sidebar)."""

import streamlit as st

from pipeline.dashboard.widgets import CHROME_CSS, PAGES, sidebar

st.set_page_config(page_title="述职报告审阅", layout="wide")
st.markdown(CHROME_CSS, unsafe_allow_html=True)
sidebar()
navigation = st.navigation(
    [
        st.Page(PAGES["overview"], title="总览", default=True),
        st.Page(PAGES["report"], title="报告详情"),
        st.Page(PAGES["copies"], title="抄袭比对"),
        st.Page(PAGES["votes"], title="测评与汇总"),
        st.Page(PAGES["upload"], title="上传审阅"),
    ]
)
navigation.run()
