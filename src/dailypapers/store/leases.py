"""Job leases and shared request clocks: rows every process and host on the database sees (SQLite and PostgreSQL).

Each statement that takes something is one conditional UPDATE, so two processes racing for the same row are
serialised by the row lock (PostgreSQL) or the write lock (SQLite) and exactly one of them wins. Times are epoch
seconds from the callers' clocks (hosts keep them in step with NTP; a lease outlives small skews).
"""

from __future__ import annotations

import os
import socket
import uuid

import sqlalchemy as sa

from dailypapers.store.schema import job_leases, shared_clocks


def holder_id() -> str:
    """This process, unique across hosts and restarts: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _ensure_row(conn: sa.Connection, table: sa.Table, name: str) -> None:
    if conn.execute(sa.select(table.c.name).where(table.c.name == name)).first() is None:
        # A concurrent first insert of the same name is harmless: ours then fails inside a savepoint.
        try:
            with conn.begin_nested():
                conn.execute(table.insert().values(name=name))
        except sa.exc.IntegrityError:
            pass


def take_lease(conn: sa.Connection, name: str, holder: str, now: float, seconds: float,
               dead_holder: str | None = None) -> bool:
    """Take (or renew) lease `name` for `holder` until now + seconds, unless another holder's lease is still alive
    (or that holder is `dead_holder`, known to have exited)."""
    _ensure_row(conn, job_leases, name)
    row = job_leases.c
    free = sa.or_(row.holder == holder, row.expires_at < now)
    if dead_holder:
        free = sa.or_(free, row.holder == dead_holder)
    taken = conn.execute(
        job_leases.update()
        .where(row.name == name, free)
        .values(holder=holder, expires_at=now + seconds,
                acquired_at=sa.case((row.holder == holder, row.acquired_at), else_=now))
    )
    return taken.rowcount == 1


def renew_lease(conn: sa.Connection, name: str, holder: str, now: float, seconds: float) -> bool:
    """Extend a lease `holder` still has; False when it expired and someone else took it meanwhile."""
    row = job_leases.c
    renewed = conn.execute(job_leases.update().where(row.name == name, row.holder == holder)
                           .values(expires_at=now + seconds))
    return renewed.rowcount == 1


def lease_holder(conn: sa.Connection, name: str) -> str:
    return conn.execute(sa.select(job_leases.c.holder).where(job_leases.c.name == name)).scalar() or ""


def holder_exited(holder: str) -> bool:
    """Whether `holder` (a holder_id) was a process of this host that no longer runs (a restart after kill -9 need
    not wait for its lease to expire)."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def release_lease(conn: sa.Connection, name: str, holder: str) -> None:
    row = job_leases.c
    conn.execute(job_leases.update().where(row.name == name, row.holder == holder).values(expires_at=0.0))


def leases(conn: sa.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.select(job_leases).order_by(job_leases.c.name)).mappings()]


def claim_request_slot(conn: sa.Connection, name: str, holder: str, now: float, spacing: float,
                       flight_s: float) -> float | None:
    """Reserve the next request to service `name`: returns when it may start (epoch), or None while another
    process's request is in flight (ask again shortly). The slot is marked in flight for `flight_s` seconds after
    its start, so a process that dies mid-request blocks the others no longer than that."""
    _ensure_row(conn, shared_clocks, name)
    c = shared_clocks.c
    row = conn.execute(sa.select(c.last_end, c.in_flight_until).where(c.name == name)).one()
    if row.in_flight_until > now:
        return None
    start = max(now, row.last_end + spacing)
    claimed = conn.execute(shared_clocks.update()
                           .where(c.name == name, c.in_flight_until == row.in_flight_until,
                                  c.last_end == row.last_end)
                           .values(in_flight_until=start + flight_s, holder=holder))
    return start if claimed.rowcount == 1 else None


def end_request(conn: sa.Connection, name: str, holder: str, now: float) -> None:
    """The request ended now: the next one may start `spacing` seconds from now."""
    c = shared_clocks.c
    conn.execute(shared_clocks.update().where(c.name == name)
                 .values(last_end=sa.func.greatest(c.last_end, now) if conn.dialect.name == "postgresql"
                         else sa.func.max(c.last_end, now),
                         in_flight_until=sa.case((c.holder == holder, 0.0), else_=c.in_flight_until)))


def last_request_end(conn: sa.Connection, name: str) -> float:
    c = shared_clocks.c
    return conn.execute(sa.select(c.last_end).where(c.name == name)).scalar() or 0.0
