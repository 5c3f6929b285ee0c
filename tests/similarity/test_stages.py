from __future__ import annotations

import numpy as np
import pytest

from pipeline.similarity import align, cluster, index
from pipeline.similarity.fingerprint import Params, fingerprint, kgram_hashes
from pipeline.similarity.normalize import normalise


def test_normalise_drops_punctuation_and_maps_back() -> None:
    clean = "全年，我主持召开会议 12 次。"
    norm = normalise(clean)
    assert norm.text == "全年我主持召开会议12次"
    assert all(clean[p] == ch for p, ch in zip(norm.pos, norm.text, strict=True))


def test_normalise_undoes_laundering() -> None:
    assert normalise("坚持为人民效劳，夯实根底。").text == normalise("坚持为人民服务，夯实基础。").text


def test_normalise_collapses_placeholders_and_marks_stock() -> None:
    norm = normalise("XX县XXX局党组书记2024年度抓基层党建工作述职报告")
    assert norm.text.startswith("X县X局")
    assert norm.stock.any()


def test_kgram_hashes_equal_for_equal_grams() -> None:
    codes = np.frombuffer("党建工作党建工作".encode("utf-32-le"), dtype=np.uint32)
    h = kgram_hashes(codes, 4, 1)
    assert h[0] == h[4] and h[0] != h[1]


def test_winnowing_guarantee() -> None:
    params = Params(k=8, w=4)
    shared = "支部书记全年带头讲党课四次并到联系点调研六次"  # 22 chars >= w + k - 1 = 11
    a = fingerprint(normalise("甲乙丙丁戊己庚辛" + shared + "子丑寅卯"), params)
    b = fingerprint(normalise("天地玄黄宇宙洪荒日月" + shared), params)
    assert len(np.intersect1d(a.hashes, b.hashes)) >= 1


def test_mismatched_params_raise() -> None:
    with pytest.raises(ValueError, match="different parameters"):
        Params(k=12).check_same(Params(k=13))
    with pytest.raises(ValueError, match="k must be"):
        Params(k=2)


def test_candidate_pairs_respect_max_df() -> None:
    hashes = np.array([1, 1, 2, 2, 2, 3, 3], dtype=np.uint64)
    docs = np.array([0, 1, 0, 1, 2, 0, 1], dtype=np.int32)
    rows = index.candidate_pairs(hashes, docs, max_df=2, min_shared=2)
    assert rows.tolist() == [[0, 1, 2]]  # hash 2 is in three documents: common, ignored


def test_extend_and_merge_across_changed_name() -> None:
    a = "甲单位认真落实三会一课制度全年召开支部党员大会四次支委会十二次"
    b = "乙部门认真落实三会一课制度全年召开支部党员大会四次支委会十二次"
    params = Params(k=6, w=2)
    fa, fb = fingerprint(normalise(a), params), fingerprint(normalise(b), params)
    matches = align.merge(align.exact_matches(normalise(a).text, normalise(b).text, fa, fb, 6), gap=4)
    assert len(matches) == 1 and matches[0].a_start == 3 and matches[0].a_end == len(a)


def test_clusters() -> None:
    assert cluster.clusters([("b", "c"), ("a", "b"), ("x", "y")]) == [["a", "b", "c"], ["x", "y"]]


def test_partitioned_join_equals_the_whole_join() -> None:
    rng = np.random.default_rng(3)
    from pipeline.similarity.fingerprint import Fingerprints

    shared = rng.integers(0, 2**63, size=40, dtype=np.uint64)
    fps = []
    for d in range(30):
        own = rng.integers(0, 2**63, size=200, dtype=np.uint64)
        mine = np.concatenate([own, shared[: (d % 5) * 8]])
        fps.append(Fingerprints(Params(), mine, np.arange(len(mine), dtype=np.int32) * 3))
    idx1, h, d, p = index.build(fps, 8)
    whole = index.shared_rows(h, d, p, 8, len(fps))
    idx2, *parts = index.partitioned_join(fps, 8, bits=3)
    key = lambda rows: sorted(zip(*(r.tolist() for r in rows), strict=True))  # noqa: E731
    assert key(whole) == key(parts)
    assert np.array_equal(idx1.common, idx2.common) and len(idx1.common) > 0
