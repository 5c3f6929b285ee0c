"""End to end in a real headless Chromium: the dashboard served by `streamlit run` on loopback.

Uses Debian's chromium (driven by Playwright with executable_path; Playwright's own browser download
does not work here). Skipped, with the reason, where Chromium or Playwright is missing. Screenshots go
to artifacts/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "artifacts" / "screenshots"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serve(db: str):
    """`streamlit run app.py` on a free loopback port against ``db``; yields its URL."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (the test extra)")
    port = _port()
    env = dict(os.environ, SHUZHI_DB=db, SHUZHI_QUIET="1")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("streamlit did not start within 30 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server(dashboard_db: str):
    with _serve(dashboard_db) as url:
        yield url


@pytest.fixture(scope="module")
def page(server: str):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        pg = context.new_page()
        yield pg
        browser.close()


def _wait_for_app(page, text: str) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=60_000)
    page.wait_for_timeout(1500)


def test_overview(server: str, page) -> None:
    page.goto(server)
    _wait_for_app(page, "总览")
    page.get_by_text("班子汇报").first.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)
    assert "报告" in page.inner_text("body")


def test_flagged_report_highlighted(server: str, page) -> None:
    page.goto(f"{server}/report?report=2024_city_housing_bureau_team.txt")
    _wait_for_app(page, "报告详情")
    page.locator("span.wo-collective").first.wait_for(timeout=30_000)
    assert page.locator("span.wo-collective").count() >= 5
    assert page.locator("span.part-mark").count() >= 3
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)


def test_copy_view(server: str, page) -> None:
    page.goto(server + "/copies")
    _wait_for_app(page, "抄袭比对")
    page.locator("span.copied").first.wait_for(timeout=30_000)
    assert page.locator("span.copied").count() >= 2
    assert "布署" in page.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / "copies.png"), full_page=True)


def test_markup_in_a_report_is_shown_as_text(server: str, page) -> None:
    page.goto(f"{server}/report?report=2024_markup_test.txt")
    _wait_for_app(page, "报告详情")
    page.get_by_text("document.title='pwned'", exact=False).first.wait_for(timeout=30_000)
    body = page.inner_text("body")
    assert "<script>document.title='pwned'</script>" in body
    assert "<img src=x onerror=" in body
    assert page.title() != "pwned"
    assert page.locator("img[src='x']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "markup.png"), full_page=True)


def test_votes_and_upload_pages(server: str, page) -> None:
    page.goto(server + "/votes")
    _wait_for_app(page, "测评与汇总")
    page.get_by_text("导出 Excel").first.wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "votes.png"), full_page=True)
    page.goto(server + "/upload")
    _wait_for_app(page, "上传审阅")
    page.get_by_text("上传报告").first.wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "upload.png"), full_page=True)
    body = page.inner_text("body")
    assert "保存到数据库" in body
    assert page.locator('[data-testid="stFileUploaderDropzone"] button').first.is_visible()
    for english in ("Drag and drop", "Browse files", "Upload", "upload", "per file"):
        assert english not in body


def test_rectification_and_letter_form(server: str, page) -> None:
    page.goto(f"{server}/report?report=2024_university_chem_college_repeat.txt")
    _wait_for_app(page, "报告详情")
    page.get_by_text("上年度问题整改").first.wait_for(timeout=60_000)
    page.get_by_text("下载审阅意见书（.docx）").first.wait_for(timeout=60_000)
    body = page.inner_text("body")
    assert "审阅意见要点" in body and "上年度问题整改情况部分" in body
    page.locator("h3", has_text="上年度问题整改").first.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "rectification.png"))


def test_letters_and_summary_buttons(server: str, page) -> None:
    page.goto(server + "/votes")
    _wait_for_app(page, "测评与汇总")
    page.get_by_text("生成审阅意见书压缩包").first.click()
    page.get_by_text("下载审阅意见书（.zip）").first.wait_for(timeout=60_000)
    page.get_by_text("生成审阅情况专题报告").first.click()
    page.get_by_text("下载审阅情况专题报告（.docx）").first.wait_for(timeout=120_000)
    page.screenshot(path=str(ARTIFACTS / "letters.png"), full_page=True)
    with page.expect_download(timeout=60_000) as got:
        page.get_by_text("下载审阅意见书（.zip）").first.click()
    assert got.value.suggested_filename == "审阅意见书.zip"


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/report?report=2024_city_housing_bureau_team.txt",
        "/report?report=2024_university_chem_college_repeat.txt",
        "/copies",
        "/votes",
    ],
)
def test_no_english_chrome(server: str, page, path: str) -> None:
    page.goto(server + path)
    page.locator("h1").first.wait_for(timeout=60_000)
    page.wait_for_timeout(2000)
    body = page.inner_text("body")
    for english in ("Deploy", "None", "Skip to main content", "Rerun"):
        assert english not in body


def test_uploads_saved_and_compared_once(fresh_db: str, page, tmp_path: Path) -> None:
    """Two uploaded files that copy each other: both saved, compared with each other and the corpus."""
    from pipeline.store import Store
    from tests.conftest import SAMPLES

    names = ["2024_district_agri_bureau_copy_a.txt", "2024_district_water_bureau_copy_b.txt"]
    for name in names:
        (tmp_path / f"up_{name}").write_bytes((SAMPLES / name).read_bytes())
    with _serve(fresh_db) as url:
        page.goto(url + "/upload")
        _wait_for_app(page, "上传审阅")
        page.get_by_text("保存到数据库，并与已有报告比对").first.click()
        page.locator('input[type="file"]').first.set_input_files([str(tmp_path / f"up_{n}") for n in names])
        page.get_by_text("已保存并比对").nth(1).wait_for(timeout=180_000)
        page.screenshot(path=str(ARTIFACTS / "upload-saved.png"))
    store = Store(fresh_db)
    saved = {f"upload/up_{n}" for n in names}
    assert saved <= set(store.stored_reports())
    partners = {(p["a"], p["b"]) for p in store.pair_rows()}
    assert tuple(sorted(saved)) in partners
