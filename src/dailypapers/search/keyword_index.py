"""Keeps an in-process BM25 index (search/bm25.py) in step with the papers table, on SQLite.

Before each query the table's text signature (highest paper id, highest entry of the text-change log) is compared
with the snapshot's. A small difference is applied on the spot: papers above the last id seen are added, changed
ones re-read, deleted ones removed. A large one (a bulk import under way) starts a background rebuild, and keyword
queries go to FTS5 until it is done. So the index never answers with a paper's old text, never with a deleted
paper, and never misses a new one; hidden papers are filtered by the caller, like every other search hit. After a
crash or a restart nothing is stale either: the index lives in memory only and is rebuilt from the table.
"""

from __future__ import annotations

import logging
import threading
import time

import sqlalchemy as sa

from dailypapers.search.bm25 import Bm25Index, Document
from dailypapers.store import search as store
from dailypapers.store.db import Database

log = logging.getLogger(__name__)

CATCH_UP_LIMIT = 5000  # papers applied before a query; more than that waits for a background rebuild
MAX_SEGMENTS = 24  # each catch-up adds a segment; past this many a background rebuild merges them
MAX_DEAD_SHARE = 0.2  # replaced or removed papers' old postings still scanned, as a share of all


class KeywordIndex:
    def __init__(self, db: Database) -> None:
        self.db = db
        # (snapshot, the table signature it matches), swapped as one object so readers never pair them wrongly
        self._state: tuple[Bm25Index, tuple[int, int]] | None = None
        self._lock = threading.Lock()
        self._builder: threading.Thread | None = None
        self.last_build_seconds: float | None = None

    @property
    def snapshot(self) -> Bm25Index | None:
        """The latest snapshot, whether or not the table has changed since (for figures, not for answers)."""
        return self._state[0] if self._state else None

    @property
    def ready(self) -> bool:
        return self._state is not None

    @property
    def building(self) -> bool:
        builder = self._builder
        return builder is not None and builder.is_alive()

    def start_build(self) -> None:
        """Build (or rebuild) in a background thread, unless a build is already running."""
        with self._lock:
            if self.building:
                return
            self._builder = threading.Thread(target=self._build_logged, name="dailypapers-bm25", daemon=True)
            self._builder.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for a running build; True when a snapshot is ready."""
        builder = self._builder
        if builder is not None:
            builder.join(timeout)
        return self._state is not None

    def build_now(self) -> None:
        self.start_build()
        self.wait()

    def _build_logged(self) -> None:
        try:
            self._build()
        except Exception:  # searches keep working through FTS5; the next query tries again
            log.exception("building the in-memory keyword index failed")

    def _build(self) -> None:
        started = time.monotonic()
        with self.db.connect() as conn:
            signature = store.text_signature(conn)
            index = Bm25Index.build(Document(*row) for chunk in store.paper_texts(conn, 0, signature[0])
                                    for row in chunk)
        with self._lock:
            self._state = (index, signature)
        self.last_build_seconds = time.monotonic() - started
        log.info("keyword index: %d papers, %d terms in %.1f s", index.size, len(index.terms),
                 self.last_build_seconds)

    def current(self, conn: sa.Connection) -> Bm25Index | None:
        """A snapshot that matches the table as `conn` sees it now, or None while one is being built."""
        signature = store.text_signature(conn)
        if self._state is None:
            if signature[0] > CATCH_UP_LIMIT:
                self.start_build()
                return None
            self.build_now()  # a small table: building takes less than a catch-up would
        current = self._state
        if current is None:
            return None
        if current[1] == signature:
            return current[0]
        with self._lock:
            snapshot, seen = self._state
            if seen == signature:
                return snapshot
            changed = store.changed_paper_ids(conn, seen[1], signature[1])
            if max(signature[0] - seen[0], 0) + len(changed) > CATCH_UP_LIMIT:
                rebuild = True
                snapshot = None
            else:
                snapshot = self._caught_up(conn, snapshot, seen[0], signature[0], changed)
                self._state = (snapshot, signature)
                rebuild = (len(snapshot.segments) > MAX_SEGMENTS
                           or snapshot.dead > MAX_DEAD_SHARE * max(len(snapshot.paper_ids), 1))
        if rebuild:
            self.start_build()  # the caught-up snapshot (if any) keeps serving meanwhile
        return snapshot

    @staticmethod
    def _caught_up(conn: sa.Connection, snapshot: Bm25Index, after_id: int, upto_id: int,
                   changed: set[int]) -> Bm25Index:
        rows = [row for chunk in store.paper_texts(conn, after_id, upto_id) for row in chunk]
        in_range = {row[0] for row in rows}
        rows += store.paper_texts_by_id(conn, [pid for pid in changed if pid not in in_range])
        return snapshot.with_changes([Document(*row) for row in rows], removed=changed)
