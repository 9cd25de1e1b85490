"""Keeps an in-process BM25 index (search/bm25.py) in step with the papers table, on SQLite and PostgreSQL.

Before each query the text-change log (store/text_log.py) is read from where the snapshot stands. A small
difference is applied on the spot: new papers added, changed ones re-read, deleted ones removed. A large one (a bulk
import under way) starts a background rebuild, and keyword queries go to the database's own full-text search (FTS5,
or PostgreSQL's) until it is done; so does a fresh process until its first build is ready. So the index never
answers with a paper's old text, never with a deleted paper, and never misses a new one; hidden papers are filtered
by the caller, like every other search hit. After a crash or a restart nothing is stale either: the index lives in
memory only and is rebuilt from the table.
"""

from __future__ import annotations

import logging
import threading
import time

import sqlalchemy as sa

from dailypapers.search.bm25 import Bm25Index, Document
from dailypapers.store import search as store
from dailypapers.store import text_log
from dailypapers.store.db import Database
from dailypapers.store.text_log import Changes, LogPosition

log = logging.getLogger(__name__)

CATCH_UP_LIMIT = 5000  # papers applied before a query; more than that waits for a background rebuild
MAX_SEGMENTS = 24  # each catch-up adds a segment; past this many a background rebuild merges them
MAX_DEAD_SHARE = 0.2  # replaced or removed papers' old postings still scanned, as a share of all


class KeywordIndex:
    def __init__(self, db: Database) -> None:
        self.db = db
        # (snapshot, the log position it matches), swapped as one object so readers never pair them wrongly
        self._state: tuple[Bm25Index, LogPosition] | None = None
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
            seen = text_log.position(conn)  # read before the papers: a change after it is caught up later
            # SQLite: papers above top_id are new, caught up by id; PostgreSQL: every paper, new ones logged anyway.
            upto = seen.top_id if self.db.dialect == "sqlite" else 2**31 - 1
            index = Bm25Index.build(Document(*row) for chunk in store.paper_texts(conn, 0, upto) for row in chunk)
        with self._lock:
            self._state = (index, seen)
        self.last_build_seconds = time.monotonic() - started
        log.info("keyword index: %d papers, %d terms in %.1f s", index.size, len(index.terms),
                 self.last_build_seconds)

    def current(self, conn: sa.Connection) -> Bm25Index | None:
        """A snapshot that matches the table as `conn` sees it now, or None while one is being built."""
        if self._state is None:
            if text_log.position(conn).top_id > CATCH_UP_LIMIT:
                self.start_build()
                return None
            self.build_now()  # a small table: building takes less than a catch-up would
        state = self._state
        if state is None:
            return None
        changes = text_log.changes_since(conn, state[1])  # outside the lock: concurrent queries do not queue
        if changes.count == 0:
            with self._lock:  # compare and swap: a catch-up that ran meanwhile is not undone
                if self._state is state:
                    self._state = (state[0], changes.position)
            return state[0]
        with self._lock:
            latest = self._state
            assert latest is not None  # never reset once built
            snapshot: Bm25Index | None = latest[0]
            seen = latest[1]
            if seen is not state[1]:  # another query caught up meanwhile: start from there
                changes = text_log.changes_since(conn, seen)
            if changes.count == 0:
                return snapshot
            if changes.count > CATCH_UP_LIMIT:
                rebuild = True
                snapshot = None
            else:
                assert snapshot is not None
                snapshot = self._caught_up(conn, snapshot, changes)
                self._state = (snapshot, changes.position)
                rebuild = (len(snapshot.segments) > MAX_SEGMENTS
                           or snapshot.dead > MAX_DEAD_SHARE * max(len(snapshot.paper_ids), 1))
        if rebuild:
            self.start_build()  # the caught-up snapshot (if any) keeps serving meanwhile
        return snapshot

    @staticmethod
    def _caught_up(conn: sa.Connection, snapshot: Bm25Index, changes: Changes) -> Bm25Index:
        after_id, upto_id = changes.new_ids
        rows = [row for chunk in store.paper_texts(conn, after_id, upto_id) for row in chunk] if upto_id > after_id \
            else []
        in_range = {row[0] for row in rows}
        changed = changes.changed or set()
        rows += store.paper_texts_by_id(conn, [pid for pid in changed if pid not in in_range])
        return snapshot.with_changes([Document(*row) for row in rows], removed=changed)
