"""Stages "index" and "candidates": an inverted index of fingerprints built with array operations.

All fingerprints of the corpus go into three flat arrays (hash, document, position). Sorting by
hash groups the documents that share each hash; a hash found in many documents is common (stock
sentences, template phrases) and never proposes a pair. Pairs come from the groups of rare hashes,
size by size, without a Python loop over documents or pairs, and are kept when they share enough
rare fingerprints.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipeline.similarity.fingerprint import Fingerprints, Params


@dataclass(frozen=True)
class Index:
    params: Params
    n_docs: int
    unique_hashes: np.ndarray  # uint64, sorted
    df: np.ndarray  # int32, documents containing each unique hash
    max_df: int

    def is_rare(self, hashes: np.ndarray) -> np.ndarray:
        """Whether each hash is found in at most ``max_df`` documents (unknown hashes count as rare)."""
        if len(self.unique_hashes) == 0:
            return np.ones(len(hashes), dtype=bool)
        at = np.searchsorted(self.unique_hashes, hashes)
        at = np.minimum(at, len(self.unique_hashes) - 1)
        found = self.unique_hashes[at] == hashes
        return ~found | (self.df[at] <= self.max_df)


def build(fps: list[Fingerprints], max_df: int) -> tuple[Index, np.ndarray, np.ndarray]:
    """The index, plus the (hash, doc) pairs sorted by hash (deduplicated) for candidate generation."""
    params = fps[0].params if fps else Params()
    for f in fps:
        params.check_same(f.params)
    if not fps or not sum(len(f.hashes) for f in fps):
        empty = np.zeros(0, np.uint64)
        return Index(params, len(fps), empty, np.zeros(0, np.int32), max_df), empty, np.zeros(0, np.int32)
    hashes = np.concatenate([f.hashes for f in fps])
    docs = np.concatenate([np.full(len(f.hashes), i, dtype=np.int32) for i, f in enumerate(fps)])
    order = np.lexsort((docs, hashes))
    hashes, docs = hashes[order], docs[order]
    keep = np.ones(len(hashes), dtype=bool)
    keep[1:] = (hashes[1:] != hashes[:-1]) | (docs[1:] != docs[:-1])
    hashes, docs = hashes[keep], docs[keep]
    unique, start, counts = np.unique(hashes, return_index=True, return_counts=True)
    del start
    return Index(params, len(fps), unique, counts.astype(np.int32), max_df), hashes, docs


def candidate_pairs(hashes: np.ndarray, docs: np.ndarray, max_df: int, min_shared: int) -> np.ndarray:
    """(a, b, shared) rows with a < b, for document pairs sharing at least ``min_shared`` rare hashes."""
    if len(hashes) == 0:
        return np.zeros((0, 3), dtype=np.int64)
    bounds = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1], True])
    starts, sizes = bounds[:-1], np.diff(bounds)
    keys: list[np.ndarray] = []
    n = int(docs.max()) + 1
    for size in np.unique(sizes):
        if size < 2 or size > max_df:
            continue
        group_starts = starts[sizes == size]
        members = docs[group_starts[:, None] + np.arange(size)]  # each row sorted by document
        i, j = np.triu_indices(size, 1)
        a = members[:, i].ravel().astype(np.int64)
        b = members[:, j].ravel().astype(np.int64)
        keys.append(a * n + b)
    if not keys:
        return np.zeros((0, 3), dtype=np.int64)
    pair_keys, shared = np.unique(np.concatenate(keys), return_counts=True)
    keep = shared >= min_shared
    pair_keys, shared = pair_keys[keep], shared[keep]
    return np.stack([pair_keys // n, pair_keys % n, shared], axis=1)
