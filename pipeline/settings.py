"""One settings object for every entry point.

Defaults live here; a user TOML file overrides any part of them (``shuzhi --config my.toml …``).
Settings are frozen and picklable so they travel unchanged to worker processes and Dask tasks.
An unknown section or key is an error, never a silent fallback: in a copy detector a mistyped key
would otherwise change every fingerprint without anyone noticing.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_LEXICON_DIR = PROJECT_ROOT / "lexicons"
DEFAULT_MODEL_DIR = PROJECT_ROOT / "models"


@dataclass(frozen=True)
class IngestSettings:
    """Limits and thresholds of the ingestion stage."""

    max_file_mb: float = 20.0
    max_docx_unpacked_mb: float = 200.0
    # Characters a reader may extract from one file: a long report is 30,000; 1,000,000 is a book.
    # A small .docx can expand far beyond its size (nested tables, millions of runs), so the cap is
    # on the text, not the file.
    max_text_chars: int = 1_000_000
    # Seconds one file may take in a batch before it is recorded as an error and its worker replaced.
    file_timeout_s: float = 300.0
    # Share of Han characters that OpenCC's t2s would change above which a text counts as traditional.
    # Simplified text scores below 0.5% (a few 著/乾-type characters); traditional text scores 15–30%.
    traditional_ratio: float = 0.03
    # A line at least this long that does not end a sentence is taken to be cut by a line break.
    rejoin_min_chars: int = 20

    def validate(self) -> None:
        if self.max_file_mb <= 0:
            raise SettingsError(f"ingest.max_file_mb must be positive, got {self.max_file_mb}")
        if self.max_docx_unpacked_mb <= 0:
            raise SettingsError(
                f"ingest.max_docx_unpacked_mb must be positive, got {self.max_docx_unpacked_mb}"
            )
        if not 0 < self.traditional_ratio < 1:
            raise SettingsError(f"ingest.traditional_ratio must be in (0, 1), got {self.traditional_ratio}")
        if self.max_text_chars < 1:
            raise SettingsError(f"ingest.max_text_chars must be >= 1, got {self.max_text_chars}")
        if self.file_timeout_s <= 0:
            raise SettingsError(f"ingest.file_timeout_s must be positive, got {self.file_timeout_s}")
        if self.rejoin_min_chars < 1:
            raise SettingsError(f"ingest.rejoin_min_chars must be >= 1, got {self.rejoin_min_chars}")


@dataclass(frozen=True)
class SimilaritySettings:
    """Copy detection. Defaults chosen by measurement on generated corpora (benchmarks/similar.py)."""

    k: int = 12  # characters per k-gram
    w: int = 6  # winnowing window: any shared run of w + k - 1 = 17 characters shares a fingerprint
    seed: int = 1
    # A fingerprint found in more documents than max(min_max_df, max_df_ratio × N) is common.
    max_df_ratio: float = 0.002
    min_max_df: int = 8
    # …and never more than this: text found in more than 20 reports is stock, whatever the corpus size
    # (it also bounds the join: a hash in d documents yields d(d-1)/2 pair rows).
    max_max_df: int = 20
    # Rare fingerprints two documents must share to be compared (a pair below this cannot pass
    # verification, which needs min_rare, or min_rare_with_typo with a shared typo).
    min_shared: int = 8
    min_passage: int = 13  # normalised characters of a shown passage
    merge_gap: int = 10  # characters between two matches that still make one passage
    # Rare shared fingerprints in a pair's passages for it to be judged a copy: 20 is about 70
    # characters of rare shared text. Measured on generated corpora: independent reports built from
    # the same templates share at most 10; planted copies (a ten-line list and more) at least 40.
    min_rare: int = 20
    min_rare_with_typo: int = 8  # enough when the passages also share a typo or laundered word
    min_passage_rare: int = 4  # a passage counts towards the evidence with at least this many
    # Candidate pairs need min_dense shared rare fingerprints within dense_window characters of one
    # another (copied text shares them in runs; template phrasing shares them scattered).
    dense_window: int = 120
    min_dense: int = 6

    def validate(self) -> None:
        for name in (
            "k",
            "w",
            "min_max_df",
            "max_max_df",
            "min_shared",
            "min_passage",
            "min_rare",
            "min_rare_with_typo",
            "min_passage_rare",
            "dense_window",
            "min_dense",
        ):
            if getattr(self, name) < 1:
                raise SettingsError(f"similarity.{name} must be >= 1, got {getattr(self, name)}")
        if not 0 < self.max_df_ratio < 1:
            raise SettingsError(f"similarity.max_df_ratio must be in (0, 1), got {self.max_df_ratio}")
        if self.merge_gap < 0:
            raise SettingsError(f"similarity.merge_gap must be >= 0, got {self.merge_gap}")


@dataclass(frozen=True)
class Settings:
    """Everything configurable, validated when built."""

    ingest: IngestSettings = field(default_factory=IngestSettings)
    similarity: SimilaritySettings = field(default_factory=SimilaritySettings)
    # Extra lexicon folders whose files extend (never replace) the packaged ones, in order.
    extra_lexicon_dirs: tuple[str, ...] = ()
    lexicon_dir: str = str(DEFAULT_LEXICON_DIR)
    model_dir: str = str(DEFAULT_MODEL_DIR)

    def __post_init__(self) -> None:
        self.ingest.validate()
        self.similarity.validate()
        if not Path(self.lexicon_dir).is_dir():
            raise SettingsError(f"lexicon_dir {self.lexicon_dir!r} is not a folder")
        for extra in self.extra_lexicon_dirs:
            if not Path(extra).is_dir():
                raise SettingsError(f"extra lexicon folder {extra!r} is not a folder")

    @classmethod
    def load(cls, path: str | os.PathLike[str] | None = None) -> Settings:
        """Defaults, overridden by ``path`` (TOML) and by ``SHUZHI_LEXICONS`` (extra lexicon folders)."""
        overrides: dict[str, Any] = {}
        if path is not None:
            try:
                overrides = tomllib.loads(Path(path).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise SettingsError(f"{path}: cannot read settings ({exc})") from exc
        env_extra = os.environ.get("SHUZHI_LEXICONS")
        if env_extra:
            extra = tuple(overrides.get("extra_lexicon_dirs", ())) + tuple(
                p for p in env_extra.split(os.pathsep) if p
            )
            overrides["extra_lexicon_dirs"] = extra
        return _build(cls, overrides, "")


def _build(kind: type, values: dict[str, Any], where: str) -> Any:
    """Build dataclass ``kind`` from ``values``, recursing into nested settings sections."""
    fields = {f.name: f for f in dataclasses.fields(kind)}
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in fields:
            known = ", ".join(sorted(fields))
            raise SettingsError(f"unknown setting {where}{key!r}; known: {known}")
        default = (
            fields[key].default_factory() if fields[key].default_factory is not dataclasses.MISSING else None
        )  # type: ignore[misc]
        if dataclasses.is_dataclass(default):
            if not isinstance(value, dict):
                raise SettingsError(f"setting {where}{key} must be a table")
            kwargs[key] = _build(type(default), value, f"{where}{key}.")
        else:
            kwargs[key] = _typed(value, str(fields[key].type), f"{where}{key}")
    return kind(**kwargs)


_TYPE_NAMES = {"int": "a whole number", "float": "a number", "str": "a string", "bool": "true or false"}


def _typed(value: Any, type_name: str, key: str) -> Any:
    """``value`` checked against the field's declared type (TOML's ``true`` is no number, 1.5 no int)."""
    if type_name.startswith("tuple"):
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise SettingsError(f"setting {key} must be a list of strings, got {value!r}")
        return tuple(value)
    ok = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, int | float) and not isinstance(value, bool),
        "str": isinstance(value, str),
        "bool": isinstance(value, bool),
    }.get(type_name, True)
    if not ok:
        raise SettingsError(f"setting {key} must be {_TYPE_NAMES.get(type_name, type_name)}, got {value!r}")
    return float(value) if type_name == "float" else value
