"""Reading lexicons/*.txt: word lists and patterns kept as data, not code.

Two shapes, both UTF-8 with ``#`` comment lines:

* grouped lists: ``[group]`` headers, then one entry per line (a word or a regular expression);
* tables: one entry per line, fields separated by a TAB.

A user can extend any lexicon without a release by putting a file of the same name in an extra folder
(``extra_lexicon_dirs`` in the settings, or ``SHUZHI_LEXICONS``): its entries are added to the packaged
ones. An empty group, a bad regex or a row with the wrong number of fields raises ``LexiconError`` naming
the file and line, at load time rather than in the middle of a batch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from pipeline.errors import LexiconError
from pipeline.settings import Settings

_GROUP = re.compile(r"^\[(?P<name>[^\]]+)\]\s*(?:#.*)?$")


def _files(name: str, settings: Settings) -> list[Path]:
    dirs = [Path(settings.lexicon_dir), *(Path(d) for d in settings.extra_lexicon_dirs)]
    found = [d / name for d in dirs if (d / name).is_file()]
    if not found or found[0].parent != Path(settings.lexicon_dir):
        raise LexiconError(f"lexicon {name!r} not found in {settings.lexicon_dir}")
    return found


def _entries(path: Path) -> Iterator[tuple[int, str]]:
    """Non-empty, non-comment lines with their 1-based numbers; an inline ``  # `` starts a comment."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path}: not UTF-8 (byte {exc.start}); save the lexicon as UTF-8") from None
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read lexicon ({exc.strerror or exc})") from None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("  # ", 1)[0].rstrip()
        if line.strip() and not line.lstrip().startswith("#"):
            yield number, line.strip(" ")


def read_groups(name: str, settings: Settings) -> dict[str, tuple[str, ...]]:
    """A grouped list: ``{group: entries}``, groups merged across packaged and extra folders."""
    return _read_groups(name, settings.lexicon_dir, settings.extra_lexicon_dirs)


@lru_cache(maxsize=64)
def _read_groups(name: str, lexicon_dir: str, extra: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    settings = Settings(lexicon_dir=lexicon_dir, extra_lexicon_dirs=extra)
    groups: dict[str, list[str]] = {}
    for path in _files(name, settings):
        current: str | None = None
        starts: dict[str, int] = {}
        for number, line in _entries(path):
            match = _GROUP.match(line)
            if match:
                current = match["name"].strip()
                groups.setdefault(current, [])
                starts[current] = number
                continue
            if current is None:
                raise LexiconError(f"{path}:{number}: entry before any [group] header")
            groups[current].append(line)
        for group, number in starts.items():
            if not groups[group]:
                raise LexiconError(f"{path}:{number}: group [{group}] is empty")
    return {k: tuple(v) for k, v in groups.items()}


def read_table(
    name: str, settings: Settings, min_fields: int, max_fields: int | None = None
) -> list[tuple[str, ...]]:
    """A TAB-separated table; each row has between ``min_fields`` and ``max_fields`` fields."""
    return list(
        _read_table(
            name, settings.lexicon_dir, settings.extra_lexicon_dirs, min_fields, max_fields or min_fields
        )
    )


@lru_cache(maxsize=64)
def _read_table(
    name: str, lexicon_dir: str, extra: tuple[str, ...], min_fields: int, max_fields: int
) -> tuple[tuple[str, ...], ...]:
    settings = Settings(lexicon_dir=lexicon_dir, extra_lexicon_dirs=extra)
    rows: list[tuple[str, ...]] = []
    for path in _files(name, settings):
        for number, line in _entries(path):
            fields = tuple(f.strip() for f in line.split("\t"))
            if not min_fields <= len(fields) <= max_fields or not all(fields[:min_fields]):
                raise LexiconError(
                    f"{path}:{number}: expected {min_fields}–{max_fields} TAB-separated fields, got {len(fields)}"
                )
            rows.append(fields)
    if not rows:
        raise LexiconError(f"lexicon {name!r} has no entries")
    return tuple(rows)


def compile_patterns(name: str, group: str, patterns: Iterable[str]) -> list[re.Pattern[str]]:
    """Compile a group's regular expressions, naming the lexicon and group on error."""
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise LexiconError(f"{name} [{group}]: bad pattern {pattern!r}: {exc}") from exc
    return compiled


def words(name: str, settings: Settings) -> tuple[str, ...]:
    """All entries of a grouped list, groups flattened in file order."""
    return tuple(w for group in read_groups(name, settings).values() for w in group)


def check_readable(settings: Settings) -> None:
    """Read every lexicon file once, so an unreadable one is one clear error before any work starts.

    The loaders are lazy and run inside worker processes, where a bad file would otherwise fail every
    report of a batch with the same message.
    """
    dirs = [Path(settings.lexicon_dir), *(Path(d) for d in settings.extra_lexicon_dirs)]
    for folder in dirs:
        for path in sorted(folder.glob("*.txt")):
            for _ in _entries(path):
                pass
