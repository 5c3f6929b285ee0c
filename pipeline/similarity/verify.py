"""The verify stage: decide whether a candidate pair is a copy from the passages its texts share.

A pair counts by passage evidence (rare fingerprints inside exact matches, and typos shared inside
those passages), never by one similarity score; its kind says whether it is a copy between units, the
same unit's report repeated across years, or a match with a reference (template-site) text.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pipeline.similarity import align
from pipeline.similarity.fingerprint import Fingerprints
from pipeline.similarity.normalize import Normalised
from pipeline.similarity.records import Item, Pair, Passage

__all__ = ["verify"]


def verify(
    ia: Item,
    ib: Item,
    na: Normalised,
    nb: Normalised,
    fa: Fingerprints,
    fb: Fingerprints,
    rare_a: np.ndarray,
    cfg: Any,
    k: int,
) -> Pair | None:
    matches = align.exact_matches(na.text, nb.text, fa, fb, k)
    if not matches:
        return None
    merged = align.merge(matches, cfg.merge_gap)
    shared = np.isin(fa.hashes, fb.hashes)
    counted = align.count_rare(merged, fa, rare_a, shared, k)
    kept = [m for m in counted if m.length >= cfg.min_passage and m.rare > 0]
    # Evidence is rare text shared in runs: passages with only a couple of rare fingerprints are
    # template phrasing that happens to coincide (shown, but not counted).
    rare = sum(m.rare for m in kept if m.rare >= cfg.min_passage_rare)
    if rare < min(cfg.min_rare, cfg.min_rare_with_typo):
        return None
    passages = []
    for m in kept:
        a_s, a_e = int(na.pos[m.a_start]), int(na.pos[m.a_end - 1]) + 1
        b_s, b_e = int(nb.pos[m.b_start]), int(nb.pos[m.b_end - 1]) + 1
        passages.append(Passage(a_s, a_e, b_s, b_e, ia.text[a_s:a_e], m.rare))
    ratio_a = _covered(((p.a_start, p.a_end) for p in passages), len(ia.text))
    ratio_b = _covered(((p.b_start, p.b_end) for p in passages), len(ib.text))
    shared_norm = sum(m.length for m in kept)
    similarity = 2 * shared_norm / max(len(na.text) + len(nb.text), 1)
    typos = _shared_typos(ia, ib, passages)
    if rare < cfg.min_rare and not typos:
        return None  # little rare text in common and no shared typo: not evidence of copying
    if ia.reference or ib.reference:
        kind = "template_site"
    elif ia.unit and ia.unit == ib.unit and ia.year and ib.year and ia.year != ib.year:
        kind = "repeats_last_year"
    else:
        kind = "copy"
    a, b = (ia, ib) if not ia.reference else (ib, ia)
    if a is not ia:  # keep the submitted report first, offsets swapped with it
        passages = [
            Passage(p.b_start, p.b_end, p.a_start, p.a_end, ib.text[p.b_start : p.b_end], p.rare)
            for p in passages
        ]
        ratio_a, ratio_b = ratio_b, ratio_a
    return Pair(
        a=a.key,
        b=b.key,
        kind=kind,
        similarity=min(similarity, 1.0),
        copy_ratio_a=ratio_a,
        copy_ratio_b=ratio_b,
        passages=tuple(passages),
        shared_typos=typos,
    )


def _covered(spans, length: int) -> float:
    total = 0
    end = -1
    for s, e in sorted(spans):
        if e <= end:
            continue
        total += e - max(s, end)
        end = e
    return total / length if length else 0.0


def _shared_typos(ia: Item, ib: Item, passages: list[Passage]) -> tuple[str, ...]:
    """Typos and laundered words that both texts have inside the passages they share."""
    in_a = {t for t, s, _ in ia.typos if any(p.a_start <= s < p.a_end for p in passages)}
    in_b = {t for t, s, _ in ib.typos if any(p.b_start <= s < p.b_end for p in passages)}
    return tuple(sorted(in_a & in_b))
