"""Shared fixtures: paths to the team's corpora and the external seed texts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("SHUZHI_QUIET", "1")

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpora" / "samples"
GOLD = ROOT / "corpora" / "gold"
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def expected() -> dict:
    return json.loads((SAMPLES / "EXPECTED.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seeds() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed texts not found at {SEEDS} (shared/ is not beside this checkout)")
    return SEEDS
