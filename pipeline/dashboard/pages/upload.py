"""Streamlit page: see pipeline.dashboard.views.upload_page."""

from pipeline.dashboard.views import upload_page

upload_page()
