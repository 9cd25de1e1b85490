"""The papers an events file names, featurised once, and the methods `eval-recs` compares on them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from dailypapers.recs import methods
from dailypapers.recs.evaluate import Event
from dailypapers.recs.features import Items, Library
from dailypapers.recs.space import ranking_space
from dailypapers.store import vectors as vector_store
from dailypapers.store.db import Database
from dailypapers.store.recs import contents_by_arxiv_id


@dataclass
class EvalCorpus:
    items: Items
    negatives: methods.Negatives
    row_of: dict[str, int] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)

    def featurize(self, arxiv_ids: Sequence[str]) -> Items:
        return self.items.take([self.row_of[a] for a in arxiv_ids if a in self.row_of])

    def scorers(self) -> dict[str, methods.Scorer]:
        return {
            "foryou": methods.foryou_scores,
            "random": methods.random_scores,
            "tfidf-svm": methods.tfidf_svm_scorer(self.negatives),
            "emb-centroid": methods.emb_centroid_scores,
            "emb-linear": methods.emb_linear_scorer(self.negatives),
            "tfidf-centroid": _tfidf_centroid,
            "tfidf-nearest": _tfidf_nearest,
        }


def _tfidf_centroid(library: Library, candidates: Items) -> np.ndarray:
    return np.asarray(candidates.text @ library.text_centroid).ravel()


def _tfidf_nearest(library: Library, candidates: Items) -> np.ndarray:
    return (candidates.text @ library.text_t).toarray().max(axis=1, initial=0.0)


def build_eval_corpus(db: Database, events: Sequence[Event]) -> EvalCorpus:
    named = list(dict.fromkeys(a for e in events for a in (*e.library, *e.candidates, *e.relevant)))
    space = ranking_space(db)
    with db.connect() as conn:
        contents = contents_by_arxiv_id(conn, named)
        found = [contents[a] for a in named if a in contents]
        items = space.items(conn, found)
        text = space.text(conn)
        vectors = np.vstack([v for _, _, v in vector_store.read_vectors(conn, space.model)] or
                            [np.zeros((0, space.dim), dtype=np.float32)])
    negatives = methods.Negatives(text.rows, vectors)
    return EvalCorpus(items, negatives, {p.arxiv_id: i for i, p in enumerate(found)}, set(named) - set(contents))
