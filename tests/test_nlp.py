from __future__ import annotations

import pytest

from pipeline.nlp import parse, pipeline_name


@pytest.mark.parametrize("word", ["我县", "我局", "我校", "我中心", "三会一课", "一岗双责", "两个维护"])
def test_custom_dictionary_keeps_words_whole(word: str) -> None:
    parsed = parse(f"今年{word}认真落实各项要求。")
    assert word in [t.text for t in parsed.tokens]


def test_tokens_and_sentences_point_into_text() -> None:
    text = "我主持召开会议12次。我县三会一课落实到位！\n下一步，我将带头落实一岗双责；抓好整改。"
    parsed = parse(text)
    assert all(text[t.start : t.end] == t.text for t in parsed.tokens)
    assert [text[s.start : s.end] for s in parsed.sentences] == [
        "我主持召开会议12次。",
        "我县三会一课落实到位！",
        "下一步，我将带头落实一岗双责；",
        "抓好整改。",
    ]


def test_pipeline_says_which_it_uses() -> None:
    name = pipeline_name()
    assert "zh_core_web_sm" in name or "blank zh + jieba" in name
