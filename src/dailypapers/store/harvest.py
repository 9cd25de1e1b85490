"""Harvest bookkeeping: OAI-PMH checkpoints, the sync run log, arXiv announcements."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from dailypapers.clock import utcnow
from dailypapers.processes import process_alive as _process_alive
from dailypapers.store.schema import arxiv_announcements, daily_entries, harvest_checkpoints, harvest_runs, papers

STALE_AFTER = timedelta(minutes=30)  # a running sync that has not written for this long is presumed dead
_SYNC_LOCK_KEY = 0x68617276  # "harv": the advisory lock that serializes starting a sync on PostgreSQL


class SyncAlreadyRunning(RuntimeError):
    """Another sync holds the database; the message says which and since when."""


# --- checkpoints ---

def get_checkpoint(conn: sa.Connection, set_spec: str) -> dict | None:
    row = conn.execute(sa.select(harvest_checkpoints).where(harvest_checkpoints.c.set_spec == set_spec)).mappings()
    first = row.first()
    return dict(first) if first else None


def save_checkpoint(conn: sa.Connection, set_spec: str, **values) -> None:
    values["updated_at"] = utcnow()
    done = conn.execute(harvest_checkpoints.update().where(harvest_checkpoints.c.set_spec == set_spec)
                        .values(**values))
    if done.rowcount == 0:
        conn.execute(harvest_checkpoints.insert().values(set_spec=set_spec, **values))


def all_checkpoints(conn: sa.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.select(harvest_checkpoints).order_by(harvest_checkpoints.c.set_spec))
            .mappings()]


# --- runs ---


def start_run(conn: sa.Connection, trigger: str, backfill: bool, retire_running: bool = False) -> int:
    """Record a new running sync, after retiring runs that died; refuses while another one is alive.

    `retire_running`: the caller holds the sync job's lease (jobs/lease.py), which no live sync can hold at the same
    time, so every run still marked running died (on any host), however recent its heartbeat."""
    if conn.dialect.name == "postgresql":
        # Two processes starting at once must not both see "nothing running" (SQLite's BEGIN IMMEDIATE already
        # serializes writers); the lock is released at the end of the transaction.
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _SYNC_LOCK_KEY})
    now = utcnow()
    host = socket.gethostname()
    for run in conn.execute(sa.select(harvest_runs).where(harvest_runs.c.status == "running")).mappings():
        dead = (retire_running or (run["host"] == host and not _process_alive(run["pid"]))
                or now - run["heartbeat_at"] > STALE_AFTER)
        if dead:
            conn.execute(harvest_runs.update().where(harvest_runs.c.id == run["id"]).values(
                status="interrupted", finished_at=now, error="the sync stopped without finishing (killed?)"))
        else:
            raise SyncAlreadyRunning(f"a sync is already running (started {run['started_at']:%Y-%m-%d %H:%M} UTC "
                                     f"by {run['trigger']}, pid {run['pid']} on {run['host']})")
    result = conn.execute(harvest_runs.insert().values(
        trigger=trigger, backfill=backfill, status="running", started_at=now, heartbeat_at=now, host=host,
        pid=os.getpid()))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def update_run(conn: sa.Connection, run_id: int, **values) -> None:
    values["heartbeat_at"] = utcnow()
    conn.execute(harvest_runs.update().where(harvest_runs.c.id == run_id).values(**values))


def add_to_run(conn: sa.Connection, run_id: int, **increments: int) -> None:
    values = {name: harvest_runs.c[name] + amount for name, amount in increments.items()}
    update_run(conn, run_id, **values)


def finish_run(conn: sa.Connection, run_id: int, error: str | None = None) -> None:
    update_run(conn, run_id, status="failed" if error else "ok", finished_at=utcnow(), error=error)


def get_run(conn: sa.Connection, run_id: int) -> dict | None:
    row = conn.execute(sa.select(harvest_runs).where(harvest_runs.c.id == run_id)).mappings().first()
    return dict(row) if row else None


def run_status(conn: sa.Connection, run_id: int, lock: bool = False) -> str | None:
    """A run's status; `lock` holds its row to the end of the transaction (PostgreSQL), so a takeover waits."""
    query = sa.select(harvest_runs.c.status).where(harvest_runs.c.id == run_id)
    return conn.execute(query.with_for_update() if lock else query).scalar()


def recent_runs(conn: sa.Connection, limit: int = 10) -> list[dict]:
    q = sa.select(harvest_runs).order_by(harvest_runs.c.started_at.desc(), harvest_runs.c.id.desc()).limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]


def last_finished_run(conn: sa.Connection, status: str | None = None) -> dict | None:
    q = sa.select(harvest_runs).where(harvest_runs.c.status != "running")
    if status:
        q = q.where(harvest_runs.c.status == status)
    row = conn.execute(q.order_by(harvest_runs.c.started_at.desc(), harvest_runs.c.id.desc()).limit(1)).mappings()
    first = row.first()
    return dict(first) if first else None


def running_run(conn: sa.Connection) -> dict | None:
    row = conn.execute(sa.select(harvest_runs).where(harvest_runs.c.status == "running")
                       .order_by(harvest_runs.c.started_at.desc()).limit(1)).mappings().first()
    if row is None or utcnow() - row["heartbeat_at"] > STALE_AFTER:
        return None
    return dict(row)


# --- announcements ---

@dataclass
class AnnouncementRow:
    arxiv_id: str
    day: date
    announce_type: str
    announced_at: datetime


def record_announcements(conn: sa.Connection, rows: Iterable[AnnouncementRow], paper_ids: dict[str, int]) -> int:
    """Insert announcements not yet recorded (a paper is announced at most once a day); returns how many."""
    rows = [r for r in rows if r.arxiv_id in paper_ids]
    if not rows:
        return 0
    ids = {paper_ids[r.arxiv_id] for r in rows}
    have = {tuple(r) for r in conn.execute(sa.select(arxiv_announcements.c.paper_id, arxiv_announcements.c.day)
                                           .where(arxiv_announcements.c.paper_id.in_(ids)))}
    inserts, seen = [], set()
    for r in rows:
        key = (paper_ids[r.arxiv_id], r.day)
        if key in have or key in seen:
            continue
        seen.add(key)
        inserts.append({"paper_id": key[0], "day": r.day, "announce_type": r.announce_type,
                        "announced_at": r.announced_at})
    if inserts:
        conn.execute(arxiv_announcements.insert(), inserts)
    return len(inserts)


def papers_with_daily_entry(conn: sa.Connection, paper_ids: Iterable[int]) -> set[int]:
    ids = list(set(paper_ids))
    if not ids:
        return set()
    return set(conn.execute(sa.select(daily_entries.c.paper_id).where(daily_entries.c.paper_id.in_(ids))).scalars())


def new_on_arxiv(conn: sa.Connection, day: date, types: tuple[str, ...] = ("new", "cross"),
                 limit: int | None = None) -> list[dict]:
    """Papers arXiv announced on `day` (for the "new on arXiv" list when daily_list_policy is `curated`)."""
    q = (sa.select(papers, arxiv_announcements.c.announce_type, arxiv_announcements.c.announced_at)
         .join(arxiv_announcements, arxiv_announcements.c.paper_id == papers.c.id)
         .where(arxiv_announcements.c.day == day, arxiv_announcements.c.announce_type.in_(types),
                papers.c.hidden.is_(False))
         .order_by(arxiv_announcements.c.announce_type, papers.c.arxiv_id))
    if limit:
        q = q.limit(limit)
    return [dict(r) for r in conn.execute(q).mappings()]
