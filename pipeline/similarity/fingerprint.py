"""Stage "fingerprint": winnowed hashes of character k-grams, computed with numpy.

Chinese is fingerprinted on characters, never on whitespace-split words (a clause would be one
token). Winnowing keeps, in every window of ``w`` consecutive k-gram hashes, the smallest, which
guarantees that any shared run of at least ``w + k - 1`` normalised characters shares at least one
fingerprint. K-grams that touch a stock character (title, opening formula, headings, formulations)
are not fingerprinted. The parameters are part of a fingerprint's identity: comparing fingerprints
made with different parameters raises ``ValueError``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from pipeline.similarity.normalize import NORMALISATION_VERSION, Normalised

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass(frozen=True)
class Params:
    """Everything that decides a fingerprint's value."""

    k: int = 12
    w: int = 6
    seed: int = 1
    hash: str = "poly64-splitmix"
    normalisation: int = NORMALISATION_VERSION

    def __post_init__(self) -> None:
        if not 4 <= self.k <= 64:
            raise ValueError(f"k must be between 4 and 64 characters, got {self.k}")
        if not 1 <= self.w <= 64:
            raise ValueError(f"w must be between 1 and 64, got {self.w}")

    @property
    def guaranteed(self) -> int:
        """The shortest shared run that is certain to share a fingerprint."""
        return self.w + self.k - 1

    def check_same(self, other: Params) -> None:
        if self != other:
            raise ValueError(
                f"fingerprints made with different parameters cannot be compared: {self} vs {other}"
            )


@dataclass(frozen=True)
class Fingerprints:
    params: Params
    hashes: np.ndarray  # uint64, sorted by position
    positions: np.ndarray  # int32, start of the k-gram in the normalised text


def _mix(h: np.ndarray, seed: int) -> np.ndarray:
    """splitmix64 finaliser: spreads the polynomial hash so window minima fall anywhere."""
    with np.errstate(over="ignore"):
        z = h + np.uint64((0x9E3779B97F4A7C15 * (seed + 1)) & 0xFFFFFFFFFFFFFFFF)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def kgram_hashes(codes: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Hashes of every k-gram of a code-point array (uint64 arithmetic wraps, which is the point)."""
    if len(codes) < k:
        return np.zeros(0, dtype=np.uint64)
    base = np.uint64(1_000_003)
    powers = np.ones(k, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(k - 2, -1, -1):
            powers[i] = powers[i + 1] * base
        windows = sliding_window_view(codes.astype(np.uint64), k)
        raw = (windows * powers).sum(axis=1, dtype=np.uint64)
    return _mix(raw, seed)


def fingerprint(norm: Normalised, params: Params) -> Fingerprints:
    codes = np.frombuffer(norm.text.encode("utf-32-le"), dtype=np.uint32)
    hashes = kgram_hashes(codes, params.k, params.seed)
    if len(hashes) == 0:
        return Fingerprints(params, np.zeros(0, np.uint64), np.zeros(0, np.int32))
    # K-grams touching stock characters get the largest hash, so winnowing never picks them.
    if norm.stock.any():
        touched = sliding_window_view(norm.stock, params.k).any(axis=1)
        hashes = np.where(touched, _MASK64, hashes)
    if len(hashes) <= params.w:
        chosen = np.array([int(np.argmin(hashes))])
    else:
        windows = sliding_window_view(hashes, params.w)
        # Rightmost minimum of each window (robust winnowing), as an absolute position.
        right = params.w - 1 - np.argmin(windows[:, ::-1], axis=1)
        chosen = np.unique(np.arange(len(windows)) + right)
    chosen = chosen[hashes[chosen] != _MASK64]
    return Fingerprints(params, hashes[chosen], chosen.astype(np.int32))
