"""A small review round stored once per test module: a unit's two years (tests/fixtures/rectification)
and, from the team's samples, a copy pair sharing typos, a team report and an achievement-heavy one."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipeline.batch import run_batch
from pipeline.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "rectification"
SAMPLES = ROOT / "corpora" / "samples"
FROM_SAMPLES = (
    "2024_district_agri_bureau_copy_a.txt",
    "2024_district_water_bureau_copy_b.txt",
    "2024_city_housing_bureau_team.txt",
    "2024_county_hospital_achievement_heavy.txt",
)
LAST_YEAR = "2023_lake_town.txt"
THIS_YEAR = "2024_lake_town.txt"


def build(folder: Path) -> Store:
    """Copy the round into ``folder``/corpus, batch it into ``folder``/round.db and open the store."""
    corpus = folder / "corpus"
    corpus.mkdir()
    for name in (LAST_YEAR, THIS_YEAR):
        shutil.copy(FIXTURES / name, corpus / name)
    lines = (FIXTURES / "manifest.csv").read_text(encoding="utf-8").splitlines()
    sample_rows = (SAMPLES / "manifest.csv").read_text(encoding="utf-8").splitlines()
    for name in FROM_SAMPLES:
        shutil.copy(SAMPLES / name, corpus / name)
        lines += [r for r in sample_rows if r.startswith(name + ",")]
    (corpus / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    url = f"sqlite:///{folder / 'round.db'}"
    run_batch(corpus, url, workers=1, progress=False)
    return Store.open_existing(url)
