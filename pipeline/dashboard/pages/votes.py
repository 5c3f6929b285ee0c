"""Streamlit page: see pipeline.dashboard.views.votes_page."""

from pipeline.dashboard.views import votes_page

votes_page()
