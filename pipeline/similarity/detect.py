"""Copy detection across a corpus, stage by stage: prepare (normalise + fingerprint) each report,
join the fingerprints into candidate pairs, verify and align each candidate, cluster the copies.

``detect`` runs on reports held in memory; ``detect_core`` starts from fingerprints and fetches texts
only for the pairs it verifies (batch and the Dask backend call it with their own fetch and join).
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from pipeline.lexicons import words
from pipeline.settings import Settings
from pipeline.similarity import cluster, index
from pipeline.similarity.fingerprint import Fingerprints, Params, fingerprint
from pipeline.similarity.normalize import Normalised, normalise
from pipeline.similarity.records import Item, Pair, Result
from pipeline.similarity.verify import verify

__all__ = ["detect", "detect_core", "own_names", "params_of", "prepare"]


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


def own_names(item: Item, settings: Settings) -> tuple[str, ...]:
    """The report's own unit name, and the name without its Party-organisation ending."""
    if not item.unit:
        return ()
    bare = _org_ending_of(settings).sub("", item.unit)
    return tuple(dict.fromkeys(n for n in (item.unit, bare) if len(n) >= 2))


def _org_ending_of(settings: Settings) -> re.Pattern[str]:
    return _org_ending(settings.lexicon_dir, settings.extra_lexicon_dirs)


@lru_cache(maxsize=8)
def _org_ending(lexicon_dir: str, extra: tuple[str, ...]) -> re.Pattern[str]:
    endings = words("organisations.txt", Settings(lexicon_dir=lexicon_dir, extra_lexicon_dirs=extra))
    ordered = sorted(set(endings), key=lambda e: (-len(e), e))
    return re.compile("(?:" + "|".join(map(re.escape, ordered)) + ")$")


def prepare(item: Item, settings: Settings) -> tuple[Normalised, Fingerprints]:
    """Normalise and fingerprint one report (a pure function: runs in worker processes too)."""
    norm = normalise(item.text, settings, own_names(item, settings))
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
            pair = verify(item_a, item_b, norm_a, norm_b, fps[a], fps[b], rare_a, cfg, idx.params.k)
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
