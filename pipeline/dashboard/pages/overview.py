"""Streamlit page: see pipeline.dashboard.views.overview_page."""

from pipeline.dashboard.views import overview_page

overview_page()
