"""Property tests: cleaning never raises and is idempotent."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.errors import IngestError
from pipeline.ingest import clean_text, load_bytes
from tests.conftest import SAMPLES

_SAMPLE_LINES = [
    line
    for path in sorted(SAMPLES.glob("2024_*.txt"))
    for line in path.read_text(encoding="utf-8-sig").splitlines()
    if line.strip()
][:400]
_DIRT = [
    "范文网 www.fanwenwang.com",
    "第2页 共5页",
    "- 3 -",
    "分享到：微信 微博",
    "温馨提示：",
    "1. 本站资料仅供参考。",
    "推荐阅读",
    "2024-03-18 10:28",
    "[责编：王五]",
    "0",
    "述职",
    "XX局党组书记述职报告",
    "持续(xù)推进 , 党委 (党组 )",
    "全年发展党员１２名??",
    "",
    "   ",
    "序号\t任务\t措施",
]
_ALPHABET = st.sampled_from(
    list("我们党委的是一二三、，。；：？！“”（）()[]<>XXx0123456789 \t年月日报告问题原因下一步打算")
    + ["\u3000", "\ufffd", "\u200b", "ａ", "１", "·", "—", "…", "(xù)", "www.", ".com"]
)
_REALISTIC_LINE = st.one_of(
    st.sampled_from(_SAMPLE_LINES),
    st.sampled_from(_DIRT),
    st.lists(_ALPHABET, max_size=40).map("".join),
)
_REALISTIC_TEXT = st.lists(_REALISTIC_LINE, max_size=40).map("\n".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_clean_never_raises_on_any_text(text: str) -> None:
    doc = clean_text(text)
    assert isinstance(doc.text, str)
    assert all(0 <= s <= e <= len(doc.text) for s, e in doc.placeholders)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4000), st.sampled_from(["a.txt", "a.docx", "a.pdf", "a.html", "a.doc", "noext"]))
def test_load_bytes_only_raises_ingest_errors(data: bytes, name: str) -> None:
    try:
        doc = load_bytes(data, name)
    except IngestError as exc:
        assert exc.reason and "\n" not in exc.reason
    else:
        assert isinstance(doc.text, str)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_REALISTIC_TEXT)
def test_cleaning_is_idempotent_on_realistic_text(text: str) -> None:
    once = clean_text(text).text
    assert clean_text(once).text == once


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
@example("\xa0Ýë")  # a no-break space before a GBK mojibake run: repaired on the first pass, not the second
@example("报告\xa0ÎÒÃÇ\xa0好")
def test_cleaning_is_idempotent_on_any_text(text: str) -> None:
    once = clean_text(text).text
    assert clean_text(once).text == once
