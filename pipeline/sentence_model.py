"""The sentence-type model at analysis time: what it reads, how it is loaded, and its fast arithmetic.

Kept apart from ``shuzhi train`` (pipeline/train.py), so that analyzers never import the training
command; the fitted pipeline pickles references to ``char_grams`` and ``word_grams`` here.
"""

from __future__ import annotations

from pathlib import Path

LABELS = ("achievement", "problem", "cause", "plan", "other")
MODEL_NAME = "sentence_type.joblib"
SEP = "\x1f"  # model input: the sentence, SEP, its segmenter tokens joined by spaces


def model_input(text: str, tokens: list[str] | tuple[str, ...]) -> str:
    """What the model reads: the sentence and the tokens the pipeline already cut (no second segmentation)."""
    return text + SEP + " ".join(t for t in tokens if t.strip())


def char_grams(doc: str) -> list[str]:
    """Character 1–2-grams of the sentence part."""
    text = doc.split(SEP, 1)[0]
    return list(text) + [text[i : i + 2] for i in range(len(text) - 1)]


def word_grams(doc: str) -> list[str]:
    """Word 1–2-grams of the token part."""
    words = doc.split(SEP, 1)[1].split(" ") if SEP in doc else []
    return words + [a + "_" + b for a, b in zip(words, words[1:], strict=False)]


def load_model(model_dir: Path):  # -> dict with "model" and "labels"
    import joblib

    path = model_dir / MODEL_NAME
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `shuzhi train`")
    return joblib.load(path)


class FastModel:
    """The trained pipeline's arithmetic without its per-call overheads, for analysis at scale.

    TF-IDF (sublinear tf, idf, l2 per block), the union's concatenation and the logistic regression's
    softmax, computed from the fitted vocabularies and weights. Gives the same probabilities as
    ``predict_proba`` of the sklearn pipeline (a test checks it) at several times the speed.
    """

    def __init__(self, pipeline) -> None:  # pipeline: the fitted sklearn Pipeline
        import numpy as np

        union, clf = pipeline.steps[0][1], pipeline.steps[-1][1]
        self.blocks = []
        offset = 0
        for _, vec in union.transformer_list:
            if vec.norm != "l2" or not vec.sublinear_tf or not vec.use_idf:
                raise ValueError("FastModel supports l2-normalised, sublinear, idf-weighted TF-IDF only")
            self.blocks.append(
                (vec.build_analyzer(), vec.vocabulary_, np.asarray(vec.idf_, dtype=np.float64), offset)
            )
            offset += len(vec.vocabulary_)
        self.n_features = offset
        self.coef = np.ascontiguousarray(clf.coef_.T, dtype=np.float64)
        self.intercept = np.asarray(clf.intercept_, dtype=np.float64)
        self.classes_ = clf.classes_

    def predict_proba(self, docs: list[str]):  # -> np.ndarray (n, classes)
        import numpy as np
        from scipy.sparse import csr_matrix

        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for r, doc in enumerate(docs):
            for analyzer, vocab, idf, offset in self.blocks:
                counts: dict[int, int] = {}
                for gram in analyzer(doc):
                    j = vocab.get(gram)
                    if j is not None:
                        counts[j] = counts.get(j, 0) + 1
                if not counts:
                    continue
                idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
                tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
                w = (1.0 + np.log(tf)) * idf[idx]
                w /= np.sqrt(np.dot(w, w))
                rows.extend([r] * len(idx))
                cols.extend((idx + offset).tolist())
                vals.extend(w.tolist())
        x = csr_matrix((vals, (rows, cols)), shape=(len(docs), self.n_features))
        scores = x @ self.coef + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores
