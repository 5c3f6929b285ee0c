"""Stages "verify" and "align": shared fingerprints seed exact matches, which are extended and merged.

Each seed (a position in A and one in B with the same fingerprint) is checked character by
character, extended left and right while the normalised texts agree, and skipped when an earlier
match on the same diagonal already covers it; the cost grows with what is shared, never with the
product of the two lengths. Matches close on both sides (a changed unit name, a changed number) are
merged into one passage. A passage is evidence only through the rare fingerprints it holds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.similarity.fingerprint import Fingerprints


@dataclass(frozen=True)
class Match:
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    rare: int = 0  # rare shared fingerprints inside

    @property
    def length(self) -> int:
        return self.a_end - self.a_start


_STEP = 64


def _extend_right(a: str, b: str, i: int, j: int) -> int:
    """How far a[i:] and b[j:] agree (compares in slices, then characters)."""
    n = 0
    la, lb = len(a), len(b)
    while (
        i + n + _STEP <= la and j + n + _STEP <= lb and a[i + n : i + n + _STEP] == b[j + n : j + n + _STEP]
    ):
        n += _STEP
    while i + n < la and j + n < lb and a[i + n] == b[j + n]:
        n += 1
    return n


def _extend_left(a: str, b: str, i: int, j: int) -> int:
    n = 0
    while i - n - _STEP >= 0 and j - n - _STEP >= 0 and a[i - n - _STEP : i - n] == b[j - n - _STEP : j - n]:
        n += _STEP
    while i - n > 0 and j - n > 0 and a[i - n - 1] == b[j - n - 1]:
        n += 1
    return n


def exact_matches(a: str, b: str, fa: Fingerprints, fb: Fingerprints, k: int) -> list[Match]:
    """Maximal exact matches grown from the fingerprints A and B share."""
    common = np.intersect1d(fa.hashes, fb.hashes)
    if len(common) == 0:
        return []
    in_b: dict[int, list[int]] = {}
    for h, p in zip(
        fb.hashes[np.isin(fb.hashes, common)].tolist(),
        fb.positions[np.isin(fb.hashes, common)].tolist(),
        strict=True,
    ):
        in_b.setdefault(h, []).append(p)
    mask_a = np.isin(fa.hashes, common)
    seeds = sorted(
        (pa, pb)
        for h, pa in zip(fa.hashes[mask_a].tolist(), fa.positions[mask_a].tolist(), strict=True)
        for pb in in_b[h]
    )
    matches: list[Match] = []
    covered: dict[int, int] = {}  # diagonal (pb - pa) → end in A of the last match on it
    for pa, pb in seeds:
        diagonal = pb - pa
        if covered.get(diagonal, -1) > pa:
            continue
        if a[pa : pa + k] != b[pb : pb + k]:
            continue  # a hash collision, not a shared k-gram
        left = _extend_left(a, b, pa, pb)
        right = _extend_right(a, b, pa, pb)
        m = Match(pa - left, pa + right, pb - left, pb + right)
        covered[diagonal] = m.a_end
        matches.append(m)
    return matches


def merge(matches: list[Match], gap: int) -> list[Match]:
    """Join matches that follow each other in both texts with at most ``gap`` characters between."""
    out: list[Match] = []
    for m in sorted(matches, key=lambda x: (x.a_start, x.b_start)):
        if out:
            last = out[-1]
            ga, gb = m.a_start - last.a_end, m.b_start - last.b_end
            if -gap <= ga <= gap and -gap <= gb <= gap and m.a_end > last.a_end and m.b_end > last.b_end:
                out[-1] = Match(last.a_start, m.a_end, last.b_start, m.b_end)
                continue
            if m.a_end <= last.a_end and m.b_end <= last.b_end:
                continue
        out.append(m)
    return out


def count_rare(
    matches: list[Match], fa: Fingerprints, rare_a: np.ndarray, shared: np.ndarray, k: int
) -> list[Match]:
    """Attach to each passage the number of rare fingerprints of A inside it that B shares."""
    positions = fa.positions
    evidence = rare_a & shared
    out = []
    for m in matches:
        inside = (positions >= m.a_start) & (positions + k <= m.a_end)
        out.append(Match(m.a_start, m.a_end, m.b_start, m.b_end, int(np.count_nonzero(inside & evidence))))
    return out
