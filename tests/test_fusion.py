"""The hybrid score, pinned with exact values: score = (1 - w) * bm25 / best_bm25 + w * cosine, w = 0.65, or 0.5 for
a comma-separated list of short terms (see search/fusion.py and bench/RESULTS.md for how these were chosen)."""

from __future__ import annotations

import pytest

from dailypapers.search import fusion


def test_linear_mix_scales_bm25_by_the_best_and_weighs_the_cosine():
    keyword = [(1, 10.0), (2, 5.0), (3, 2.0)]
    dense = {1: 0.20, 2: 0.60, 3: 0.10}
    fused = dict(fusion.fuse(keyword, [], dense))
    assert fused[1] == pytest.approx(0.35 * 1.0 + 0.65 * 0.20)  # 0.48
    assert fused[2] == pytest.approx(0.35 * 0.5 + 0.65 * 0.60)  # 0.565
    assert fused[3] == pytest.approx(0.35 * 0.2 + 0.65 * 0.10)  # 0.135
    assert [pid for pid, _ in fusion.fuse(keyword, [], dense)] == [2, 1, 3]


def test_keyword_lists_lean_on_the_words():
    assert fusion.dense_weight("feed-forward model, Gaussian primitives, view synthesis, 3D point tracking") == 0.5
    assert fusion.dense_weight("a model that, given a video, predicts where each point goes next in 3D") == 0.65
    assert fusion.dense_weight("diffusion, video") == 0.65  # two parts are not a list
    keyword, dense = [(1, 10.0), (2, 5.0)], {1: 0.2, 2: 0.6}
    assert [pid for pid, _ in fusion.fuse(keyword, [], dense, weight=0.5)] == [1, 2]  # 0.6 vs 0.55
    assert [pid for pid, _ in fusion.fuse(keyword, [], dense, weight=0.7)] == [2, 1]  # 0.44 vs 0.57


def test_missing_cosine_counts_as_zero_and_ties_go_to_the_lower_id():
    fused = fusion.fuse([(7, 4.0), (3, 4.0)], [], {})
    assert fused == [(3, pytest.approx(0.35)), (7, pytest.approx(0.35))]


def test_rrf_is_kept_for_comparison():
    ranked = fusion.rrf([(1, 9.0), (2, 8.0)], [(2, 0.9), (3, 0.8)], k=60)
    assert ranked[0] == (2, pytest.approx(1 / 62 + 1 / 61))
    assert [pid for pid, _ in ranked] == [2, 1, 3]


def test_a_semantic_candidate_the_keywords_missed_joins_the_ranking():
    """Issue 16, item 2: keyword top k ∪ semantic top k; a semantic-only candidate has BM25 0 but can win on cosine."""
    keyword = [(1, 10.0), (2, 9.0)]
    semantic = [(3, 0.90), (1, 0.30)]
    dense = {1: 0.30, 2: 0.20, 3: 0.90}
    fused = dict(fusion.fuse(keyword, semantic, dense))
    assert set(fused) == {1, 2, 3}
    assert fused[3] == pytest.approx(0.65 * 0.90)  # 0.585 > paper 1's 0.35 + 0.195 = 0.545
    assert [pid for pid, _ in fusion.fuse(keyword, semantic, dense)] == [3, 1, 2]


def test_z_scaling_puts_both_signals_on_one_scale():
    params = fusion.FusionParams(scaling="z", dense_weight=0.5)
    keyword = [(1, 30.0), (2, 10.0), (3, 20.0)]
    dense = {1: 0.1, 2: 0.5, 3: 0.3}
    fused = dict(fusion.fuse(keyword, [], dense, params))
    # z(BM25) = (1.2247, -1.2247, 0), z(cos) = (-1.2247, 1.2247, 0): each pair cancels at w = 0.5
    assert fused == {1: pytest.approx(0.0, abs=1e-9), 2: pytest.approx(0.0, abs=1e-9), 3: pytest.approx(0.0)}
    # a candidate without a vector yet gets the candidates' mean cosine (z = 0), not the lowest
    fused = dict(fusion.fuse(keyword, [], {1: 0.1, 2: 0.5}, params))
    assert fused[3] == pytest.approx(0.0)
