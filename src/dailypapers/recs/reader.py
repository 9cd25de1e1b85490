"""Ranking for one reader of the hub: their library's state is built once and cached until the library changes
(checked by a cheap signature query), and each ranked paper gets a one-line reason."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from dailypapers.recs.features import Items, Library, author_key
from dailypapers.recs.methods import foryou_scores, similarities
from dailypapers.recs.space import ranking_space
from dailypapers.store import library as library_store
from dailypapers.store.db import Database
from dailypapers.store.recs import contents_by_id

CACHED_READERS = 1000


@dataclass
class Ranked:
    paper_id: int
    score: float
    reason: str


class ReaderCache:
    """LRU of readers' Library objects keyed by user id, each valid for one library signature."""

    def __init__(self, size: int = CACHED_READERS) -> None:
        self.size = size
        self._entries: OrderedDict[int, tuple[tuple, Library]] = OrderedDict()
        self._lock = threading.Lock()
        self.builds = 0  # how many times a library state was (re)built: tests check caching with it

    def library(self, db: Database, user_id: int) -> Library | None:
        space = ranking_space(db)
        with db.connect() as conn:
            signature = library_store.signature(conn, user_id)
            with self._lock:
                cached = self._entries.get(user_id)
                if cached is not None and cached[0] == signature:
                    self._entries.move_to_end(user_id)
                    return cached[1]
            if signature[0] == 0:
                return None
            ids = library_store.reader_paper_ids(conn, user_id)
            contents = contents_by_id(conn, ids)
            library = Library(space.items(conn, [contents[i] for i in ids if i in contents]))
        with self._lock:
            self.builds += 1
            self._entries[user_id] = (signature, library)
            self._entries.move_to_end(user_id)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return library


_CACHES: weakref.WeakKeyDictionary[Database, ReaderCache] = weakref.WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def reader_cache(db: Database) -> ReaderCache:
    with _CACHES_LOCK:
        if db not in _CACHES:
            _CACHES[db] = ReaderCache()
        return _CACHES[db]


def reasons(library: Library, candidates: Items, rows: Sequence[int],
            sims: tuple[np.ndarray, np.ndarray]) -> list[str]:
    """One line per row: a shared author with several saved papers, else the closest saved paper (by vectors and
    words together; `sims` as methods.similarities gives them)."""
    index = np.asarray(rows, dtype=np.int64)
    closeness = sims[0][index] + sims[1][index]
    nearest = closeness.argmax(axis=1) if len(library) else np.zeros(len(index), dtype=np.int64)
    out = []
    for row, near in zip(rows, nearest, strict=True):
        paper = candidates.papers[row]
        shared = sorted(((library.authors.get(author_key(a), 0), a) for a in paper.authors), reverse=True)
        closest = library.items.papers[int(near)].title
        if shared and shared[0][0] >= 2:
            out.append(f"by {shared[0][1]}, author of {shared[0][0]} papers in your library")
        elif shared and shared[0][0] == 1:
            out.append(f"by {shared[0][1]}, as is a paper in your library; close to “{closest}”")
        else:
            out.append(f"close to “{closest}” in your library")
    return out


def rank_for_reader(db: Database, user_id: int, paper_ids: Sequence[int], limit: int | None = None) -> list[Ranked]:
    """`paper_ids` ranked for the reader from their saved and upvoted papers (those and "not interested" ones left
    out), best first; empty when the reader has neither saved nor upvoted anything (the cold start)."""
    library = reader_cache(db).library(db, user_id)
    if library is None:
        return []
    with db.connect() as conn:
        skip = {p.id for p in library.items.papers} | library_store.not_interested_ids(conn, user_id)
        wanted = [i for i in dict.fromkeys(paper_ids) if i not in skip]
        contents = contents_by_id(conn, wanted)
        candidates = ranking_space(db).items(conn, [contents[i] for i in wanted if i in contents])
    if not len(candidates):
        return []
    sims = similarities(library, candidates)
    scores = foryou_scores(library, candidates, sims=sims)
    order = [int(i) for i in np.argsort(-scores, kind="stable")[: limit or len(candidates)]]
    return [Ranked(candidates.papers[i].id, float(scores[i]), reason)
            for i, reason in zip(order, reasons(library, candidates, order, sims), strict=True)]
