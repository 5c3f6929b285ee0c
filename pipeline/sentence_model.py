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
        """All sentences of a document in one call: per block, the grams of every sentence are
        looked up in one pass, and counting, tf-idf and the l2 norms are array operations over all
        rows at once (no numpy calls per sentence)."""
        import numpy as np
        from scipy.sparse import csr_matrix

        n_docs = len(docs)
        rows: list = []
        cols: list = []
        vals: list = []
        for analyzer, vocab, idf, offset in self.blocks:
            width = len(vocab)
            keys: list[int] = []
            for r, doc in enumerate(docs):
                base = r * width
                keys.extend([base + j for j in map(vocab.get, analyzer(doc)) if j is not None])
            if not keys:
                continue
            # (row, column) pairs sorted and counted: a row's columns come out in column order.
            pairs, counts = np.unique(np.asarray(keys, dtype=np.int64), return_counts=True)
            row, col = np.divmod(pairs, width)
            w = (1.0 + np.log(counts)) * idf[col]
            w /= np.sqrt(np.bincount(row, weights=w * w, minlength=n_docs))[row]
            rows.append(row)
            cols.append(col + offset)
            vals.append(w)
        if rows:
            x = csr_matrix(
                (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                shape=(n_docs, self.n_features),
            )
        else:
            x = csr_matrix((n_docs, self.n_features), dtype=np.float64)
        scores = x @ self.coef + self.intercept
        scores -= scores.max(axis=1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1, keepdims=True)
        return scores
