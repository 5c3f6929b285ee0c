"""A fixture database: the sample corpus plus a report carrying markup, batched once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.batch import run_batch
from tests.conftest import SAMPLES

HOSTILE = (
    "XX局党组书记2024年度抓基层党建工作述职报告\n"
    "现将本人2024年度抓基层党建工作情况报告如下。\n"
    "一、履行职责情况\n"
    "我主持召开党组会议12次，<script>document.title='pwned'</script>研究部署党建工作。\n"
    "我带头讲党课3次，<img src=x onerror=\"document.title='pwned'\">到联系点调研8次。\n"
    "二、工作推进情况\n全年新发展党员15名，8个支部全部达标。\n"
    "三、存在的问题\n有2个支部全年谈心谈话不足4次。究其原因，主观上是我抓得不够紧，客观上党务干部多为兼职。\n"
    "四、下一步打算\n我将每季度检查一次谈心谈话台账。\n"
)


@pytest.fixture(scope="session")
def dashboard_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("dash") / "corpus"
    shutil.copytree(SAMPLES, root, ignore=shutil.ignore_patterns("README.md", "EXPECTED.json"))
    (root / "2024_markup_test.txt").write_text(HOSTILE, encoding="utf-8")
    url = f"sqlite:///{root.parent / 'dash.db'}"
    run_batch(root, url, workers=2, progress=False)
    return url


@pytest.fixture()
def db_path(dashboard_db: str) -> Path:
    return Path(dashboard_db.removeprefix("sqlite:///"))


@pytest.fixture()
def fresh_db(dashboard_db: str, tmp_path: Path) -> str:
    """A private copy of the fixture database for a test that writes (decisions, votes)."""
    import sqlite3

    target = tmp_path / "copy.db"
    with sqlite3.connect(dashboard_db.removeprefix("sqlite:///")) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return f"sqlite:///{target}"
