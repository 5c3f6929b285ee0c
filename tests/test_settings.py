from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from pipeline.errors import LexiconError, SettingsError
from pipeline.lexicons import read_groups, read_table
from pipeline.settings import IngestSettings, Settings


def test_defaults_and_pickle() -> None:
    s = Settings()
    assert pickle.loads(pickle.dumps(s)) == s


def test_user_file_overrides_part(tmp_path: Path) -> None:
    cfg = tmp_path / "s.toml"
    cfg.write_text("[ingest]\nmax_file_mb = 5\n", encoding="utf-8")
    s = Settings.load(cfg)
    assert s.ingest.max_file_mb == 5 and s.ingest.max_docx_unpacked_mb == 200


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        pytest.param("[ingest]\nmax_file_mb = -1\n", "must be positive", id="negative"),
        pytest.param("[ingest]\nmax_fiel_mb = 3\n", "unknown setting ingest.'max_fiel_mb'", id="typo"),
        pytest.param("[nosuch]\nx = 1\n", "unknown setting 'nosuch'", id="section"),
        pytest.param("ingest = 3\n", "must be a table", id="not-table"),
    ],
)
def test_bad_settings_raise(tmp_path: Path, toml: str, message: str) -> None:
    cfg = tmp_path / "s.toml"
    cfg.write_text(toml, encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        Settings.load(cfg)


def test_ingest_settings_validate() -> None:
    with pytest.raises(ValueError, match="traditional_ratio"):
        Settings(ingest=IngestSettings(traditional_ratio=2))


def test_extra_lexicon_folder_extends(tmp_path: Path) -> None:
    (tmp_path / "userdict.txt").write_text("# extra words\n网格党建\n", encoding="utf-8")
    s = Settings(extra_lexicon_dirs=(str(tmp_path),))
    words = [r[0] for r in read_table("userdict.txt", s, 1, 2)]
    assert "我县" in words and "网格党建" in words


def test_empty_group_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "boilerplate.txt").write_text("[watermark]\n# nothing here\n[url]\n^x$\n", encoding="utf-8")
    with pytest.raises(LexiconError, match=r"group \[watermark\] is empty"):
        read_groups("boilerplate.txt", Settings(lexicon_dir=str(tmp_path)))


def test_bad_row_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "userdict.txt").write_text("我县\t1\t2\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="userdict.txt:1"):
        read_table("userdict.txt", Settings(lexicon_dir=str(tmp_path)), 1, 2)
