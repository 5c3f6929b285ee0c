"""The genre model: cuts, training on a small corpus, the command's errors, partial texts."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from pipeline import genre_model
from pipeline.cli import main
from tests.analyzers.helpers import results_of
from tests.conftest import ROOT


def test_cuts_drop_the_title_and_stay_in_bounds() -> None:
    text = "某镇党委书记述职报告\n" + "我主持召开党委会议十二次，带头讲党课。" * 40
    pieces = genre_model.cuts(text, random.Random(1))
    assert pieces[0] == text.split("\n", 1)[1]
    assert len(pieces) == 1 + genre_model.CUTS_PER_TEXT
    assert all(genre_model.MIN_CUT <= len(p) <= genre_model.MAX_CUT for p in pieces[1:])
    assert all(p in text or p in text.replace("\n", "") for p in pieces)
    assert genre_model.cuts(text, random.Random(1)) == pieces


def test_stance_features_read_voice_and_frame() -> None:
    speech, report = genre_model.stance_features(
        [
            "同志们：要提高认识，要压实责任，必须抓好落实。",
            "作为党支部书记，我认真履职，我对党员教育抓得不够。",
        ]
    )
    names = [n for n, _, _ in genre_model._STANCE]
    assert speech[names.index("comrades")] > 0 and speech[names.index("imperative")] > 0
    assert report[names.index("personal_wo")] > 0 and report[names.index("self_problem")] > 0
    assert report[names.index("comrades")] == 0


def _tiny_corpus(root: Path) -> None:
    for genre in genre_model.GENRES:
        for src in sorted((ROOT / "corpora" / "genres" / genre).glob("*.txt"))[:4]:
            (root / genre).mkdir(parents=True, exist_ok=True)
            (root / genre / src.name).write_text(src.read_text(encoding="utf-8"), encoding="utf-8")


def test_train_writes_model_and_card(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _tiny_corpus(corpus)
    report = genre_model.train(tmp_path / "out", corpus)
    assert report.n_texts == 24 and report.n_rows > report.n_texts
    card = (tmp_path / "out" / genre_model.CARD_NAME).read_text(encoding="utf-8")
    assert "train-genre" in card and str(report.cv_report_recall) in card
    genre_model.load.cache_clear()
    genre_model.load_fast.cache_clear()
    probs = genre_model.probabilities("同志们：要提高认识，压实责任。", str(tmp_path / "out"))
    assert probs is not None and set(probs) == set(genre_model.GENRES)
    assert abs(sum(probs.values()) - 1) < 1e-6


def test_train_genre_bad_corpus_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "诗歌").mkdir()
    (tmp_path / "诗歌" / "a.txt").write_text("床前明月光", encoding="utf-8")
    assert main(["train-genre", "--corpus", str(tmp_path), "--out", str(tmp_path / "m")]) != 0
    err = capsys.readouterr().err.strip()
    assert "诗歌" in err and "Traceback" not in err and len(err.splitlines()) == 1
    assert main(["train-genre", "--corpus", str(tmp_path / "absent")]) != 0
    assert "absent" in capsys.readouterr().err


def test_fast_model_gives_the_pipelines_probabilities() -> None:
    """Analysis reads FastGenreModel; it must give predict_proba's numbers, bit for bit."""
    import numpy as np

    model = genre_model.load(str(ROOT / "models"))
    fast = genre_model.FastGenreModel(model)
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpora" / "genres").rglob("*.txt"))]
    texts += ["", "。", "XX", "abc", "同志们：要提高认识，压实责任。"]
    assert list(fast.classes_) == list(model.classes_)
    for text in texts:
        assert np.array_equal(fast.predict_proba_one(text), model.predict_proba([text])[0]), text[:30]


def test_no_model_falls_back_to_cues(tmp_path: Path) -> None:
    assert genre_model.probabilities("任何文本", str(tmp_path)) is None


# Untitled excerpts cut at either end, written by the team for this test.
@pytest.mark.parametrize(
    ("text", "genre"),
    [
        pytest.param(
            "带领支部一班人走村入户，我先后召开村民代表会议6次，推动修建灌溉水渠3公里。"
            "对照职责，我还存在不足：一是对党员教育抓得不够经常，二是带头学习不够深入。"
            "问题的根源在于我抓党建的责任意识不强。下一步，我将每月为党员上一次微党课，",
            "述职报告",
            id="report-excerpt-personal",
        ),
        pytest.param(
            "会上，12名村党组织书记逐一述职，镇党委班子成员现场点评，与会党员代表进行了测评。"
            "镇党委书记在讲话中指出，各村要对照点评意见认真整改。据了解，测评结果将纳入年度考核。",
            "新闻报道",
            id="news-excerpt",
        ),
        pytest.param(
            "要把责任扛在肩上，各村党组织书记要亲自抓、带头干。要把问题找准找实，不能避重就轻。"
            "要把整改落到实处，镇党委将逐一跟踪督办。同志们，任务艰巨，希望大家真抓实干。",
            "讲话稿",
            id="speech-excerpt",
        ),
        pytest.param(
            "三、实施步骤\n（一）动员部署阶段（3月）：召开动员会，制定工作台账。\n"
            "（二）集中实施阶段（4月至10月）：各支部按照任务清单推进。\n"
            "（三）总结提升阶段（11月）：总结经验，建立长效机制。\n四、保障措施\n成立领导小组，明确责任分工。",
            "实施方案",
            id="plan-excerpt",
        ),
    ],
)
def test_partial_texts(text: str, genre: str) -> None:
    assert results_of(text)["genre"].label == genre
