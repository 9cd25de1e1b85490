"""The tf-idf space papers are compared in: 1-2-grams of title + abstract, sublinear tf, l2-normalised rows,
learnt once from a sample of the corpus (the arxiv-sanity-lite settings) and shared by every reader."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from dailypapers.store.recs import PaperContent

MAX_FEATURES = 20000
FRESH_CACHE = 20000  # rows of papers outside the fitted sample kept ready (a few days of arXiv)


class TextSpace:
    """A fitted vectorizer plus the rows of the papers it was fitted on (random negatives for the SVM recipe)."""

    def __init__(self, corpus: Sequence[PaperContent], max_features: int = MAX_FEATURES) -> None:
        min_df = 5 if len(corpus) >= 1000 else 1  # tiny hubs (tests, fresh installs) keep every word
        max_df = 0.1 if len(corpus) >= 1000 else 1.0
        self.vectorizer = TfidfVectorizer(
            strip_accents="unicode", lowercase=True, analyzer="word", stop_words="english",
            token_pattern=r"(?u)\b[a-zA-Z_][a-zA-Z0-9_]+\b", ngram_range=(1, 2), max_features=max_features,
            norm="l2", use_idf=True, smooth_idf=True, sublinear_tf=True, max_df=max_df, min_df=min_df,
            dtype=np.float32,
        )
        self.rows = self.vectorizer.fit_transform([p.text for p in corpus]).tocsr()
        self.arxiv_ids = [p.arxiv_id for p in corpus]
        self.row_of = {a: i for i, a in enumerate(self.arxiv_ids)}
        self._fresh: OrderedDict[tuple[str, int], sparse.csr_matrix] = OrderedDict()
        self._lock = threading.Lock()

    def transform(self, items: Sequence[PaperContent]) -> sparse.csr_matrix:
        """Rows for `items`: fitted rows for papers of the sample; others (a new day's papers, shared by every
        reader) are vectorised once and kept in a bounded cache keyed by their text."""
        if not items:
            return self._empty()
        known = [self.row_of.get(p.arxiv_id) for p in items]
        if all(r is not None for r in known):
            return self.rows[np.array(known, dtype=np.int64)]
        keys = [(p.arxiv_id, hash(p.text)) if r is None else None for p, r in zip(items, known, strict=True)]
        with self._lock:
            todo = list(dict.fromkeys(k for k in keys if k is not None and k not in self._fresh))
        if todo:
            text_of = {(p.arxiv_id, hash(p.text)): p.text for p in items}
            fresh = self.vectorizer.transform([text_of[k] for k in todo]).tocsr()
            with self._lock:
                for n, k in enumerate(todo):
                    self._fresh[k] = fresh[n]
                while len(self._fresh) > FRESH_CACHE:
                    self._fresh.popitem(last=False)
        with self._lock:
            extra = [self._fresh[k] for k in keys if k is not None]
        known_rows = [r for r in known if r is not None]
        stacked = sparse.vstack([self.rows[np.array(known_rows, dtype=np.int64)], *extra], format="csr")
        # Put the rows back in the order of `items`: known ones first in `stacked`, then the others.
        order, next_known, next_extra = [], 0, len(known_rows)
        for r in known:
            if r is None:
                order.append(next_extra)
                next_extra += 1
            else:
                order.append(next_known)
                next_known += 1
        return stacked[np.array(order, dtype=np.int64)]

    def _empty(self) -> sparse.csr_matrix:
        return sparse.csr_matrix((0, self.rows.shape[1]), dtype=np.float32)
