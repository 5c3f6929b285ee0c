"""Copy detection on a corpus from corpora/generate.py with planted copies of every kind."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import manifest
from pipeline.settings import Settings
from pipeline.similarity import detect_core
from pipeline.similarity.files import NormCache, load_all
from tests.conftest import ROOT


def _generate(out: Path) -> Path:
    script = str(ROOT / "corpora" / "generate.py")
    subprocess.run(
        [sys.executable, script, "--n", "400", "--seed", "5", "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return out


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _generate(tmp_path_factory.mktemp("gen"))


def test_generator_is_deterministic(generated: Path, tmp_path: Path) -> None:
    again = _generate(tmp_path / "again")
    for name in ("truth.json", "manifest.csv", "r000001.txt", "r000400.txt"):
        assert (generated / name).read_bytes() == (again / name).read_bytes()


def test_planted_copies_found_and_nothing_else(generated: Path) -> None:
    from pipeline.analyzers.typos import lexicon as typo_lexicon

    truth = json.loads((generated / "truth.json").read_text(encoding="utf-8"))
    settings = Settings()
    lexicon = typo_lexicon(settings.lexicon_dir, settings.extra_lexicon_dirs)
    paths = sorted(str(p) for p in generated.glob("r*.txt"))
    metas = manifest.metas_for(paths)
    items, fps, errors = load_all([(p, metas.get(p), False) for p in paths], settings, 2)
    assert not errors
    result = detect_core(items, fps, NormCache(items, settings), settings)
    found = {tuple(sorted((Path(p.a).name, Path(p.b).name))): p for p in result.pairs}
    planted = {tuple(sorted((c["a"], c["b"]))): c for c in truth["copies"]}
    kinds = {c["kind"] for c in truth["copies"]}
    assert kinds == {"list", "section", "whole", "laundered", "same_unit_repeat"}
    missed = [c for key, c in planted.items() if key not in found]
    assert not missed, missed[:3]
    extra = [key for key in found if key not in planted]
    assert len(extra) <= len(found) * 0.01, extra[:5]
    negatives = {tuple(sorted((c["a"], c["b"]))) for c in truth["negatives"]}
    assert not negatives & set(found)
    for key, c in planted.items():
        if c["kind"] == "same_unit_repeat":
            assert found[key].kind == "repeats_last_year"
        if c["kind"] == "list" and c["typos"]:
            known = {t for t in c["typos"] if t in lexicon.suggestions}  # 既使 can be right (既+使)
            assert known <= set(found[key].shared_typos)
