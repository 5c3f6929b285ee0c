"""A line classifier for page furniture the rules have not met (sites seen for the first time).

The rules in boilerplate.py name what they know; a new site's chrome (a tag line, an app's 打开APP
strip, a breadcrumb drawn with a new separator) slips past them. This model scores every line the
rules keep from its shape (length, share of Han, digits, Latin letters and punctuation, separators,
dates, a sentence end), its zone (above the first body sentence, inside the body, below the last
one) and its vocabulary (character 1-2-grams), and removes it only above a high threshold, with the
reason ``line_model``. Body sentences (long lines ending a sentence) are never scored, so a report's
text cannot be lost to it. Trained by ``shuzhi train-lines`` on the team's gold pages (see
models/boilerplate_lines.md); the product loads the committed model and never trains at run time.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

from pipeline.text import ends_sentence, is_heading, is_list_item, looks_like_title

MODEL_NAME = "boilerplate_lines.joblib"
REASON = "line_model"
# Lines the model may remove: short, or without a sentence end. A body sentence is content.
MAX_SCORED = 60
_HAN = re.compile(r"[\u4e00-\u9fff]")
_DIGIT = re.compile(r"\d")
_ASCII = re.compile(r"[A-Za-z]")
_PUNCT = re.compile(r"[，。、；：？！“”（）《》]")
_SEPARATORS = re.compile(r"[|｜/>›»·•●▪◆■#＃@]|\s[-—–]\s")
_DATE = re.compile(r"\d{4}[-/.年]\d{1,2}(?:[-/.月]\d{1,2})?|\d{1,2}:\d{2}")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_GAPS = re.compile(r"\S\s{2,}\S|\S\s\S")
_CN_DIGIT = "〇一二三四五六七八九十零"
_DATE_ONLY = re.compile(
    rf"(?:\d{{4}}|[{_CN_DIGIT}]{{4}})年(?:(?:\d{{1,2}}|[{_CN_DIGIT}]{{1,3}})月(?:(?:\d{{1,2}}|[{_CN_DIGIT}]{{1,3}})日)?)?"
)
_SALUTATION = re.compile(r"^(?:各位|尊敬的|同志们|大家|亲爱的)[\u4e00-\u9fff、，]{0,20}[：:]$")


def is_body_sentence(line: str) -> bool:
    """A line of 25+ characters with Chinese punctuation (or any over 60): report text, never scored."""
    return len(line) > MAX_SCORED or (len(line) >= 25 and bool(_PUNCT.search(line)))


def zones(lines: list[str], kept: list[int], targets: list[int] | None = None) -> dict[int, str]:
    """head / body / tail for each target line (default: the kept ones): above the first body sentence
    the rules keep, between, below the last."""
    targets = kept if targets is None else targets
    body = [i for i in kept if is_body_sentence(lines[i])]
    if not body:
        return {i: "none" for i in targets}
    first, last = body[0], body[-1]
    return {i: "head" if i < first else "tail" if i > last else "body" for i in targets}


def shape(line: str, raw: str, zone: str) -> dict[str, float]:
    """Features of one line that do not depend on the words it uses."""
    n = max(len(line), 1)
    han = len(_HAN.findall(line))
    out = {
        f"zone={zone}": 1.0,
        "log_len": math.log2(n + 1),
        "short": float(n <= 8),
        "han": han / n,
        "digit": len(_DIGIT.findall(line)) / n,
        "ascii": len(_ASCII.findall(line)) / n,
        "punct": len(_PUNCT.findall(line)) / n,
        "separators": min(len(_SEPARATORS.findall(line)), 6) / 3,
        "numbers": min(len(_NUMBER.findall(line)), 6) / 3,
        "date": float(bool(_DATE.search(line))),
        "gaps": min(len(_GAPS.findall(raw.strip())), 6) / 3,
        "ends_sentence": float(ends_sentence(line)),
        "ends_colon": float(line.endswith(("：", ":"))),
        "comma": float("，" in line),
        "bracket_start": float(line[:1] in "【[〔(（<《"),
        "heading": float(is_heading(line)),
        "list_item": float(is_list_item(line)),
        "title": float(looks_like_title(line)),
        "date_only": float(bool(_DATE_ONLY.fullmatch(line))),
        "salutation": float(bool(_SALUTATION.match(line))),
    }
    out[f"zone={zone}&short"] = out["short"]
    out[f"zone={zone}&no_end"] = 1.0 - out["ends_sentence"]
    return out


def build_vectorizers():  # -> (DictVectorizer, HashingVectorizer)
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.feature_extraction.text import HashingVectorizer

    return (
        DictVectorizer(),
        HashingVectorizer(
            analyzer="char", ngram_range=(1, 2), n_features=2**14, alternate_sign=False, norm="l2"
        ),
    )


def matrix(vectorizers, shapes: list[dict[str, float]], texts: list[str], fit: bool = False):
    """The feature matrix: shape features next to hashed character 1-2-grams."""
    from scipy.sparse import hstack

    dv, hv = vectorizers
    a = dv.fit_transform(shapes) if fit else dv.transform(shapes)
    return hstack([a, hv.transform(texts)]).tocsr()


@lru_cache(maxsize=4)
def load(model_dir: str):  # -> dict | None
    path = Path(model_dir) / MODEL_NAME
    if not path.is_file():
        return None
    import joblib

    return joblib.load(path)


_SIGNED = re.compile(r"^(?:述职人|报告人|汇报人|发言人|主讲人|落款|单位)[:：]")


def never_scored(line: str) -> bool:
    """Forms an official text uses and page furniture does not: a body sentence, a line closed by a
    full stop or exclamation, a heading or numbered item, a date alone, a signature (述职人：…)."""
    return (
        is_body_sentence(line)
        or line.endswith(("。", "！", "？", "!", "?"))
        or is_heading(line)
        or is_list_item(line)
        or bool(_DATE_ONLY.fullmatch(line.strip("（）() ")))
        or bool(_SIGNED.match(line))
    )


def candidates(lines: list[str], reasons: list[str | None]) -> tuple[list[int], dict[int, str]]:
    """The lines the model scores (kept by the rules, not ``never_scored``) and every kept line's zone."""
    kept = [i for i, s in enumerate(lines) if s and reasons[i] is None]
    zone = zones(lines, kept)
    return [i for i in kept if not never_scored(lines[i])], zone


def apply(lines: list[str], raw: list[str], reasons: list[str | None], model_dir: str) -> int:
    """Mark the kept lines the model is sure are furniture; returns how many it marked."""
    bundle = load(model_dir)
    if bundle is None:
        return 0
    todo, zone = candidates(lines, reasons)
    if not todo:
        return 0
    shapes = [shape(lines[i], raw[i] if i < len(raw) else lines[i], zone[i]) for i in todo]
    x = matrix(bundle["vectorizers"], shapes, [lines[i] for i in todo])
    scores = bundle["model"].predict_proba(x)[:, 1]
    marked = 0
    for i, p in zip(todo, scores, strict=True):
        if p >= bundle["threshold"]:
            reasons[i] = REASON
            marked += 1
    return marked
