from __future__ import annotations

from collections import Counter

import pytest

from pipeline.ingest.normalize import fix_punctuation, fix_spaces, fix_width, normalise_line, remove_pinyin


@pytest.mark.parametrize(
    ("step", "raw", "fixed"),
    [
        pytest.param(fix_width, "２０２４年发展党员１２名", "2024年发展党员12名", id="fullwidth-digits"),
        pytest.param(fix_width, "ＡＢＣ科室", "ABC科室", id="fullwidth-letters"),
        pytest.param(fix_width, "全年\u3000开展", "全年 开展", id="ideographic-space"),
        pytest.param(remove_pinyin, "持续(xù)推进", "持续推进", id="pinyin-halfwidth"),
        pytest.param(remove_pinyin, "戮（lù）力同心", "戮力同心", id="pinyin-fullwidth"),
        pytest.param(remove_pinyin, "纤(qian4)维", "纤维", id="pinyin-tone-digit"),
        pytest.param(remove_pinyin, "各区(县)党委", "各区(县)党委", id="real-bracket-kept"),
        pytest.param(remove_pinyin, "推行(PDCA)循环", "推行(PDCA)循环", id="acronym-kept"),
        pytest.param(remove_pinyin, "发展(见附件)", "发展(见附件)", id="chinese-bracket-kept"),
        pytest.param(fix_spaces, "党委 (党组 )深入 学习", "党委(党组)深入学习", id="spaces-cjk"),
        pytest.param(fix_spaces, "抗洪涝 ,抓脱贫 、惠民生", "抗洪涝,抓脱贫、惠民生", id="spaces-punct"),
        pytest.param(fix_spaces, "Party building work", "Party building work", id="latin-words-kept"),
        pytest.param(fix_spaces, "序号 \t 任务\t\t措施", "序号\t任务\t措施", id="table-cells"),
        pytest.param(fix_punctuation, "以来,全市党委", "以来，全市党委", id="comma"),
        pytest.param(fix_punctuation, "共1,000人", "共1,000人", id="thousands-kept"),
        pytest.param(fix_punctuation, "时间:10:30", "时间：10:30", id="colon-time"),
        pytest.param(fix_punctuation, "党委(党组)", "党委（党组）", id="parens"),
        pytest.param(fix_punctuation, '反映"难办事"问题', "反映“难办事”问题", id="quotes"),
        pytest.param(fix_punctuation, "??的问题", "??的问题", id="lost-chars-kept"),
    ],
)
def test_step(step, raw: str, fixed: str) -> None:
    out, _ = step(raw)
    assert out == fixed
    again, n = step(out)
    assert again == out and n == 0 or again == out


def test_normalise_line_counts_repairs() -> None:
    counts: Counter[str] = Counter()
    examples: dict[str, str] = {}
    line = normalise_line("全市各级党委 (党组 )持续(xù)推进,完成２项", counts, examples)
    assert line == "全市各级党委（党组）持续推进，完成2项"
    assert counts["pinyin_removed"] == 1
    assert counts["spaces_removed"] >= 2
    assert set(examples) >= {"pinyin_removed", "spaces_removed", "punctuation"}
