"""Copy detection across a corpus, in named stages:
normalise → fingerprint → index → candidates → verify/align → cluster.

``detect(items)`` takes the reports (clean text, unit, year, typos) and returns the verified copy
pairs with aligned passages and the copy rings, with each stage timed and counted in ``stats``.
Pairs are judged copies by passage evidence (rare shared fingerprints inside exact matches), never
by one similarity score; the same unit's reports of different years give ``repeats_last_year``,
a match with a reference text gives ``template_site``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipeline.settings import Settings
from pipeline.similarity import align, cluster, index
from pipeline.similarity.fingerprint import Fingerprints, Params, fingerprint
from pipeline.similarity.normalize import Normalised, normalise

__all__ = ["Item", "Pair", "Passage", "Result", "detect", "params_of"]


@dataclass(frozen=True)
class Item:
    """One report as copy detection sees it."""

    key: str  # the path shown to users
    text: str  # clean text
    unit: str | None = None
    year: int | None = None
    typos: tuple[tuple[str, int, int], ...] = ()  # (text, start, end) of typos and laundered words
    reference: bool = False  # a known model text (范文), not a submitted report


@dataclass(frozen=True)
class Passage:
    a_start: int
    a_end: int
    b_start: int
    b_end: int
    text: str
    rare: int

    def to_json(self) -> dict[str, Any]:
        return {
            "a_start": self.a_start,
            "a_end": self.a_end,
            "b_start": self.b_start,
            "b_end": self.b_end,
            "text": self.text,
        }


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    kind: str  # copy | repeats_last_year | template_site
    similarity: float
    copy_ratio_a: float
    copy_ratio_b: float
    passages: tuple[Passage, ...]
    shared_typos: tuple[str, ...]

    @property
    def evidence(self) -> int:
        """Strength of evidence: rare shared fingerprints, with each shared typo worth ten."""
        return sum(p.rare for p in self.passages) + 10 * len(self.shared_typos)

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "similarity": round(self.similarity, 4),
            "copy_ratio_a": round(self.copy_ratio_a, 4),
            "copy_ratio_b": round(self.copy_ratio_b, 4),
            "passages": [p.to_json() for p in self.passages],
            "shared_typos": list(self.shared_typos),
        }


@dataclass
class Result:
    pairs: list[Pair]
    clusters: list[list[str]]
    stats: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"pairs": [p.to_json() for p in self.pairs], "clusters": self.clusters}


def params_of(settings: Settings) -> Params:
    s = settings.similarity
    return Params(k=s.k, w=s.w, seed=s.seed)


class _Timer:
    def __init__(self, stats: dict[str, Any]) -> None:
        self.stats = stats
        self.stats.setdefault("seconds", {})

    def stage(self, name: str):  # -> context manager
        timer = self

        class _Stage:
            def __enter__(self) -> None:
                self.t = time.perf_counter()

            def __exit__(self, *exc: object) -> None:
                timer.stats["seconds"][name] = round(
                    timer.stats["seconds"].get(name, 0.0) + time.perf_counter() - self.t, 4
                )

        return _Stage()


def own_names(item: Item) -> tuple[str, ...]:
    """The report's own unit name, and the name without its Party-organisation suffix."""
    if not item.unit:
        return ()
    import re

    bare = re.sub(r"(?:党委|党组|党工委|党总支|党支部|支部|委员会)$", "", item.unit)
    return tuple(dict.fromkeys(n for n in (item.unit, bare) if len(n) >= 2))


def prepare(item: Item, settings: Settings) -> tuple[Normalised, Fingerprints]:
    """Normalise and fingerprint one report (a pure function: runs in worker processes too)."""
    norm = normalise(item.text, settings, own_names(item))
    return norm, fingerprint(norm, params_of(settings))


def detect(
    items: Sequence[Item],
    settings: Settings | None = None,
    prepared: Sequence[tuple[Normalised, Fingerprints]] | None = None,
) -> Result:
    """Copy detection over reports held in memory."""
    settings = settings or Settings()
    stats: dict[str, Any] = {}
    timer = _Timer(stats)
    with timer.stage("normalise+fingerprint"):
        prepared = list(prepared) if prepared is not None else [prepare(item, settings) for item in items]
    return detect_core(
        list(items), [p[1] for p in prepared], lambda i: (items[i], prepared[i][0]), settings, stats
    )


def detect_core(
    items: Sequence[Item],
    fps: Sequence[Fingerprints],
    fetch: Callable[[int], tuple[Item, Normalised]],
    settings: Settings,
    stats: dict[str, Any] | None = None,
    join: Callable[[Sequence[Fingerprints], int, int, int, int], tuple[Any, np.ndarray]] | None = None,
) -> Result:
    """Copy detection from fingerprints; texts are fetched only for the pairs that need verifying.

    ``items`` need only key, unit, year and reference here (their text may be empty): ``fetch(i)``
    returns the full Item and its normalised text when pair verification needs them. ``join`` replaces
    the in-process fingerprint join (the Dask path passes a shuffle-based one).
    """
    cfg = settings.similarity
    stats = stats if stats is not None else {}
    stats["documents"] = len(items)
    timer = _Timer(stats)
    stats["fingerprints"] = int(sum(len(f.hashes) for f in fps))
    max_df = min(cfg.max_max_df, max(cfg.min_max_df, math.ceil(cfg.max_df_ratio * len(items))))
    with timer.stage("index+candidates"):
        idx, rows = (join or _local_join)(fps, max_df, cfg.min_shared, cfg.dense_window, cfg.min_dense)
        typo_sets = [{t[0] for t in item.typos} for item in items]
        # A pair below min_rare shared fingerprints can only pass with a shared typo: skip it early
        # when the two reports have no typo in common.
        wanted = {
            (int(a), int(b))
            for a, b, n, _dense in rows
            if n >= cfg.min_rare or typo_sets[int(a)] & typo_sets[int(b)]
        }
        wanted = {(a, b) for a, b in wanted if not (items[a].reference and items[b].reference)}
    stats["max_df"] = max_df
    stats["candidates"] = len(wanted)

    pairs: list[Pair] = []
    with timer.stage("verify+align"):
        for a, b in sorted(wanted):
            item_a, norm_a = fetch(a)
            item_b, norm_b = fetch(b)
            rare_a = idx.is_rare(fps[a].hashes)
            pair = _verify(item_a, item_b, norm_a, norm_b, fps[a], fps[b], rare_a, cfg, idx.params.k)
            if pair is not None:
                pairs.append(pair)
    stats["pairs"] = len(pairs)
    with timer.stage("cluster"):
        rings = cluster.clusters((p.a, p.b) for p in pairs if p.kind == "copy")
    pairs.sort(key=lambda p: (-p.evidence, p.a, p.b))
    return Result(pairs=pairs, clusters=rings, stats=stats)


def _local_join(
    fps: Sequence[Fingerprints], max_df: int, min_shared: int, window: int, min_dense: int
) -> tuple[index.Index, np.ndarray]:
    idx, keys, pos = index.partitioned_join(list(fps), max_df)
    return idx, index.candidates_from_rows(keys, pos, len(fps), min_shared, window, min_dense)


def _verify(
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
