"""A generated corpus for the benchmarks (corpora/generate.py in a subprocess; not timed)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(out: Path, n: int, seed: int) -> float:
    """Write n reports with planted copies into ``out``; returns the seconds it took."""
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "corpora" / "generate.py"),
            "--n",
            str(n),
            "--seed",
            str(seed),
            "--out",
            str(out),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start
