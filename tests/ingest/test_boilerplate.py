from __future__ import annotations

import pytest

from pipeline.ingest.boilerplate import classify, load_rules, strip_inline_watermark
from pipeline.settings import Settings

RULES = load_rules(Settings())


def reasons_of(lines: list[str]) -> list[str | None]:
    return classify(lines, RULES)[0]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        pytest.param("范文大全www.fanwendaquan.net", "watermark", id="watermark"),
        pytest.param("www.xiezuobang.cn写作帮", "watermark", id="watermark-domain-first"),
        pytest.param("https://www.example-site.cn/a/2024/12.html", "url", id="url"),
        pytest.param("投稿邮箱：tougao@example.cn", "email", id="email"),
        pytest.param("客服QQ：12345678 客服电话：400-123-4567", "contact", id="contact"),
        pytest.param("温馨提示：", "disclaimer", id="disclaimer-header"),
        pytest.param("第3页 共8页", "page_footer", id="footer-cn"),
        pytest.param("- 3 -", "page_footer", id="footer-dash"),
        pytest.param("3/8", "page_footer", id="footer-slash"),
        pytest.param("分享到：微信 微博 QQ空间", "share_widget", id="share"),
        pytest.param("首页>党建频道>基层党建>正文", "breadcrumb", id="breadcrumb"),
        pytest.param("正在阅读：某某会议侧记", "now_reading", id="now-reading"),
        pytest.param("内容加载中，请稍候。", "loading", id="loading"),
        pytest.param("来源：某某日报 2024-01-11 11:30", "byline", id="byline-source"),
        pytest.param("[责编：张三]", "byline", id="byline-editor"),
        pytest.param("您此时的心情", "reaction", id="reaction-header"),
        pytest.param("0", "reaction", id="reaction-counter"),
        pytest.param("推荐阅读", "recommended", id="recommended-header"),
        pytest.param("版权所有 © 2024 某某网 All Rights Reserved", "copyright", id="copyright"),
        pytest.param("京ICP备12345678号-1", "icp", id="icp"),
        pytest.param("京公网安备11010502000001号", "icp", id="police-record"),
        pytest.param("上一篇：某某通知", "nav", id="prev-article"),
        pytest.param("热门搜索：述职报告 党建总结", "nav", id="hot-search"),
        pytest.param("（内部资料 注意保存）", "compilation", id="internal-material"),
        pytest.param("▲党员干部参观纪念馆", "caption", id="caption"),
    ],
)
def test_boilerplate_line(line: str, reason: str) -> None:
    assert reasons_of(["一、履行职责情况", line, "我主持召开党组会议研究党建工作12次。"])[1] == reason


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("一、履行职责情况", id="heading"),
        pytest.param("（二）存在的问题", id="paren-heading"),
        pytest.param("一是强化政治引领。", id="yishi"),
        pytest.param("来源于群众的意见建议共32条，已全部办结。", id="laiyuan-content"),
        pytest.param("2024年12月20日", id="date-line"),
        pytest.param("以上报告，请予审议。", id="closing"),
        pytest.param("1.加强理论学习，全年组织集中学习12次。", id="list-item"),
        pytest.param("序号\t任务\t责任人\t完成时限", id="table-row"),
        pytest.param("时间紧、任务重的时候，党员冲在前面。", id="shijian-content"),
        pytest.param("各区(县)党委要把述职评议作为“风向标”。", id="bracket"),
    ],
)
def test_content_line_kept(line: str) -> None:
    assert reasons_of(["某某局党组书记述职报告", line, "我主持召开党组会议研究党建工作12次。"])[1] is None


def test_watermark_gives_source_hint() -> None:
    _, hints = classify(["前半句", "公文范文网 www.gongwenfw.com", "后半句。"], RULES)
    assert hints == ["公文范文网 www.gongwenfw.com"]


def test_recommended_list_pairs() -> None:
    lines = [
        "正文第一段。",
        "推荐阅读",
        "某地召开党建工作会议",
        "2024-03-18 10:28",
        "另一条新闻标题",
        "2024-02-09 16:37",
    ]
    assert reasons_of(lines) == [
        None,
        "recommended",
        "recommended_list",
        "recommended_list",
        "recommended_list",
        "recommended_list",
    ]


def test_disclaimer_block_owns_its_items_only() -> None:
    lines = [
        "温馨提示：",
        "1. 本站文档均来自网友上传，仅供参考。",
        "2. 本站不对文档内容的准确性负责。",
        "一、履行职责情况",
        "1. 我主持召开会议5次。",
    ]
    assert reasons_of(lines) == ["disclaimer", "disclaimer", "disclaimer", None, None]


def test_split_title_keywords() -> None:
    lines = [
        "述职",
        "报告",
        "党建",
        "范文",
        "XX局党组书记2024年度抓基层党建工作述职报告",
        "现将有关情况报告如下：",
    ]
    assert reasons_of(lines)[:4] == ["split_title"] * 4
    assert reasons_of(lines)[4:] == [None, None]


def test_duplicate_title_removed_once() -> None:
    lines = ["某某实施方案", "时间：2022-03-28 10:13:20", "某某实施方案", "根据上级要求，制定本方案。"]
    assert reasons_of(lines) == [None, "byline", "duplicate_title", None]


def test_trailing_chrome_after_editor_line() -> None:
    body = ["我主持召开党组会议研究党建工作12次，解决了一批难题。"] * 6
    tail = ["[责编：李四]", "光明投票", "• 开心", "视觉焦点"]
    reasons = reasons_of(body + tail)
    assert reasons[:6] == [None] * 6
    assert reasons[6:] == ["byline", "trailing_chrome", "trailing_chrome", "recommended"]


def test_running_header_next_to_page_footer() -> None:
    lines = [
        "某大学述职报告汇总本",
        "正文第一段很长很长很长很长很长很长，",
        "- 2 -",
        "院级党组织书记述职材料",
        "接着写。",
        "第二段。",
        "- 3 -",
        "院级党组织书记述职材料",
        "第三段。",
    ]
    reasons = reasons_of(lines)
    assert reasons[3] == "running_header" and reasons[7] == "running_header"


def test_forum_replies_dropped() -> None:
    lines = [
        "某某",
        "楼主",
        "发表于 2024-12-3 09:12 | 只看该作者",
        "一、履行职责情况",
        "我主持召开会议。",
        "路人甲",
        "沙发",
        "发表于 2024-12-3 10:05 | 只看该作者",
        "写得不错，原因分析可以再多写几句。",
    ]
    reasons = reasons_of(lines)
    assert reasons[3] is None and reasons[4] is None
    assert reasons[0] == "forum" and reasons[5] == "forum"
    assert reasons[8] == "forum_reply"


def test_inline_watermark_stripped_from_content() -> None:
    line, hint = strip_inline_watermark(
        "列出问题清单、责任清单 范文站 www.fanwenzhan.com 、整改清单，逐项销号。"
    )
    assert "www" not in line and line.startswith("列出问题清单")
    assert hint == "范文站 www.fanwenzhan.com"
