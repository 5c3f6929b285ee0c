"""What is known about a report besides its text: ``Meta`` (from a manifest), and the unit and year
inferred from its title or file name when no manifest gives them."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Meta:
    """What a manifest (or the file name and title) says about a report."""

    unit: str | None = None
    year: int | None = None
    author: str | None = None
    level: str | None = None


_ORG = r"(?:党委|党组|党工委|党总支|党支部|支部|委员会|党委会)"
_TITLE = re.compile(rf"^(?P<unit>.{{2,40}}?{_ORG})(?:书记|副书记|第一书记)?.{{0,8}}?(?P<year>20\d\d)\s*年")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def infer(text: str, filename: str = "") -> tuple[str | None, int | None]:
    """(unit, year) from the first line of a clean text, falling back to a year in the file name."""
    title = text.split("\n", 1)[0][:80]
    m = _TITLE.match(title)
    if m:
        return m["unit"], int(m["year"])
    y = _YEAR.search(title) or _YEAR.search(filename)
    return None, int(y.group(1)) if y else None
