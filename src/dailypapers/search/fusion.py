"""Fusing keyword and semantic candidates into one ranking.

Every candidate gets both a keyword score (BM25, 0 when the keyword branch did not return it) and a dense score
(cosine with the query, computed for keyword candidates too), and the two are mixed after scaling BM25 by the
query's best BM25. The weights were tuned on the dev query files (bench/RESULTS.md); plain reciprocal rank fusion
stays available for comparison.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FusionParams:
    method: str = "linear"  # "linear" (scaled score mix) or "rrf"
    # Tuned on the dev query files with 256-token document vectors (bench/RESULTS.md): 0.7 of cosine over the best 20
    # keyword candidates gave paraphrase R@1 0.806 / MRR@10 0.852 (0.6: 0.788; 0.8: 0.794) with summary R@1 0.995.
    keyword_depth: int = 20
    semantic_depth: int = 50
    dense_weight: float = 0.7  # linear: share of the cosine in the mix
    # A comma-separated list of short terms ("diffusion models, video, 3D") asks for those exact terms: the cosine
    # weighs less there (0.5 keeps such queries' R@1 at BM25's 0.98 on the dev set; 0.7 gave 0.9725).
    list_dense_weight: float = 0.5
    rrf_k: int = 60


DEFAULT = FusionParams()


def rrf(keyword: list[tuple[int, float]], semantic: list[tuple[int, float]], k: int = 60) -> list[tuple[int, float]]:
    scores: dict[int, float] = {}
    for ranking in (keyword, semantic):
        for rank, (pid, _) in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + 1.0 / (k + rank)
    return sorted(scores.items(), key=lambda x: (-x[1], x[0]))


def is_keyword_list(text: str) -> bool:
    """Three or more comma-separated parts of four words or fewer on average."""
    parts = [p.split() for p in text.split(",")]
    parts = [p for p in parts if p]
    return len(parts) >= 3 and sum(map(len, parts)) / len(parts) <= 4


def dense_weight(text: str, params: FusionParams = DEFAULT) -> float:
    return params.list_dense_weight if is_keyword_list(text) else params.dense_weight


def fuse(keyword: list[tuple[int, float]], semantic: list[tuple[int, float]], dense: dict[int, float],
         params: FusionParams = DEFAULT, weight: float | None = None) -> list[tuple[int, float]]:
    if params.method == "rrf":
        return rrf(keyword[: params.keyword_depth], semantic[: params.semantic_depth], params.rrf_k)
    best = max((s for _, s in keyword), default=0.0)
    bm25 = {pid: (s / best if best > 0 else 0.0) for pid, s in keyword}
    w = params.dense_weight if weight is None else weight
    scores = {pid: (1 - w) * bm25.get(pid, 0.0) + w * dense.get(pid, 0.0) for pid in {*bm25, *dense}}
    return sorted(scores.items(), key=lambda x: (-x[1], x[0]))
