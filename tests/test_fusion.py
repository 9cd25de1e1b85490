"""The hybrid score, pinned with exact values: score = (1 - w) * bm25 / best_bm25 + w * cosine, w = 0.7, or 0.5 for
a comma-separated list of short terms (see search/fusion.py and bench/RESULTS.md for how these were chosen)."""

from __future__ import annotations

import pytest

from dailypapers.search import fusion


def test_linear_mix_scales_bm25_by_the_best_and_weighs_the_cosine():
    keyword = [(1, 10.0), (2, 5.0), (3, 2.0)]
    dense = {1: 0.20, 2: 0.60, 3: 0.10}
    fused = dict(fusion.fuse(keyword, [], dense))
    assert fused[1] == pytest.approx(0.3 * 1.0 + 0.7 * 0.20)  # 0.44
    assert fused[2] == pytest.approx(0.3 * 0.5 + 0.7 * 0.60)  # 0.57
    assert fused[3] == pytest.approx(0.3 * 0.2 + 0.7 * 0.10)  # 0.13
    assert [pid for pid, _ in fusion.fuse(keyword, [], dense)] == [2, 1, 3]


def test_keyword_lists_lean_on_the_words():
    assert fusion.dense_weight("feed-forward model, Gaussian primitives, view synthesis, 3D point tracking") == 0.5
    assert fusion.dense_weight("a model that, given a video, predicts where each point goes next in 3D") == 0.7
    assert fusion.dense_weight("diffusion, video") == 0.7  # two parts are not a list
    keyword, dense = [(1, 10.0), (2, 5.0)], {1: 0.2, 2: 0.6}
    assert [pid for pid, _ in fusion.fuse(keyword, [], dense, weight=0.5)] == [1, 2]  # 0.6 vs 0.55
    assert [pid for pid, _ in fusion.fuse(keyword, [], dense, weight=0.7)] == [2, 1]  # 0.44 vs 0.57


def test_missing_cosine_counts_as_zero_and_ties_go_to_the_lower_id():
    fused = fusion.fuse([(7, 4.0), (3, 4.0)], [], {})
    assert fused == [(3, pytest.approx(0.3)), (7, pytest.approx(0.3))]


def test_rrf_is_kept_for_comparison():
    ranked = fusion.rrf([(1, 9.0), (2, 8.0)], [(2, 0.9), (3, 0.8)], k=60)
    assert ranked[0] == (2, pytest.approx(1 / 62 + 1 / 61))
    assert [pid for pid, _ in ranked] == [2, 1, 3]
