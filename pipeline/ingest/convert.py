"""Traditional → simplified conversion with OpenCC, only when the text is traditional."""

from __future__ import annotations

import re
from functools import lru_cache

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# t2s converts characters and fixed phrases without re-mapping vocabulary (資訊 stays 资讯): the
# reviewers must see the words the writer used, and laundering detection depends on it.
OPENCC_CONFIG = "t2s"


@lru_cache(maxsize=1)
def _converter():  # -> opencc.OpenCC
    import opencc

    return opencc.OpenCC(OPENCC_CONFIG)


def to_simplified(text: str) -> str:
    """Convert with OpenCC t2s."""
    return _converter().convert(text)


def traditional_ratio(text: str) -> float:
    """Share of Han characters that t2s would change (0 for a text without Han characters)."""
    converted = to_simplified(text)
    if converted == text:
        return 0.0
    han = len(_HAN.findall(text))
    if not han:
        return 0.0
    if len(converted) == len(text):
        changed = sum(map(str.__ne__, text, converted))
    else:  # a phrase mapping changed the length: fall back to counting characters that disappear
        keep = set(converted)
        changed = sum(1 for ch in text if _HAN.match(ch) and ch not in keep)
    return changed / han


def is_traditional(text: str, threshold: float) -> bool:
    """Whether enough characters are traditional to call the text traditional."""
    return traditional_ratio(text) >= threshold
