"""Headings that name the parts of a report (一、 / （一） / 第一部分 / plain heading lines).

Used before sentence types are known: the part a sentence sits in is context for its type.
"""

from __future__ import annotations

import re

# Which heading wins when one names several parts: plans, then problems, then duty, then progress.
HEADING_ORDER = ("plans", "problems", "duty", "progress")
_LEVEL1 = re.compile(r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|第[一二三四五六七八九十]+部分)")
_LEVEL2 = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[)）]")


def heading_part(text: str, cues: dict[str, tuple[re.Pattern[str], ...]]) -> str | None:
    """The part a heading names, or None."""
    for part in HEADING_ORDER:
        if any(p.search(text) for p in cues[f"section_{part}"]):
            return part
    return None


def heading_parts(text: str, cues: dict[str, tuple[re.Pattern[str], ...]]) -> dict[str, tuple[int, int]]:
    """Parts from the top level of headings that name at least two parts."""
    lines = []
    offset = 0
    for line in text.split("\n"):
        lines.append((offset, offset + len(line), line.strip()))
        offset += len(line) + 1
    for level in (_LEVEL1, _LEVEL2, None):
        heads = []
        for start, _end, line in lines:
            if level is None:
                plain = (
                    len(line) <= 20 and not re.search(r"[，。；：！？,.;]", line) and not _LEVEL2.match(line)
                )
                if not plain or start == 0:
                    continue
            elif not level.match(line):
                continue
            head = line[:40].split("。")[0]
            part = heading_part(head, cues)
            if part:
                heads.append((start, part))
            elif level is not None:
                heads.append((start, None))
        named = {p for _, p in heads if p}
        if len(named) >= 2:
            found: dict[str, tuple[int, int]] = {}
            for k, (start, part) in enumerate(heads):
                if part is None:
                    continue
                end = heads[k + 1][0] - 1 if k + 1 < len(heads) else len(text)
                found[part] = (found[part][0] if part in found else start, end)
            return found
    return {}
