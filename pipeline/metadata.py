"""What is known about a report besides its text: ``Meta`` (from a manifest), and the unit and year
inferred from its title or file name when no manifest gives them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.lexicons import words
from pipeline.settings import Settings


@dataclass(frozen=True)
class Meta:
    """What a manifest (or the file name and title) says about a report."""

    unit: str | None = None
    year: int | None = None
    author: str | None = None
    level: str | None = None


_YEAR_IN_TITLE = r"(?:书记|副书记|第一书记)?.{0,8}?(?P<year>20\d\d)\s*年"


@lru_cache(maxsize=8)
def _title(lexicon_dir: str, extra: tuple[str, ...]) -> re.Pattern[str]:
    """A title naming "<unit><party organisation> … <year>年" (endings: lexicons/organisations.txt)."""
    endings = words("organisations.txt", Settings(lexicon_dir=lexicon_dir, extra_lexicon_dirs=extra))
    org = "|".join(map(re.escape, sorted(set(endings), key=lambda e: (-len(e), e))))
    return re.compile(rf"^(?P<unit>.{{2,40}}?(?:{org})){_YEAR_IN_TITLE}")


_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def infer(text: str, filename: str = "", settings: Settings | None = None) -> tuple[str | None, int | None]:
    """(unit, year) from the first line of a clean text, falling back to a year in the file name."""
    settings = settings or Settings()
    title = text.split("\n", 1)[0][:80]
    m = _title(settings.lexicon_dir, settings.extra_lexicon_dirs).match(title)
    if m:
        return m["unit"], int(m["year"])
    y = _YEAR.search(title) or _YEAR.search(filename)
    return None, int(y.group(1)) if y else None
