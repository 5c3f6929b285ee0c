"""A collection page (…精选3篇, 篇1, 篇2 …) in a batch: each piece stored, flagged and compared on its own.

The page is the team's own fixture with the dirt such pages have (a site's breadcrumb and download
note above the pieces, bracketed and bare piece markers, 〔〕 from a converter). Its second piece is the
folder's agriculture-bureau report with another unit's name put in, as a model text gets reused.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.batch import run_batch
from pipeline.export import export
from pipeline.store import Store
from tests.conftest import SAMPLES

AGRI = "2024_district_agri_bureau_copy_a.txt"
PIECE_ONE = """东坡村党支部书记2024年度抓基层党建述职报告
一年来，我在镇党委领导下抓班子、带队伍，主持召开支委会14次，带头讲党课3次。
我推动村里成立劳务合作社，组织外出务工人员112人，村集体增收8万元。
〔一〕存在的问题：我对党员教育抓得不够经常，对流动党员的联系不够紧。
〔二〕原因在于我抓党建的主业意识还不强。
下一步，我将每月为党员上一次微党课，请予评议。"""
PIECE_THREE = """南山村书记述职
我坚持每周在村部坐班三天，全年接待群众来访96人次，调解矛盾纠纷17起。
我带领党员修复山塘两座，解决了二百亩稻田的灌溉问题。
不足是我对年轻人入党的培养抓得不够，下一步我将确定两名入党积极分子重点培养。"""


def _page(copied: str, pieces: int = 3) -> str:
    body = [
        "首页 > 范文大全 > 述职报告",
        "2024年村党支部书记述职报告精选3篇",
        "下面是小编整理的述职报告，欢迎下载参考。",
        "篇1",
        PIECE_ONE,
        "【篇二】" + copied.splitlines()[0],
        *copied.splitlines()[1:],
    ]
    if pieces == 3:
        body += ["篇3：" + PIECE_THREE]
    return "\n".join(body) + "\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    shutil.copy(SAMPLES / AGRI, root / AGRI)
    copied = (SAMPLES / AGRI).read_text(encoding="utf-8").replace("清源区", "石桥县")
    (root / "page.txt").write_text(_page(copied), encoding="utf-8")
    (root / "empty.txt").write_bytes(b"")
    return root


def _reports(url: str) -> dict[str, dict]:
    data = json.loads(export(Store(url), "json", None) or "")
    return {r["path"]: r for r in data["reports"]} | {"__pairs__": data["pairs"]}


def test_pieces_stored_flagged_and_compared_one_by_one(folder: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    summary = run_batch(folder, url, progress=False)
    assert summary.analyzed == 4 and summary.failed == 1  # the page's 3 pieces and the report
    assert [p for p, _ in summary.failures] == ["empty.txt"]
    reports = _reports(url)
    assert {p for p in reports if p != "__pairs__"} == {AGRI, "page.txt#1", "page.txt#2", "page.txt#3"}
    for k in (1, 2, 3):
        assert "template_site" in reports[f"page.txt#{k}"]["flags"]
    assert "template_site" not in reports[AGRI]["flags"]
    store = Store(url)
    one, three = store.report("page.txt#1"), store.report("page.txt#3")
    assert one is not None and three is not None
    # Each piece is its own text: no wrapper line, no other piece.
    text_one = store.text_and_typos("page.txt#1")[0]
    assert text_one.startswith("东坡村") and "小编" not in text_one and "南山村" not in text_one
    assert store.text_and_typos("page.txt#3")[0].startswith("南山村书记述职")
    pairs = {(p["a"], p["b"]): p["kind"] for p in reports["__pairs__"]}
    assert pairs.get((AGRI, "page.txt#2")) == "copy" or pairs.get(("page.txt#2", AGRI)) == "copy"
    assert not [k for k in pairs if "page.txt#1" in k or "page.txt#3" in k]
    assert "copied" in reports["page.txt#2"]["flags"]
    assert "copied" not in reports["page.txt#1"]["flags"]


def test_rerun_skips_an_unchanged_page_and_drops_a_vanished_piece(folder: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    run_batch(folder, url, progress=False)
    before = export(Store(url), "json", None)
    again = run_batch(folder, url, progress=False)
    assert again.analyzed == 0 and again.skipped == 2 and again.failed == 1
    assert export(Store(url), "json", None) == before
    copied = (SAMPLES / AGRI).read_text(encoding="utf-8").replace("清源区", "石桥县")
    (folder / "page.txt").write_text(_page(copied, pieces=2), encoding="utf-8")
    changed = run_batch(folder, url, progress=False)
    assert changed.analyzed == 2 and changed.skipped == 1
    paths = set(Store(url).stored_reports())
    assert paths == {AGRI, "page.txt#1", "page.txt#2"}


def test_a_page_that_stops_being_a_collection_is_stored_whole(folder: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    run_batch(folder, url, progress=False)
    (folder / "page.txt").write_text(PIECE_ONE + "\n", encoding="utf-8")
    summary = run_batch(folder, url, progress=False)
    assert summary.analyzed == 1 and summary.removed == 0
    assert set(Store(url).stored_reports()) == {AGRI, "page.txt"}
    assert "template_site" not in (_reports(url)["page.txt"]["flags"])
