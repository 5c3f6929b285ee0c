"""Streamlit page: see pipeline.dashboard.views.copies_page."""

from pipeline.dashboard.views import copies_page

copies_page()
