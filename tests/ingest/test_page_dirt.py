"""Real page dirt the team reproduces in its own words (issue 16): converter marks, pinyin in
traditional text, PDF hyphenation, page-cut paragraphs, related-article lists, collection pages and
characters lost to a wrong code page."""

from __future__ import annotations

import pytest

from pipeline.ingest import clean_text
from pipeline.ingest.normalize import fix_hyphenation, fix_marks


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        pytest.param("〔一〕抓班子带队伍", "（一）抓班子带队伍", id="tortoise-heading"),
        pytest.param("〔12〕完善制度", "（12）完善制度", id="tortoise-number"),
        pytest.param("区委发〔2023〕7号", "区委发〔2023〕7号", id="document-number-kept"),
        pytest.param("开展〝三联三帮〞活动", "开展“三联三帮”活动", id="vertical-quotes"),
        pytest.param("落实“四议两公开〞制度", "落实“四议两公开”制度", id="closing-only"),
        pytest.param("学习﹐调研﹑督查", "学习，调研、督查", id="small-forms"),
    ],
)
def test_converter_marks(raw: str, fixed: str) -> None:
    out, n = fix_marks(raw)
    assert out == fixed
    assert (n > 0) == (raw != fixed)
    assert fix_marks(out) == (out, 0)


@pytest.mark.parametrize(
    ("raw", "fixed"),
    [
        pytest.param("坚持民-主集中制", "坚持民主集中制", id="word"),
        pytest.param("推动京-港两地合作", "推动京-港两地合作", id="dash-between-words-kept"),
        pytest.param("2023-2024学年", "2023-2024学年", id="numbers-kept"),
    ],
)
def test_hyphenation(raw: str, fixed: str) -> None:
    assert fix_hyphenation(raw)[0] == fixed


def test_pinyin_in_traditional_text_goes_before_conversion() -> None:
    doc = clean_text("我堅(jiān)持把頭(tóu)髮(fà)梳理乾(gān)淨(jìng)，長(zhǎng)期抓落實(shí)。")
    assert doc.text == "我坚持把头发梳理干净，长期抓落实。"
    assert doc.converted_from == "traditional"
    assert any(r.kind == "pinyin_removed" for r in doc.repairs)


def test_hyphen_at_line_end_joins_the_word() -> None:
    raw = (
        "某学院党总支书记述职报告\n"
        "我坚持每月召开一次党总支会议专题研究党建工作，重大事项均经集体讨论决定，落实民-\n"
        "主集中制，没有出现个人说了算的情况。\n"
    )
    doc = clean_text(raw)
    assert "落实民主集中制，没有出现" in doc.text
    assert any(r.kind == "hyphenation" for r in doc.repairs)


def test_gbk_read_as_latin1_is_re_decoded() -> None:
    garbled = "我们坚持把群众满意作为标准".encode("gbk").decode("latin-1")
    doc = clean_text(f"今年以来，{garbled}，落实了各项制度。")
    assert doc.text == "今年以来，我们坚持把群众满意作为标准，落实了各项制度。"
    assert any(r.kind == "mojibake_repaired" for r in doc.repairs)
    assert doc.unreliable == ()


def test_utf8_read_as_cp1252_is_re_decoded() -> None:
    garbled = "民主集中制".encode().decode("cp1252")
    doc = clean_text(f"我带头落实{garbled}，重大事项集体研究。")
    assert doc.text == "我带头落实民主集中制，重大事项集体研究。"


def test_unrepairable_run_is_marked_unreliable_and_warned() -> None:
    doc = clean_text("我们坚持ÃÃ×标准，全年走访??户群众。")
    spans = [doc.text[a:b] for a, b in doc.unreliable]
    assert spans == ["ÃÃ×", "??"]
    assert any("could not be re-decoded" in w for w in doc.warnings)


def test_a_latin_word_in_a_report_stays() -> None:
    doc = clean_text("推行PDCA循环和café式讨论，效果较好。")
    assert doc.text == "推行PDCA循环和café式讨论，效果较好。"
    assert doc.unreliable == ()


COLLECTION = """2023年村党支部书记述职报告精选3篇
下面整理了几篇村书记述职报告，供大家参考。
篇1
东坡村党支部书记述职报告
一年来，我在镇党委领导下，抓班子带队伍，全年发展党员两名。
我的问题是学习不够深入。
【篇二】西岭村党支部书记述职报告
今年以来，我带领两委班子修通了产业路三公里。
我对集体经济发展思路不宽。
篇3：南山村书记述职
我坚持每周坐班三天。
"""


def test_collection_page_splits_into_pieces(tmp_path) -> None:
    from pipeline.ingest import load_pieces

    path = tmp_path / "page.txt"
    path.write_text(COLLECTION, encoding="utf-8")
    docs = load_pieces(path)
    assert [d.path for d in docs] == [f"{path}#1", f"{path}#2", f"{path}#3"]
    assert docs[0].text.splitlines()[0] == "东坡村党支部书记述职报告"
    assert docs[1].text.splitlines()[0] == "西岭村党支部书记述职报告"
    assert docs[2].text == "南山村书记述职\n我坚持每周坐班三天。"
    assert all("合集页：2023年村党支部书记述职报告精选3篇" in d.source_hints for d in docs)
    raw = COLLECTION.splitlines()
    for doc in docs:  # removed lines and segments point at the page's own lines
        assert {r.reason for r in doc.removed} >= {"collection_wrapper"}
        for r in doc.removed:
            assert raw[r.line - 1].strip() == r.text
        for offset, line in doc.segments:
            assert raw[line - 1].strip().endswith(doc.text[offset:].split("\n")[0])


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "某局党组书记述职报告\n我全年撰写调研文章三篇，篇篇都有数据。\n篇二不成立。\n", id="pian-in-body"
        ),
        pytest.param("述职报告\n篇2\n第二部分内容。\n篇3\n第三部分。\n", id="not-counting-from-one"),
    ],
)
def test_a_report_is_not_split(tmp_path, text: str) -> None:
    from pipeline.ingest import load_pieces

    path = tmp_path / "r.txt"
    path.write_text(text, encoding="utf-8")
    assert [d.path for d in load_pieces(path)] == [str(path)]


def test_cli_clean_and_analyze_name_pieces(tmp_path, capsys) -> None:
    import json

    from pipeline.cli import main

    path = tmp_path / "page.txt"
    path.write_text(COLLECTION, encoding="utf-8")
    assert main(["clean", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.count("==> ") == 3 and f"==> {path}#2 <==" in out
    assert main(["analyze", "--json", "--workers", "1", str(path)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["path"] for r in rows] == [f"{path}#1", f"{path}#2", f"{path}#3"]
    assert all("template_site" in r["flags"] for r in rows)


_CUT = "我坚持每月至少两天驻村，走遍全镇十一个行政村，召开党员群众座谈会十四场，现场解决了西岭村饮水管网老化、后坪村"
_REST = "村部危房改造等群众急难愁盼问题。"


@pytest.mark.parametrize(
    "page_break",
    [
        pytest.param("\f", id="form-feed"),
        pytest.param("\n\n3\n\n", id="bare-page-number"),
        pytest.param("\n- 3 -\n", id="dashed-page-number"),
        pytest.param("\n第 3 页 共 8 页\n", id="page-of"),
        pytest.param("\n某镇机关党委\n— 3 —\n", id="running-header-and-number"),
    ],
)
def test_paragraph_cut_by_a_page_break_is_rejoined(page_break: str) -> None:
    doc = clean_text(f"某镇党委书记述职报告\n{_CUT}{page_break}{_REST}\n二、存在问题\n")
    assert _CUT + _REST in doc.text.split("\n")


def test_short_line_cut_by_a_bare_page_number_is_rejoined() -> None:
    doc = clean_text("某镇党委书记述职报告\n我坚持每月驻村，解决了后坪村\n3\n村部危房改造问题。\n")
    assert "我坚持每月驻村，解决了后坪村村部危房改造问题。" in doc.text
    assert [r.reason for r in doc.removed] == ["page_footer"]


_BODY = (
    "某县水利局党组书记述职报告\n"
    "一年来，我认真履行党建第一责任人职责，全年主持召开党组会议研究党建工作十二次。\n"
    "我带头讲党课四次，走访基层站所三十次，推动解决了一批群众反映的问题。\n"
)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(_BODY + "相关文章：\n县水利局召开党建工作推进会\n关于做好防汛工作的通知\n", id="below"),
        pytest.param(
            _BODY + "延伸阅读\n· 县水利局召开党建工作推进会\n· 全县水利系统开展主题党日\n", id="bullets"
        ),
        pytest.param(
            "推荐阅读\n县水利局召开党建工作推进会\n全县水利系统开展主题党日\n" + _BODY, id="side-list-above"
        ),
        pytest.param(_BODY + "上一篇：县水利局召开党建工作推进会\n下一篇：没有了\n", id="prev-next"),
    ],
)
def test_related_article_list_is_removed(raw: str) -> None:
    doc = clean_text(raw)
    assert doc.text == _BODY.strip()
    assert all(r.reason in {"recommended", "recommended_list", "trailing_chrome", "nav"} for r in doc.removed)


def test_excerpt_without_title_survives() -> None:
    raw = (
        "村部危房改造等群众急难愁盼问题。\n"
        "二、存在的问题\n"
        "一是我对年轻干部培养缺少长远规划；二是督查偏重看材料，到现场看得少。\n"
        "三、下步打算\n"
        "我将每季度逐村检查一次，确保问题按期销号。\n"
    )
    doc = clean_text(raw)
    assert doc.text == raw.strip()
    assert doc.removed == ()
