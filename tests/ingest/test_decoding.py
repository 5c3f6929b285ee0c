from __future__ import annotations

import codecs

import pytest

from pipeline.ingest.convert import to_simplified
from pipeline.ingest.decoding import DecodeError, decode, looks_binary

SIMPLIFIED = "一年来，我主持召开党组会议12次，研究解决基层党建难题。存在的问题：党员教育管理不够严格。"
TRADITIONAL = "一年來，我主持召開黨組會議12次，研究解決基層黨建難題。存在的問題：黨員教育管理不夠嚴格。"

CASES = [
    pytest.param(SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8", id="utf8"),
    pytest.param(codecs.BOM_UTF8 + SIMPLIFIED.encode("utf-8"), SIMPLIFIED, "utf-8", id="utf8-bom"),
    pytest.param(SIMPLIFIED.encode("gb18030"), SIMPLIFIED, "gb18030", id="gb18030"),
    pytest.param(SIMPLIFIED.encode("gbk"), SIMPLIFIED, "gb18030", id="gbk"),
    pytest.param(TRADITIONAL.encode("big5"), TRADITIONAL, "big5", id="big5"),
    pytest.param(SIMPLIFIED.encode("utf-16"), SIMPLIFIED, "utf-16-le", id="utf16-bom"),
    pytest.param(
        codecs.BOM_UTF16_BE + SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED, "utf-16-be", id="utf16be-bom"
    ),
    pytest.param(SIMPLIFIED.encode("utf-16-le"), SIMPLIFIED, "utf-16-le", id="utf16le-nobom"),
    pytest.param(SIMPLIFIED.encode("utf-16-be"), SIMPLIFIED, "utf-16-be", id="utf16be-nobom"),
]


@pytest.mark.parametrize(("data", "text", "encoding"), CASES)
def test_decode_candidates(data: bytes, text: str, encoding: str) -> None:
    decoded = decode(data)
    assert decoded.text == text
    assert decoded.encoding == encoding


def test_big5_beats_gb18030_garbage() -> None:
    # Big5 bytes also decode as GB18030 (to nonsense); the plausibility score must pick Big5.
    data = TRADITIONAL.encode("big5")
    data.decode("gb18030", errors="strict")  # would succeed: success alone cannot decide
    assert decode(data).encoding == "big5"
    assert to_simplified(decode(data).text) == SIMPLIFIED


def test_random_bytes_are_rejected() -> None:
    import random

    rng = random.Random(7)
    data = bytes(rng.randrange(256) for _ in range(4000))
    assert looks_binary(data)
    with pytest.raises(DecodeError):
        decode(data)


def test_bom_that_lies_is_an_error() -> None:
    with pytest.raises(DecodeError, match="byte-order mark"):
        decode(codecs.BOM_UTF8 + b"\xff\xfe\xfa")
