"""Every page through Streamlit's AppTest against the fixture database."""

from __future__ import annotations

import pytest

from pipeline.store import Store
from tests.conftest import ROOT

streamlit_testing = pytest.importorskip("streamlit.testing.v1")
PAGES = "pipeline/dashboard/pages/{}.py"


@pytest.fixture()
def app(fresh_db: str, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SHUZHI_DB", fresh_db)
    monkeypatch.chdir(ROOT)
    at = streamlit_testing.AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    return at


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [str(m.value) for m in at.metric]
    parts += [w.value for w in at.write] if hasattr(at, "write") else []
    return "\n".join(str(p) for p in parts)


def test_overview(app) -> None:
    assert not app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["报告"] == "17"
    assert metrics["班子汇报"] == "1"
    frame = app.dataframe[0].value
    assert "2024_city_housing_bureau_team.txt" in set(frame["文件"])
    assert "班子汇报" in " ".join(frame["标记"])


def test_report_page_shows_evidence_and_saves_a_decision(app, fresh_db: str) -> None:
    app.session_state["report_path"] = "2024_city_housing_bureau_team.txt"
    app.switch_page(PAGES.format("report")).run()
    assert not app.exception
    html = "\n".join(m.value for m in app.markdown)
    assert 'class="wo-collective"' in html and "part-mark" in html
    app.sidebar.text_input(key="reviewer").input("张审阅")
    app.radio[0].set_value("退回修改")
    drafted = app.text_area[0].value
    assert drafted.startswith("1. ") and "我" in drafted  # the team-report finding, drafted as point 1
    app.text_area[0].input(drafted + "\n（2）请补充本人抓基层党建的具体事例。")
    app.text_area[1].input("通篇是班子口吻，请以本人身份重写。")
    app.button[0].click().run()
    assert not app.exception
    review = Store(fresh_db).latest_reviews()["2024_city_housing_bureau_team.txt"]
    assert review["decision"] == "退回修改"
    assert review["points"][-1] == "请补充本人抓基层党建的具体事例。"
    assert not any(p[:1].isdigit() for p in review["points"])  # the numbers are the letter's, not the text's
    assert [d.label for d in app.get("download_button")] == ["下载审阅意见书（.docx）"]
    # A restart (a new session) sees the decision in the overview.
    again = streamlit_testing.AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    again.run()
    frame = again.dataframe[0].value.set_index("文件")
    assert frame.loc["2024_city_housing_bureau_team.txt", "审阅状态"] == "退回修改"


def test_hostile_report_renders_as_text(app) -> None:
    app.session_state["report_path"] = "2024_markup_test.txt"
    app.switch_page(PAGES.format("report")).run()
    assert not app.exception
    html = "\n".join(m.value for m in app.markdown)
    assert "&lt;script&gt;" in html and "<script>" not in html


def test_copies_page(app) -> None:
    app.switch_page(PAGES.format("copies")).run()
    assert not app.exception
    html = "\n".join(m.value for m in app.markdown)
    assert "copied" in html
    captions = " ".join(c.value for c in app.caption)
    assert "布署" in captions
    # Names are shown as plain text: Markdown characters escaped.
    assert any(r"2024\_district\_agri\_bureau\_copy\_a\.txt" in str(w.value) for w in app.markdown)


def test_votes_page(app) -> None:
    app.switch_page(PAGES.format("votes")).run()
    assert not app.exception
    frame = app.dataframe[0].value
    assert {"排名", "单位", "文本得分", "测评得分", "综合得分"} <= set(frame.columns)


def test_report_page_shows_last_years_problems(app) -> None:
    app.session_state["report_path"] = "2024_university_chem_college_repeat.txt"
    app.switch_page(PAGES.format("report")).run()
    assert not app.exception
    table = next(d.value for d in app.dataframe if "整改情况" in d.value.columns)
    assert {"问题", "来源", "整改情况", "相关段落"} <= set(table.columns)
    assert set(table["整改情况"]) <= {"已说明整改", "再次出现（未整改）", "未提及"}
    assert len(table) >= 2


def test_votes_page_writes_letters_and_summary(app) -> None:
    import io
    import zipfile

    app.switch_page(PAGES.format("votes")).run()
    next(b for b in app.button if b.label == "生成审阅意见书压缩包").click().run()
    next(b for b in app.button if b.label == "生成审阅情况专题报告").click().run()
    assert not app.exception
    labels = [d.label for d in app.get("download_button")]
    assert "下载审阅意见书（.zip）" in labels and "下载审阅情况专题报告（.docx）" in labels
    made = app.session_state["letters_zip"][1]
    with zipfile.ZipFile(io.BytesIO(made)) as zf:
        assert len(zf.namelist()) == 17 and all(n.endswith("_审阅意见.docx") for n in zf.namelist())
    assert app.session_state["summary_docx"][:2] == b"PK"


def test_upload_page_without_files(app) -> None:
    app.switch_page(PAGES.format("upload")).run()
    assert not app.exception
    assert [t.value for t in app.title] == ["上传审阅"]


def test_missing_database_is_an_error_not_a_crash(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.db").write_bytes(b"not a database at all" * 10)
    monkeypatch.setenv("SHUZHI_DB", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.chdir(ROOT)
    at = streamlit_testing.AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert at.error and "无法打开数据库" in at.error[0].value


def test_the_database_is_chosen_by_the_server(app) -> None:
    assert not [t for t in app.sidebar.text_input if t.key == "db"]
    assert not app.sidebar.selectbox  # one database: nothing to choose


def test_db_folder_offers_only_its_databases(
    fresh_db: str, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    folder = tmp_path / "dbs"
    folder.mkdir()
    shutil.copy(fresh_db.removeprefix("sqlite:///"), folder / "2023.db")
    (folder / "notes.txt").write_text("not a database", encoding="utf-8")
    (folder / "elsewhere.db").symlink_to("/etc/hostname")
    monkeypatch.setenv("SHUZHI_DB", fresh_db)
    monkeypatch.setenv("SHUZHI_DB_DIR", str(folder))
    monkeypatch.chdir(ROOT)
    at = streamlit_testing.AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    assert at.sidebar.selectbox[0].options == [fresh_db, f"sqlite:///{folder / '2023.db'}"]


def test_crafted_names_render_as_text() -> None:
    from pipeline.dashboard.data import plain

    crafted = "![x](http://127.0.0.1/a.png)$x$:red[隐藏]"
    shown = plain(crafted)
    for token in ("![", "](", "$x$", ":red["):
        assert token not in shown
    assert shown.replace("\\", "") == crafted
