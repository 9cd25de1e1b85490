"""Fixed-window rate-limit counters shared by every worker process through the database.

One statement increments and returns the count (INSERT … ON CONFLICT DO UPDATE … RETURNING), so concurrent
requests in different processes never both slip under the limit.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from dailypapers.store.schema import rate_limits


def hit(conn: sa.Connection, key: str, window_start: int) -> int:
    """Count one event for `key` in the window starting at `window_start` (epoch seconds); returns the count."""
    ins = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(rate_limits)
    stmt = ins.values(key=key[:200], window_start=window_start, count=1).on_conflict_do_update(
        index_elements=["key", "window_start"], set_={"count": rate_limits.c.count + 1}).returning(rate_limits.c.count)
    return conn.execute(stmt).scalar_one()


def peek(conn: sa.Connection, key: str, window_start: int) -> int:
    return conn.execute(sa.select(rate_limits.c.count).where(rate_limits.c.key == key[:200],
                                                             rate_limits.c.window_start == window_start)).scalar() or 0


def purge_before(conn: sa.Connection, epoch: int) -> int:
    return conn.execute(rate_limits.delete().where(rate_limits.c.window_start < epoch)).rowcount
