"""The reviewers' dashboard: data shaping (data.py, tested without a browser) and Streamlit pages."""
