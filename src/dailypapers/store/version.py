"""A cheap token that changes whenever any transaction commits: the key the web layer caches pages under.

SQLite: `PRAGMA data_version` on one connection that never writes; it changes when any other connection, in any
process, commits. PostgreSQL: the text of the current snapshot (`xmin:xmax:xip...`); two equal snapshots see exactly
the same committed transactions. Either may change when nothing a page shows changed (a miss, never a stale page).
Read the token before reading the data it stands for.
"""

from __future__ import annotations

import threading
from typing import Any

import sqlalchemy as sa

from dailypapers.store.db import Database


class DataVersion:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._raw: Any = None  # a DB-API connection

    def current(self) -> str:
        if self.db.dialect == "sqlite":
            with self._lock:
                if self._raw is None:
                    # Held for the life of the process, outside the pool, and never used to write.
                    self._raw = self.db.engine.raw_connection()
                cur = self._raw.cursor()
                try:
                    return f"s{cur.execute('PRAGMA data_version').fetchone()[0]}"
                finally:
                    cur.close()
        with self.db.connect() as conn:
            return "p" + conn.execute(sa.text("SELECT pg_current_snapshot()::text")).scalar_one()

    def close(self) -> None:
        with self._lock:
            if self._raw is not None:
                self._raw.close()
                self._raw = None
