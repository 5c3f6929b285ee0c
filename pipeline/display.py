"""Display names: the one table (lexicons/display_names.txt) that turns stored codes into the
Chinese a reviewer reads, for the dashboard and the command line alike."""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from pipeline.lexicons import read_table
from pipeline.settings import Settings


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for kind, code, name in read_table("display_names.txt", Settings(), 3):
        out.setdefault(kind, {})[code] = name
    return out


def names(kind: str) -> dict[str, str]:
    """code → name for one kind (without the fallback row)."""
    return {k: v for k, v in _table().get(kind, {}).items() if k != "*"}


def name(kind: str, code: str | None) -> str:
    """The name of ``code``; a code without a row gets its kind's fallback, never itself."""
    if code is None or code == "":
        return ""
    table = _table().get(kind, {})
    if code in table:
        return table[code]
    if kind not in _table():
        raise ValueError(f"unknown display kind {kind!r}; known: {sorted(_table())}")
    return table.get("*", "")


VALUE_KINDS = {"kind": "pair_kind", "reason": "reason", "typo_kind": "typo_kind"}


def for_display(
    frame: pd.DataFrame, values: dict[str, str] | None = None, rename: bool = True
) -> pd.DataFrame:
    """A table as reviewers see it: Chinese column headers, coded values named, empty cells blank.

    ``values`` maps a column to the display kind of its values (e.g. {"kind": "pair_kind"}).
    """
    out = frame.copy()
    for column, kind in (values or {}).items():
        if column in out.columns:
            out[column] = out[column].map(lambda v, k=kind: name(k, v) if isinstance(v, str) else v)
    for column in out.columns:
        missing = out[column].isna()
        if missing.any():  # shown blank, never "None" or "nan"
            whole = out[column].dropna()
            if whole.map(lambda v: isinstance(v, float) and v.is_integer()).all():
                out[column] = out[column].map(lambda v: "" if pd.isna(v) else int(v))
            else:
                out[column] = out[column].map(lambda v: "" if pd.isna(v) is True else v)
    return out.rename(columns={c: name("column", c) for c in out.columns}) if rename else out


_LOST = re.compile(r"lost characters .* on lines (?P<lines>.+)$")


def warning(text: str) -> str:
    """An ingestion warning in Chinese (the command line's ``clean --json`` keeps the original)."""
    m = _LOST.match(text)
    if m:
        return f"第 {m['lines']} 行有字符丢失（?? 或 U+FFFD，原文件上游解码有误），这些字不计为错别字"
    return f"摄入提示：{text}"


def repair(kind: str, detail: str) -> str:
    """An in-line repair as ``名称：N 处（例：…）``."""
    count, _, example = detail.partition(" × (e.g. ")
    example = example.removesuffix(")")
    return f"{name('repair', kind)}：{count} 处" + (f"（例：{example}）" if example else "")
