"""``shuzhi train-genre``: the genre classifier behind pipeline/analyzers/genre.py.

Real submissions are often excerpts: no title, cut at either end, a village or school report with
little 述职 vocabulary. So the model is trained on the team's genre texts (corpora/genres/<label>/)
*and* on cuts of them made here by a fixed rule (title dropped, windows of 120–700 characters from
anywhere in the text), and it reads the stance of the text as well as its words: the secretary's
我/本人, 同志们 and 要…, reported speech and dates, a plan's stages, a summary's figures.

Deterministic (sorted files, fixed seeds): the same corpus gives the same model and model card.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.settings import PROJECT_ROOT

GENRES = ("述职报告", "讲话稿", "新闻报道", "工作总结", "实施方案", "其他")
CORPUS = PROJECT_ROOT / "corpora" / "genres"
MODEL_NAME = "genre.joblib"
METRICS_NAME = "genre.metrics.json"
CARD_NAME = "genre.md"
SEED = 16
CUTS_PER_TEXT = 8
MIN_CUT, MAX_CUT = 120, 700

# Stance marks: (name, pattern, divisor). A feature is min(count per 1,000 characters / divisor, 1)
# so that short cuts and long texts are on one scale.
_STANCE: tuple[tuple[str, str, float], ...] = (
    ("personal_wo", r"我(?![们市县区省州镇乡村局委校院园国党军厅部办处科所站队行司厂矿场])", 12.0),
    ("benren", r"本人", 4.0),
    ("women", r"我们", 8.0),
    (
        "collective_subject",
        r"(?:党委|党组|党工委|支部|班子|局|院)(?:坚持|始终|认真|先后|全年|共|围绕|聚焦)",
        6.0,
    ),
    ("comrades", r"同志们|各位(?:学员|同志|党员)|老师们|同学们", 2.0),
    ("imperative", r"(?:^|[，。；：\n])(?:[一二三四]?要|必须|务必|一定要|希望)", 10.0),
    ("reported_speech", r"”[^“”]{0,10}(?:说|表示|介绍|指出|强调|坦言)|(?:他|她)(?:说|表示|介绍)", 3.0),
    ("dateline", r"\d{1,2}月\d{1,2}日[，,上下]|(?:本报讯|本网讯|记者|通讯员|电 )", 3.0),
    ("meeting", r"会上|会议(?:指出|强调|要求|认为)|出席|主持会议|参加会议", 4.0),
    ("duty_word", r"述职|述责|述廉", 6.0),
    (
        "self_problem",
        r"我(?:对|在|抓|本人)?.{0,8}(?:不够|不足|差距|不强|不深|偏软|不到位)|根子在我|根源在于我|原因在于我",
        4.0,
    ),
    ("duty_role", r"第一责任人|主体责任|履职|一岗双责|作为.{0,10}书记", 4.0),
    (
        "plan_frame",
        r"指导思想|总体要求|工作目标|目标任务|主要任务|实施步骤|方法步骤|工作步骤|保障措施|阶段[（(：:]|时间安排",
        4.0,
    ),
    ("summary_figures", r"同比|增长|完成.{0,6}\d|\d+(?:\.\d+)?(?:%|万元|亿元)", 10.0),
    ("check_material", r"对照检查|检视|剖析材料|批评(?:帮助|指正)|民主生活会|组织生活会", 3.0),
    ("list_page", r"范文|精选|篇[一二三四五六七八九十\d]|下载|相关推荐|\n\d{1,2}[.、]", 4.0),
)
_STANCE_RE = tuple((name, re.compile(p), d) for name, p, d in _STANCE)


def stance_features(texts: list[str]):  # -> numpy array (n, len(_STANCE))
    """Per-1,000-character rates of the stance marks, clipped to [0, 1]."""
    import numpy as np

    rows = []
    for text in texts:
        per_1000 = 1000 / max(len(text), 1)
        rows.append([min(len(p.findall(text)) * per_1000 / d, 1.0) for _, p, d in _STANCE_RE])
    return np.asarray(rows, dtype=float)


_PLACEHOLDER = re.compile(r"[\dXx×*]")


STANCE_SCALE = 0.1


def stance_features_scaled(texts: list[str]):  # -> numpy array
    """The stance rates at the scale of one TF-IDF weight, so they inform without dominating."""
    return stance_features(texts) * STANCE_SCALE


def char_grams(text: str) -> list[str]:
    """Character 1–3-grams; digits and the X/×/* placeholders of redacted copies fold to 0 (a shape)."""
    t = _PLACEHOLDER.sub("0", text)
    return [t[i : i + n] for n in (1, 2, 3) for i in range(len(t) - n + 1)]


def build_pipeline():  # -> sklearn Pipeline
    """TF-IDF of character 1–3-grams together with the stance rates, multinomial logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union
    from sklearn.preprocessing import FunctionTransformer

    return make_pipeline(
        make_union(
            TfidfVectorizer(analyzer=char_grams, sublinear_tf=True, min_df=2, max_features=40000),
            FunctionTransformer(stance_features_scaled),
        ),
        LogisticRegression(C=10.0, max_iter=5000, class_weight="balanced", random_state=SEED),
    )


def read_corpus(root: Path = CORPUS) -> list[tuple[str, str, str]]:
    """(label, file name, text) of every corpus file, sorted; a folder not named for a genre is an error."""
    out = []
    for path in sorted(root.glob("*/*.txt")):
        label = path.parent.name
        if label not in GENRES:
            raise ValueError(f"{path}: folder {label!r} is not one of {GENRES}")
        text = path.read_text(encoding="utf-8").strip()
        if text:
            out.append((label, path.name, text))
    return out


def cuts(text: str, rng: random.Random, n: int = CUTS_PER_TEXT) -> list[str]:
    """What submissions look like: the body without its title, and windows cut at either end."""
    lines = text.split("\n")
    body = "\n".join(lines[1:]).strip() if len(lines) > 1 and len(lines[0]) <= 40 else text
    out = [body] if body != text else []
    for k in range(n):
        if len(body) <= MIN_CUT:
            break
        length = rng.randint(MIN_CUT, min(MAX_CUT, len(body)))
        start = rng.randint(0, len(body) - length)
        piece = body[start : start + length]
        # Every other cut has its paragraphs run together, as pages and converters often give them.
        out.append(piece.replace("\n", "") if k % 2 else piece)
    return out


def training_rows(corpus: list[tuple[str, str, str]]) -> tuple[list[str], list[str], list[int]]:
    """(texts, labels, group of each row = index of its source text): whole texts plus their cuts."""
    rng = random.Random(SEED)
    texts, labels, groups = [], [], []
    for i, (label, _name, text) in enumerate(corpus):
        for piece in [text, *cuts(text, rng)]:
            texts.append(piece)
            labels.append(label)
            groups.append(i)
    return texts, labels, groups


@dataclass(frozen=True)
class GenreTrainReport:
    n_texts: int
    n_rows: int
    counts: dict[str, int]
    cv_accuracy_whole: float
    cv_accuracy_cuts: float
    cv_report_recall: float
    cv_lookalike_refused: float
    cv_confusion: list[list[int]]


def train(out_dir: Path, corpus_dir: Path = CORPUS) -> GenreTrainReport:
    """Fit on every text and cut; figures from 5-fold cross-validation grouped by source text."""
    import joblib
    from sklearn.metrics import confusion_matrix
    from sklearn.model_selection import GroupKFold, cross_val_predict

    corpus = read_corpus(corpus_dir)
    if not corpus:
        raise ValueError(f"{corpus_dir}: no genre texts found (expected <genre>/<name>.txt)")
    texts, labels, groups = training_rows(corpus)
    predicted = cross_val_predict(build_pipeline(), texts, labels, groups=groups, cv=GroupKFold(n_splits=5))
    whole = [i for i in range(len(texts)) if texts[i] == corpus[groups[i]][2]]
    cut_rows = [i for i in range(len(texts)) if i not in set(whole)]
    reports = [i for i in range(len(texts)) if labels[i] == "述职报告"]
    others = [i for i in range(len(texts)) if labels[i] != "述职报告"]

    def share(rows: list[int], ok) -> float:
        return round(sum(1 for i in rows if ok(i)) / max(len(rows), 1), 4)

    model = build_pipeline().fit(texts, labels)
    report = GenreTrainReport(
        n_texts=len(corpus),
        n_rows=len(texts),
        counts={g: sum(1 for c in corpus if c[0] == g) for g in GENRES},
        cv_accuracy_whole=share(whole, lambda i: predicted[i] == labels[i]),
        cv_accuracy_cuts=share(cut_rows, lambda i: predicted[i] == labels[i]),
        cv_report_recall=share(reports, lambda i: predicted[i] == "述职报告"),
        cv_lookalike_refused=share(others, lambda i: predicted[i] != "述职报告"),
        cv_confusion=confusion_matrix(labels, predicted, labels=list(GENRES)).tolist(),
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    joblib.dump({"model": model, "genres": GENRES, "version": 1}, out_dir / MODEL_NAME, compress=3)
    (out_dir / METRICS_NAME).write_text(
        json.dumps(report.__dict__, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    (out_dir / CARD_NAME).write_text(model_card(report), encoding="utf-8")
    return report


def model_card(r: GenreTrainReport) -> str:
    from pipeline.analyzers.genre import MODEL_WEIGHT

    counts = ", ".join(f"{k} {v}" for k, v in r.counts.items())
    head = "| true \\ predicted | " + " | ".join(GENRES) + " |\n|---|" + "---|" * len(GENRES) + "\n"
    matrix = head + "".join(
        f"| {g} | " + " | ".join(str(v) for v in row) + " |\n"
        for g, row in zip(GENRES, r.cv_confusion, strict=True)
    )
    return f"""# Model card: genre

Written by `shuzhi train-genre` from the figures it computed; do not edit by hand.

**Task.** Is a submitted text a 述职报告, or a look-alike: 讲话稿, 新闻报道 (of a 述职 meeting, say),
工作总结/情况汇报, 实施方案, 其他 (对照检查材料, 问题清单, 范文 pages, 心得体会, notices, minutes…)?
`pipeline/analyzers/genre.py` combines its probabilities with the cue lexicon (lexicons/genre.txt).

**Data.** `corpora/genres/<genre>/*.txt`: {r.n_texts} texts written by the team ({counts}), short
and long, personal-, collective- and headless-voiced reports, hard negatives (first-person speeches
and 对照检查材料, news quoting a 述职, plans and notices full of the word 述职). Each text also gives
its body without title and {CUTS_PER_TEXT} windows of {MIN_CUT}–{MAX_CUT} characters cut at random
points, every other one with its paragraphs run together (seed {SEED}): {r.n_rows} training rows.

**Features and model.** TF-IDF (sublinear tf, min_df 2, at most 40,000) of character 1–3-grams
with digits and X/×/* placeholders folded, joined with {len(_STANCE)} stance rates per 1,000 characters (personal 我, 本人, 我们,
同志们, imperatives, reported speech, datelines, meeting words, 述职 words, self-criticism, duty
role, a plan's frame, a summary's figures, 对照检查 words, list/范文 page marks); multinomial logistic
regression (C=10, balanced class weights).

**Cross-validated (5-fold, grouped by source text, so no cut of a test text is trained on).**
Whole texts right: **{r.cv_accuracy_whole}**; cuts right: **{r.cv_accuracy_cuts}**; reports and their
cuts called 述职报告: **{r.cv_report_recall}**; look-alikes and their cuts not called 述职报告:
**{r.cv_lookalike_refused}**.

{matrix}
**In use.** The analyzer pools this model's probabilities with the cue lexicon's softmax
log-linearly, model weight {MODEL_WEIGHT} (chosen on the tune half of ../shared/real-dev, odd file
numbers, together with keeping every team text and seed right). Real texts are measured, never
trained on, by `python benchmarks/accuracy.py`; the README gives the tune and held-out figures. **Limits.** Team-written data: a genre written in a way the team did not
think of will be missed; cuts shorter than ~120 characters carry little evidence.
"""


@lru_cache(maxsize=2)
def load(model_dir: str):  # -> sklearn pipeline or None
    """The trained genre model, or None when models/genre.joblib is absent (cues alone then)."""
    path = Path(model_dir) / MODEL_NAME
    if not path.is_file():
        return None
    import joblib

    return joblib.load(path)["model"]


class FastGenreModel:
    """The fitted pipeline's arithmetic for one text, without sklearn's per-call checks.

    One text per call is what analysis does, and there sklearn's validation and the feature union
    cost more than the arithmetic. The steps are the pipeline's own, in its order: counts of the
    vocabulary's character grams in column order, sublinear tf, idf, l2 norm (squares summed in
    column order), the stance rates appended, the same sparse product with the weights, softmax
    (a test checks it gives ``predict_proba``'s probabilities).
    """

    def __init__(self, pipeline) -> None:  # pipeline: the fitted sklearn Pipeline of build_pipeline
        import numpy as np

        union, clf = pipeline.steps[0][1], pipeline.steps[-1][1]
        (_, vec), (_, stance) = union.transformer_list
        if (
            vec.norm != "l2"
            or not vec.sublinear_tf
            or not vec.use_idf
            or union.transformer_weights
            or stance.func is not stance_features_scaled
            or len(clf.classes_) <= 2
        ):
            raise ValueError("FastGenreModel supports the pipeline of build_pipeline only")
        self.analyzer = vec.build_analyzer()
        self.vocabulary: dict[str, int] = vec.vocabulary_
        self.idf = np.asarray(vec.idf_, dtype=np.float64)
        self.n_grams = len(self.vocabulary)
        self.n_features = self.n_grams + len(_STANCE)
        self.coef_t = np.asarray(clf.coef_, dtype=np.float64).T
        self.intercept = np.asarray(clf.intercept_, dtype=np.float64)
        self.classes_ = clf.classes_

    def predict_proba_one(self, text: str):  # -> np.ndarray (classes,)
        import numpy as np
        from scipy.sparse import csr_matrix

        vocab = self.vocabulary
        counts: dict[int, int] = {}
        for gram, n in Counter(self.analyzer(text)).items():  # distinct grams looked up once
            j = vocab.get(gram)
            if j is not None:
                counts[j] = n
        idx = np.array(sorted(counts), dtype=np.int64)
        w = np.array([counts[j] for j in idx.tolist()], dtype=np.float64)
        np.log(w, w)
        w += 1.0
        w *= self.idf[idx]
        norm = 0.0
        for v in w.tolist():  # summed in column order, as sklearn's row normaliser does
            norm += v * v
        if norm > 0:
            w /= np.sqrt(norm)
        stance = stance_features_scaled([text])[0]
        nonzero = np.flatnonzero(stance)
        cols = np.concatenate([idx, nonzero + self.n_grams])
        vals = np.concatenate([w, stance[nonzero]])
        x = csr_matrix((vals, cols, np.array([0, len(cols)])), shape=(1, self.n_features))
        scores = (x @ self.coef_t + self.intercept)[0]
        scores -= scores.max()
        np.exp(scores, out=scores)
        scores /= scores.sum()
        return scores


@lru_cache(maxsize=2)
def load_fast(model_dir: str) -> FastGenreModel | None:
    """``load``'s model as a FastGenreModel (loaded once per process), or None without a model."""
    model = load(model_dir)
    return None if model is None else FastGenreModel(model)


def probabilities(text: str, model_dir: str) -> dict[str, float] | None:
    """The model's probability of each genre for a text, or None without a model."""
    model = load_fast(model_dir)
    if model is None:
        return None
    row = model.predict_proba_one(text)
    return {g: float(p) for g, p in zip(model.classes_, row, strict=True)}
