"""Papers as a ranker sees them (tf-idf rows, sentence vectors, authors, categories) and a reader's library
turned into the per-reader state every method starts from."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import sparse

from dailypapers.store.recs import PaperContent


@dataclass
class Items:
    """Papers with their features, row for row."""

    papers: list[PaperContent]
    text: sparse.csr_matrix
    vectors: np.ndarray  # unit rows; all-zero for a paper without a vector

    def __len__(self) -> int:
        return len(self.papers)

    def take(self, rows: Sequence[int]) -> Items:
        index = np.asarray(rows, dtype=np.int64)
        return Items([self.papers[i] for i in rows], self.text[index], self.vectors[index])


@lru_cache(maxsize=200_000)  # the same names recur across libraries and days: normalise each once
def author_key(name: str) -> str:
    """'Élodie  Dupont-Martin' and 'elodie dupont martin' are one author: accents, case, punctuation dropped."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return " ".join(re.findall(r"[a-z0-9]+", plain))


def recency_weights(n: int) -> np.ndarray:
    """zotero-arxiv-daily's decay over a library ordered oldest first: the newest paper weighs 1,
    the k-th newest 1 / (1 + log10(k)); normalised to sum 1."""
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    rank_from_newest = np.arange(n, 0, -1, dtype=np.float64)
    w = 1.0 / (1.0 + np.log10(rank_from_newest))
    return (w / w.sum()).astype(np.float32)


@dataclass
class Library:
    """A reader's saved papers, oldest first, with what every ranking needs precomputed once per library change."""

    items: Items
    weights: np.ndarray = field(init=False)
    text_t: sparse.csr_matrix = field(init=False)  # the library's tf-idf rows transposed, ready for products
    text_centroid: np.ndarray = field(init=False)
    vector_centroid: np.ndarray = field(init=False)
    authors: Counter[str] = field(init=False)
    categories: Counter[str] = field(init=False)
    primary_categories: Counter[str] = field(init=False)

    def __post_init__(self) -> None:
        n = len(self.items)
        self.weights = recency_weights(n)
        self.text_t = self.items.text.T.tocsr()
        if n:
            self.text_centroid = np.asarray(self.items.text.T @ self.weights, dtype=np.float32).ravel()
            self.vector_centroid = (self.weights @ self.items.vectors).astype(np.float32)
        else:
            self.text_centroid = np.zeros(self.items.text.shape[1], dtype=np.float32)
            self.vector_centroid = np.zeros(self.items.vectors.shape[1], dtype=np.float32)
        self.authors = Counter(author_key(a) for p in self.items.papers for a in set(p.authors))
        self.categories = Counter(c for p in self.items.papers for c in set(p.categories))
        self.primary_categories = Counter(p.categories[0] for p in self.items.papers if p.categories)

    def __len__(self) -> int:
        return len(self.items)
