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
    """What verification needs from the index: which hashes are common (found in more than max_df
    documents). Only those are kept: there are few, whatever the size of the corpus."""

    params: Params
    n_docs: int
    common: np.ndarray  # uint64, sorted
    max_df: int

    def is_rare(self, hashes: np.ndarray) -> np.ndarray:
        """Whether each hash is found in at most ``max_df`` documents."""
        if len(self.common) == 0:
            return np.ones(len(hashes), dtype=bool)
        at = np.minimum(np.searchsorted(self.common, hashes), len(self.common) - 1)
        return self.common[at] != hashes


def build(fps: list[Fingerprints], max_df: int) -> tuple[Index, np.ndarray, np.ndarray, np.ndarray]:
    """The index, plus (hash, doc, first position) rows sorted by hash, one per hash and document."""
    params = fps[0].params if fps else Params()
    for f in fps:
        params.check_same(f.params)
    if not fps or not sum(len(f.hashes) for f in fps):
        empty = np.zeros(0, np.uint64)
        none = np.zeros(0, np.int32)
        return Index(params, len(fps), empty, max_df), empty, none, none
    return _build_part(fps, max_df, params, None)


def _build_part(
    fps: list[Fingerprints], max_df: int, params: Params, part: tuple[int, int] | None
) -> tuple[Index, np.ndarray, np.ndarray, np.ndarray]:
    """Rows of the hashes whose top bits equal part[0] (of 2**part[1] parts), or of all hashes."""
    if part is None:
        pieces = [(f.hashes, f.positions) for f in fps]
    else:
        which, bits = part
        shift = np.uint64(64 - bits)
        pieces = []
        for f in fps:
            mask = (f.hashes >> shift) == np.uint64(which)
            pieces.append((f.hashes[mask], f.positions[mask]))
    if not pieces:  # nothing stored yet (every file failed): an empty index
        pieces = [(np.zeros(0, np.uint64), np.zeros(0, np.int32))]
    hashes = np.concatenate([h for h, _ in pieces])
    docs = np.concatenate([np.full(len(h), i, dtype=np.int32) for i, (h, _) in enumerate(pieces)])
    positions = np.concatenate([p for _, p in pieces]).astype(np.int32)
    del pieces
    # Rows are concatenated document by document in position order, so a stable sort on the hash
    # alone leaves them sorted by (hash, document, position).
    order = np.argsort(hashes, kind="stable")
    hashes, docs, positions = hashes[order], docs[order], positions[order]
    keep = np.ones(len(hashes), dtype=bool)
    keep[1:] = (hashes[1:] != hashes[:-1]) | (docs[1:] != docs[:-1])
    hashes, docs, positions = hashes[keep], docs[keep], positions[keep]
    unique, counts = np.unique(hashes, return_counts=True)
    return Index(params, len(fps), unique[counts > max_df], max_df), hashes, docs, positions


def partitioned_join(
    fps: list[Fingerprints], max_df: int, bits: int = 4
) -> tuple[Index, np.ndarray, np.ndarray]:
    """The join in 2**bits slices of the hash space, one at a time: the same rows as joining all at
    once, with a sixteenth of the working memory (hashes are uniform after mixing)."""
    params = fps[0].params if fps else Params()
    for f in fps:
        params.check_same(f.params)
    commons, out_k, out_p = [], [], []
    for which in range(2**bits):
        idx, hashes, docs, positions = _build_part(fps, max_df, params, (which, bits))
        commons.append(idx.common)
        key, pos = shared_rows(hashes, docs, positions, max_df, len(fps))
        out_k.append(key)
        out_p.append(pos)
        del hashes, docs, positions
    common = np.sort(np.concatenate(commons)) if commons else np.zeros(0, np.uint64)
    keys = np.concatenate(out_k) if out_k else np.zeros(0, np.int64)
    positions = np.concatenate(out_p) if out_p else np.zeros(0, np.int32)
    return Index(params, len(fps), common, max_df), keys, positions


def shared_rows(
    hashes: np.ndarray, docs: np.ndarray, positions: np.ndarray, max_df: int, n_docs: int
) -> tuple[np.ndarray, np.ndarray]:
    """The join: (pair key a × n_docs + b, position in a) for every rare hash two documents share, a < b.

    Rows must be sorted by hash, then document. Groups of equal hashes are handled size by size with
    array operations; a group larger than ``max_df`` is a common hash and yields nothing.
    """
    if len(hashes) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int32)
    bounds = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1], True])
    starts, sizes = bounds[:-1], np.diff(bounds)
    out_k, out_p = [], []
    for size in np.unique(sizes):
        if size < 2 or size > max_df:
            continue
        group_starts = starts[sizes == size]
        rows = group_starts[:, None] + np.arange(size)
        members = docs[rows]  # each row sorted by document
        where = positions[rows]
        i, j = np.triu_indices(size, 1)
        out_k.append(members[:, i].ravel().astype(np.int64) * n_docs + members[:, j].ravel())
        out_p.append(where[:, i].ravel().astype(np.int32))
    if not out_k:
        return np.zeros(0, np.int64), np.zeros(0, np.int32)
    return np.concatenate(out_k), np.concatenate(out_p)


def candidates_from_rows(
    key: np.ndarray, pos: np.ndarray, n_docs: int, min_shared: int, window: int, min_dense: int
) -> np.ndarray:
    """(a, b, shared, dense) for pairs with at least ``min_shared`` shared rare hashes of which at
    least ``min_dense`` fall within ``window`` characters of each other in A.

    Copied text shares fingerprints in runs; reports written from the same templates share as many
    scattered over the whole text, and the density test drops them before any text is compared.
    """
    if len(key) == 0:
        return np.zeros((0, 4), dtype=np.int64)
    order = np.lexsort((pos, key))
    key, pos = key[order], pos[order]
    pair_keys, first, shared = np.unique(key, return_index=True, return_counts=True)
    # For each row, how many rows of the same pair start within `window` characters after it.
    span = window + 1
    combined = key.astype(np.float64) * (np.float64(pos.max()) + 2 * span) + pos
    reach = np.searchsorted(combined, combined + window, side="right") - np.arange(len(combined))
    dense = np.maximum.reduceat(reach, first)
    keep = (shared >= min_shared) & (dense >= min_dense)
    pair_keys, shared, dense = pair_keys[keep], shared[keep], dense[keep]
    return np.stack([pair_keys // n_docs, pair_keys % n_docs, shared, dense], axis=1)


def candidate_pairs(hashes: np.ndarray, docs: np.ndarray, max_df: int, min_shared: int) -> np.ndarray:
    """(a, b, shared) rows for pairs sharing at least ``min_shared`` rare hashes (no density test)."""
    positions = np.zeros(len(hashes), dtype=np.int32)
    n = int(docs.max()) + 1 if len(docs) else 1
    key, pos = shared_rows(hashes, docs, positions, max_df, n)
    rows = candidates_from_rows(key, pos, n, min_shared, 0, 0)
    return rows[:, :3]
