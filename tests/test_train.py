"""The sentence model: the card's figures hold, held-out behaviour, deterministic training."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.sentence_model import LABELS, load_model
from pipeline.settings import DEFAULT_MODEL_DIR
from pipeline.train import HELDOUT_TSV, read_tsv, segment_for_model, train


def test_committed_model_on_heldout_sentences() -> None:
    from sklearn.metrics import f1_score

    model = load_model(DEFAULT_MODEL_DIR)["model"]
    texts, labels = read_tsv(HELDOUT_TSV)
    predicted = model.predict(segment_for_model(texts))
    assert f1_score(labels, predicted, average="macro") >= 0.85


@pytest.mark.parametrize(
    ("sentence", "label"),
    [
        pytest.param("全年新发展党员12名，其中35岁以下9名。", "achievement", id="achievement"),
        pytest.param("有3个支部全年没有开展谈心谈话。", "problem", id="problem"),
        pytest.param("究其原因，主观上是我对党建工作重视不够。", "cause", id="cause"),
        pytest.param("下一步，我将每季度听取一次支部书记汇报。", "plan", id="plan"),
        pytest.param("现将履职情况报告如下：", "other", id="other"),
    ],
)
def test_committed_model_typical_sentences(sentence: str, label: str) -> None:
    model = load_model(DEFAULT_MODEL_DIR)["model"]
    assert model.predict(segment_for_model([sentence]))[0] == label


def test_card_matches_metrics() -> None:
    metrics = json.loads((DEFAULT_MODEL_DIR / "sentence_type.metrics.json").read_text(encoding="utf-8"))
    card = (DEFAULT_MODEL_DIR / "README.md").read_text(encoding="utf-8")
    assert f"macro-F1: {metrics['cv_macro_f1']}" in card
    assert metrics["cv_macro_f1"] >= 0.85
    assert set(metrics["counts"]) == set(LABELS)


@pytest.mark.slow
def test_training_is_deterministic(tmp_path: Path) -> None:
    a = train(tmp_path / "a")
    b = train(tmp_path / "b")
    assert a == b
    assert (tmp_path / "a" / "README.md").read_text() == (tmp_path / "b" / "README.md").read_text()


def test_fast_model_equals_sklearn_pipeline() -> None:
    import numpy as np

    from pipeline.sentence_model import FastModel

    model = load_model(DEFAULT_MODEL_DIR)["model"]
    texts, _ = read_tsv(HELDOUT_TSV)
    inputs = segment_for_model(texts) + ["", "。", "XX"]
    slow = model.predict_proba(inputs)
    fast = FastModel(model).predict_proba(inputs)
    assert list(FastModel(model).classes_) == list(model.classes_)
    assert np.abs(slow - fast).max() < 1e-9


def test_analysis_never_imports_the_training_command() -> None:
    """The analyzers read the model through pipeline.sentence_model; ``shuzhi train`` stays out."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pipeline.ingest import load_bytes\n"
        "from pipeline.report import analyze_document\n"
        "doc = load_bytes('一、履行职责情况\\n我主持召开会议12次。\\n三、存在的问题\\n学习不够。'.encode(), 'a.txt')\n"
        "analyze_document(doc)\n"
        "print('pipeline.train' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
