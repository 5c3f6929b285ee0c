"""Bytes → str: an ordered list of candidate encodings, each tried, the most plausible kept.

Order: a BOM settles it (UTF-8, UTF-16 LE/BE, UTF-32); then strict UTF-8 (valid non-ASCII UTF-8 is
almost never an accident); then the Chinese legacy encodings and BOM-less UTF-16, each decoded
strictly and scored by the share of common Chinese characters it produces (converted to simplified
first, so Big5 text is not penalised for being traditional). GB18030 decodes nearly any byte string,
so scoring, not success, decides. Below a floor the file is garbage and says so.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.ingest.convert import to_simplified

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
CANDIDATES = ("gb18030", "big5", "cp950", "utf-16-le", "utf-16-be")
# Below this share of plausible characters a decoding is garbage.
PLAUSIBLE_FLOOR = 0.80
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_PUNCT = set("，。、；：？！“”‘’（）《》【】…—·　")


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    score: float


class DecodeError(ValueError):
    """No candidate encoding gives plausible text."""


@lru_cache(maxsize=1)
def common_chars() -> frozenset[str]:
    """The 4,500 most frequent Han characters by jieba's dictionary word frequencies."""
    import importlib.resources

    weights: dict[str, int] = {}
    with importlib.resources.files("jieba").joinpath("dict.txt").open(encoding="utf-8") as fh:
        for row in fh:
            parts = row.split(" ")
            if len(parts) < 2:
                continue
            freq = int(parts[1])
            for ch in parts[0]:
                weights[ch] = weights.get(ch, 0) + freq
    ranked = sorted((c for c in weights if _HAN.match(c)), key=lambda c: (-weights[c], c))
    return frozenset(ranked[:4500])


def plausibility(text: str) -> float:
    """Share of non-space characters that are common Chinese, printable ASCII or CJK punctuation."""
    sample = to_simplified(text[:20000])
    common = common_chars()
    good = total = 0
    for ch in sample:
        if ch.isspace():
            continue
        total += 1
        if ch in common or (" " <= ch <= "~") or ch in _CJK_PUNCT or "\uff01" <= ch <= "\uff5e":
            good += 1
    return good / total if total else 1.0


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control bytes in a file without a UTF-16/32 BOM or UTF-16 shape."""
    head = data[:8192]
    if not head:
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls / len(head) > 0.05


def decode(data: bytes) -> Decoded:
    """Decode ``data``; raise DecodeError when nothing plausible comes out."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(name)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"has a {name} byte-order mark but does not decode as {name}") from exc
            return Decoded(text.lstrip("\ufeff"), name.replace("-sig", ""), 1.0)
    try:
        text = data.decode("utf-8")
        if not looks_binary(data):
            return Decoded(text, "utf-8", 1.0)
    except UnicodeDecodeError:
        pass
    best: Decoded | None = None
    for name in (*CANDIDATES, *_detector_guess(data)):
        if name.startswith("utf-16") and len(data) % 2:
            continue
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            continue
        score = plausibility(text)
        if best is None or score > best.score + 1e-9:
            best = Decoded(text, name, score)
    if best is None or best.score < PLAUSIBLE_FLOOR:
        guess = f" (best guess {best.encoding}: {best.score:.0%} plausible)" if best else ""
        raise DecodeError(f"does not decode to readable text in UTF-8, GB18030, Big5 or UTF-16{guess}")
    return best


def _detector_guess(data: bytes) -> tuple[str, ...]:
    """charset-normalizer's guess, tried after the Chinese candidates (it knows more codecs)."""
    from charset_normalizer import from_bytes

    match = from_bytes(data[:65536]).best()
    if match is None or match.encoding in CANDIDATES:
        return ()
    return (match.encoding,)
