"""Per-database ranking state shared by every reader: the tf-idf space (learnt once per process from the newest
`recs_vocabulary_papers` papers) and the name of the sentence vectors to read."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Sequence

import numpy as np
import sqlalchemy as sa

from dailypapers.recs.features import Items
from dailypapers.recs.text import TextSpace
from dailypapers.search.engine import state as search_state
from dailypapers.store import vectors as vector_store
from dailypapers.store.db import Database
from dailypapers.store.recs import PaperContent, newest_contents


class RankingSpace:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._text: TextSpace | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> str:
        return search_state(self.db).embedder.name

    @property
    def dim(self) -> int:
        return search_state(self.db).embedder.dim

    def text(self, conn: sa.Connection) -> TextSpace:
        if self._text is None:
            with self._lock:
                if self._text is None:
                    corpus = newest_contents(conn, self.db.settings.recs_vocabulary_papers)
                    self._text = TextSpace(corpus)
        return self._text

    def items(self, conn: sa.Connection, papers: Sequence[PaperContent]) -> Items:
        """Features of `papers`, in order; a paper without a sentence vector gets a zero row (no embedding signal)."""
        text = self.text(conn).transform(papers)
        found = vector_store.vectors_for(conn, self.model, [p.id for p in papers])
        vectors = np.zeros((len(papers), self.dim), dtype=np.float32)
        for row, p in enumerate(papers):
            if p.id in found:
                vectors[row] = found[p.id]
        return Items(list(papers), text, vectors)


_SPACES: weakref.WeakKeyDictionary[Database, RankingSpace] = weakref.WeakKeyDictionary()
_SPACES_LOCK = threading.Lock()


def ranking_space(db: Database) -> RankingSpace:
    with _SPACES_LOCK:
        if db not in _SPACES:
            _SPACES[db] = RankingSpace(db)
        return _SPACES[db]


def warm_ranking_space(db: Database) -> threading.Thread:
    """Learn the tf-idf space in a background thread (tens of seconds on a large hub), so the first /for-you
    request does not wait for it."""

    def run() -> None:
        try:
            with db.connect() as conn:
                ranking_space(db).text(conn)
        except Exception:  # the page will try again and log its own error
            logging.getLogger(__name__).exception("could not prepare the ranking space")

    thread = threading.Thread(target=run, name="dailypapers-recs-warm", daemon=True)
    thread.start()
    return thread
