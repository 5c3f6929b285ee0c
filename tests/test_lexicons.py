"""Lexicons are data: every packaged file loads, extra folders add to it, bad files are one clear error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.errors import LexiconError
from pipeline.lexicons import check_readable, compile_patterns, read_groups, read_table, words
from pipeline.settings import DEFAULT_LEXICON_DIR, Settings


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "lex"
    shutil.copytree(DEFAULT_LEXICON_DIR, folder)
    return folder


def test_every_packaged_lexicon_reads_and_says_what_it_is() -> None:
    check_readable(Settings())
    for path in sorted(Path(DEFAULT_LEXICON_DIR).glob("*.txt")):
        first = path.read_text(encoding="utf-8").lstrip().splitlines()[0]
        assert first.startswith("#"), f"{path.name} has no comment header"


def test_an_extra_folder_adds_entries(tmp_path: Path) -> None:
    extra = tmp_path / "mine"
    extra.mkdir()
    (extra / "stopwords.txt").write_text("# our own\n[extra]\n自定停用词\n", encoding="utf-8")
    base = words("stopwords.txt", Settings())
    mine = words("stopwords.txt", Settings(extra_lexicon_dirs=(str(extra),)))
    assert set(base) < set(mine) and "自定停用词" in mine


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("词语\n", "entry before any [group] header"),
        ("[空组]\n[下一组]\n词\n", "group [空组] is empty"),
        (b"[g]\n\xb2\xbf\xca\xf0\n", "not UTF-8"),
    ],
)
def test_a_bad_grouped_file_names_the_file_and_line(
    tmp_path: Path, content: str | bytes, reason: str
) -> None:
    folder = _copy(tmp_path)
    target = folder / "stopwords.txt"
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    with pytest.raises(LexiconError, match="stopwords.txt") as err:
        read_groups("stopwords.txt", Settings(lexicon_dir=str(folder)))
    assert reason in str(err.value)


def test_a_table_row_with_too_few_fields_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "display_names.txt").write_text("# names\nflag\tcopied\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"display_names.txt:2: expected 3–3 TAB-separated fields, got 2"):
        read_table("display_names.txt", Settings(lexicon_dir=str(folder)), 3)


def test_a_missing_lexicon_and_a_bad_pattern_are_errors(tmp_path: Path) -> None:
    with pytest.raises(LexiconError, match="not found"):
        read_groups("no_such_lexicon.txt", Settings())
    with pytest.raises(LexiconError, match=r"cues \[plan\]: bad pattern"):
        compile_patterns("cues", "plan", ["下一步(打算"])
