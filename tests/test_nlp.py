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


def test_fast_path_equals_blank_spacy_pipeline(samples) -> None:
    """Without the model, parse() skips building a spaCy Doc; it must cut exactly what the blank
    spaCy pipeline (jieba segmenter + sentencizer) cuts."""
    from pipeline.ingest import load
    from pipeline.nlp import fast_parse, from_spacy, get_nlp

    nlp = get_nlp()
    if nlp.has_pipe("parser"):
        import spacy

        nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        from pipeline.nlp import SENTENCE_PUNCT

        nlp.add_pipe("sentencizer", config={"punct_chars": SENTENCE_PUNCT})
    for path in sorted(samples.glob("*.txt")):
        text = load(path).text
        slow, fast = from_spacy(nlp(text)), fast_parse(text)
        assert [(t.text, t.start) for t in slow.tokens if t.text.strip()] == [
            (t.text, t.start) for t in fast.tokens if t.text.strip()
        ]
        assert [(s.start, s.end) for s in slow.sentences] == [(s.start, s.end) for s in fast.sentences]


def test_parse_with_a_parser_maps_subjects_to_text_offsets(monkeypatch) -> None:
    """The model path without the model: a stand-in parser whose heads and deps are set by hand."""
    import jieba
    import spacy
    from spacy.tokens import Doc

    from pipeline import nlp as nlp_module

    vocab = spacy.blank("zh").vocab

    class HandParser:
        meta = {"shuzhi_pipeline": "hand-set parser"}

        def has_pipe(self, name: str) -> bool:
            return name == "parser"

        def pipe(self, texts):
            for text in texts:
                words = [w for w in jieba.lcut(text) if w]
                deps = ["nsubj" if w in ("局党组", "党组", "我") else "dep" for w in words]
                deps[0] = "ROOT" if deps[0] != "nsubj" else "nsubj"
                heads = [0] * len(words)
                yield Doc(vocab, words=words, spaces=[False] * len(words), heads=heads, deps=deps)

    monkeypatch.setattr(nlp_module, "get_nlp", lambda settings=None: HandParser())
    monkeypatch.setattr(nlp_module, "model_wanted", lambda: True)
    text = "全年工作有序推进。\n局党组研究部署党建工作。我主持召开会议。"
    parsed = nlp_module.parse(text)
    assert parsed.has_parse
    assert [text[s:e] for s, e, _ in parsed.subjects] == ["党组", "我"] or [
        text[s:e] for s, e, _ in parsed.subjects
    ] == ["局党组", "我"]
    assert parsed.sentences == nlp_module.fast_parse(text).sentences  # the same sentences as without a parser


def test_fast_segmenter_cuts_jiebas_tokens_on_the_whole_corpus(tmp_path) -> None:
    """jieba-next is used only because it gives jieba's exact tokens: every corpus text, clean."""
    import subprocess
    import sys

    import jieba

    from pipeline.errors import ShuzhiError
    from pipeline.ingest import load
    from pipeline.nlp import _fast_segmenter, jieba_words, segmenter
    from tests.conftest import ROOT

    fast = _fast_segmenter()
    if fast is None:
        pytest.skip("jieba-next not installed")
    assert segmenter() is fast
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "corpora" / "generate.py"),
            "--n",
            "60",
            "--seed",
            "3",
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    paths = sorted((ROOT / "corpora").rglob("*.txt")) + sorted(tmp_path.glob("*.txt"))
    checked = 0
    for path in paths:
        try:
            text = load(path).text
        except ShuzhiError:
            continue
        assert list(fast.tokenize(text)) == list(jieba.tokenize(text)), path.name
        checked += 1
    assert checked > 300
    assert jieba_words("我县三会一课落实到位。") == jieba.lcut("我县三会一课落实到位。")
