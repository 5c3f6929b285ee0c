"""Streamlit page: see pipeline.dashboard.views.report_page."""

from pipeline.dashboard.views import report_page

report_page()
