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
    # Nearest semantic neighbours added to the candidates of a descriptive query (the union of issue 16), each with
    # its own BM25. 0: none, they only fill in when the keywords find less than a page. 20 lifted dev paraphrase
    # R@10 0.925 -> 0.950 and R@100 0.988 -> 1.0 (bench/RESULTS.md, "Search, round four").
    semantic_depth: int = 20
    # Queries of fewer content words get no union: short topic queries lost with it (MRR@10 0.096 -> 0.087), as
    # neighbours without the query's words pushed out papers that have them.
    union_min_words: int = 5
    # Above this many vectors in the in-process index the union is skipped: its scan (a shortlist on principal
    # components, search/vector_index.py) grows with the corpus, 1.5 ms at 80k, ~20 ms at 1M, more than the keyword
    # search itself. pgvector's HNSW index has no such limit.
    union_scan_limit: int = 250_000
    # Linear: share of the cosine in the mix. 0.7 was best before BM25 got its exact-form bonus (0.806 paraphrase
    # R@1); with the bonus 0.7 gives 0.788 and 0.65 gives 0.806 again, known-item R@1 0.988 -> 0.991 (full 80k
    # vectors, bench/RESULTS.md "Search, round three: full corpus, quiet machine").
    dense_weight: float = 0.65
    # A comma-separated list of short terms ("diffusion models, video, 3D") asks for those exact terms: the cosine
    # weighs less there (0.5 keeps such queries' R@1 at BM25's 0.98 on the dev set; 0.7 gave 0.9725).
    list_dense_weight: float = 0.5
    rrf_k: int = 60
    scaling: str = "max"  # linear: "max" (BM25 / best BM25, cosine as is) or "z" (both as z-scores over candidates)


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


def _z(scores: dict[int, float]) -> dict[int, float]:
    if not scores:
        return {}
    values = list(scores.values())
    mean = sum(values) / len(values)
    std = (sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5 or 1.0
    return {pid: (v - mean) / std for pid, v in scores.items()}


def fuse(keyword: list[tuple[int, float]], semantic: list[tuple[int, float]], dense: dict[int, float],
         params: FusionParams = DEFAULT, weight: float | None = None) -> list[tuple[int, float]]:
    """Every paper of `keyword` ∪ `semantic` scored (1 - w) · BM25 + w · cosine (`dense`), each scaled over the
    candidates: by the best BM25 (cosine as is) or, with scaling "z", both as z-scores. A semantic-only candidate's
    BM25 is 0 (the keyword list did not return it); a candidate without a vector (not embedded yet) gets no cosine
    share under "max" and the candidates' mean under "z"."""
    if params.method == "rrf":
        return rrf(keyword[: params.keyword_depth], semantic[: params.semantic_depth], params.rrf_k)
    candidates = {pid for pid, _ in keyword} | {pid for pid, _ in semantic}
    raw = dict(keyword)
    bm25 = {pid: raw.get(pid, 0.0) for pid in candidates}
    cosine = {pid: dense[pid] for pid in candidates if pid in dense}
    if params.scaling == "z":
        bm25, cosine = _z(bm25), _z(cosine)
    else:
        best = max(bm25.values(), default=0.0)
        bm25 = {pid: (s / best if best > 0 else 0.0) for pid, s in bm25.items()}
    w = params.dense_weight if weight is None else weight
    scores = {pid: (1 - w) * bm25[pid] + w * cosine.get(pid, 0.0) for pid in candidates}
    return sorted(scores.items(), key=lambda x: (-x[1], x[0]))
