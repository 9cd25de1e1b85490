"""The tf-idf space papers are compared in: 1-2-grams of title + abstract, sublinear tf, l2-normalised rows,
learnt once from a sample of the corpus (the arxiv-sanity-lite settings) and shared by every reader."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from dailypapers.store.recs import PaperContent

MAX_FEATURES = 20000


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

    def transform(self, items: Sequence[PaperContent]) -> sparse.csr_matrix:
        """Rows for `items`, reusing the fitted rows of corpus papers (most papers ranked are in the sample)."""
        known = [self.row_of.get(p.arxiv_id) for p in items]
        missing = [i for i, r in enumerate(known) if r is None]
        if not missing:
            return self.rows[np.array(known, dtype=np.int64)] if items else self._empty()
        fresh = self.vectorizer.transform([items[i].text for i in missing]).tocsr()
        parts = []
        fresh_at = {i: n for n, i in enumerate(missing)}
        for i, r in enumerate(known):
            parts.append(fresh[fresh_at[i]] if r is None else self.rows[r])
        return sparse.vstack(parts, format="csr")

    def _empty(self) -> sparse.csr_matrix:
        return sparse.csr_matrix((0, self.rows.shape[1]), dtype=np.float32)
