"""Ranking methods: the default `foryou` ranker and the published recipes it is measured against.

Every method scores candidates from a Library (the reader's papers) and the candidates' own content. The
baselines follow their sources: arxiv-sanity-lite (tf-idf + LinearSVC, library as positives, random papers and
the candidates as negatives), zotero-arxiv-daily (cosine to the library's sentence vectors, decayed by age),
Scholar Inbox (a linear classifier on sentence vectors).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from dailypapers.recs.features import Items, Library, author_key

# Signals the default ranker combines; each is standardised over the candidates being ranked, then weighted.
SIGNALS = ("emb_centroid", "emb_top", "tfidf_centroid", "tfidf_top", "authors", "category")
# Fitted by `dailypapers eval-recs --tune` (logistic regression over the standardised signals of the tuning half of
# ../shared/eval/dev_recs.jsonl, C=1); bench/RESULTS.md has the figures on the held-out half. Shared authors and
# the nearest saved papers by words carry most of the weight; sentence vectors help through the library centroid.
DEFAULT_WEIGHTS: dict[str, float] = {
    "emb_centroid": 0.5, "emb_top": -0.1, "tfidf_centroid": 0.08, "tfidf_top": 0.56, "authors": 0.69,
    "category": -0.08,
}
TOP_K = 3


def _top_mean(sims: np.ndarray, k: int) -> np.ndarray:
    if sims.shape[1] == 0:
        return np.zeros(sims.shape[0], dtype=np.float32)
    k = min(k, sims.shape[1])
    part = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:]
    return part.mean(axis=1)


def similarities(library: Library, candidates: Items) -> tuple[np.ndarray, np.ndarray]:
    """Cosine of every candidate to every library paper: by sentence vectors, and by tf-idf."""
    return candidates.vectors @ library.items.vectors.T, (candidates.text @ library.text_t).toarray()


def signals(library: Library, candidates: Items,
            sims: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Raw signals (candidates × 1 each); larger means closer to the library."""
    vec_sims, text_sims = sims if sims is not None else similarities(library, candidates)
    n = max(len(library), 1)
    author_scores = np.array([
        sum(np.log1p(library.authors.get(author_key(a), 0)) for a in set(p.authors)) for p in candidates.papers
    ], dtype=np.float32)
    category_scores = np.array([
        np.log((library.primary_categories.get(p.categories[0], 0) + 0.5) / (n + 0.5)) if p.categories
        else np.log(0.5 / (n + 0.5)) for p in candidates.papers
    ], dtype=np.float32)
    return {
        "emb_centroid": candidates.vectors @ library.vector_centroid,
        "emb_top": _top_mean(vec_sims, TOP_K),
        "tfidf_centroid": np.asarray(candidates.text @ library.text_centroid).ravel(),
        "tfidf_top": _top_mean(text_sims, TOP_K),
        "authors": author_scores,
        "category": category_scores,
    }


def standardise(values: np.ndarray) -> np.ndarray:
    std = float(values.std())
    return (values - values.mean()) / std if std > 1e-9 else np.zeros_like(values)


def combine(raw: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    total = np.zeros(len(next(iter(raw.values()))), dtype=np.float64)
    for name, weight in weights.items():
        if weight:
            total += weight * standardise(raw[name].astype(np.float64))
    return total


@dataclass
class Negatives:
    """Random papers for the recipes that train a classifier (arxiv-sanity-lite uses the whole corpus)."""

    text: sparse.csr_matrix
    vectors: np.ndarray


def _seed(candidates: Items) -> int:
    digest = hashlib.sha1(" ".join(p.arxiv_id for p in candidates.papers).encode()).digest()
    return int.from_bytes(digest[:4], "little")


Scorer = Callable[[Library, Items], np.ndarray]


def random_scores(library: Library, candidates: Items) -> np.ndarray:
    return np.random.default_rng(_seed(candidates)).random(len(candidates))


def emb_centroid_scores(library: Library, candidates: Items) -> np.ndarray:
    """zotero-arxiv-daily: similarity to each library paper, averaged with its age decay."""
    return candidates.vectors @ library.vector_centroid


def foryou_scores(library: Library, candidates: Items, weights: dict[str, float] | None = None,
                  sims: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    return combine(signals(library, candidates, sims), weights or DEFAULT_WEIGHTS)


def tfidf_svm_scorer(negatives: Negatives, count: int = 3000, c: float = 0.01) -> Scorer:
    """arxiv-sanity-lite: LinearSVC (balanced classes, C=0.01) on tf-idf rows, library = 1, else 0."""
    from sklearn.svm import LinearSVC

    def score(library: Library, candidates: Items) -> np.ndarray:
        rng = np.random.default_rng(_seed(candidates))
        picked = rng.choice(negatives.text.shape[0], size=min(count, negatives.text.shape[0]), replace=False)
        x = sparse.vstack([library.items.text, negatives.text[picked], candidates.text], format="csr")
        y = np.zeros(x.shape[0], dtype=np.int8)
        y[: len(library)] = 1
        model = LinearSVC(class_weight="balanced", max_iter=10000, tol=1e-6, C=c)
        model.fit(x, y)
        return model.decision_function(candidates.text)

    return score


def emb_linear_scorer(negatives: Negatives, count: int = 3000, c: float = 1.0) -> Scorer:
    """Scholar Inbox's idea: a per-reader logistic regression on sentence vectors, negatives as above."""
    from sklearn.linear_model import LogisticRegression

    def score(library: Library, candidates: Items) -> np.ndarray:
        rng = np.random.default_rng(_seed(candidates))
        picked = rng.choice(negatives.vectors.shape[0], size=min(count, negatives.vectors.shape[0]), replace=False)
        x = np.vstack([library.items.vectors, negatives.vectors[picked], candidates.vectors])
        y = np.zeros(x.shape[0], dtype=np.int8)
        y[: len(library)] = 1
        model = LogisticRegression(class_weight="balanced", C=c, max_iter=1000)
        model.fit(x, y)
        return model.decision_function(candidates.vectors)

    return score
