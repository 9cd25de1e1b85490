"""Reads the submission rules need: a paper by arXiv id, and how much a user submitted since a moment."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from dailypapers.store.listing import papers_by_ids
from dailypapers.store.schema import daily_entries, papers, users


def paper_by_arxiv_id(conn: sa.Connection, arxiv_id: str, lock: bool = False) -> dict | None:
    """The paper row; `lock` holds it (SELECT … FOR UPDATE on PostgreSQL; SQLite's write lock already does)."""
    q = sa.select(papers).where(papers.c.arxiv_id == arxiv_id)
    row = conn.execute(q.with_for_update() if lock else q).mappings().first()
    return dict(row) if row else None


def lock_user(conn: sa.Connection, user_id: int) -> None:
    """Serialize one user's concurrent submissions so the per-day count cannot be overrun (PostgreSQL)."""
    conn.execute(sa.select(users.c.id).where(users.c.id == user_id).with_for_update())


def submissions_since(conn: sa.Connection, user_id: int, since: datetime) -> int:
    return conn.execute(
        sa.select(sa.func.count()).select_from(daily_entries)
        .where(daily_entries.c.user_id == user_id, daily_entries.c.source == "submission",
               daily_entries.c.submitted_at >= since)
    ).scalar_one()


def set_entry_user(conn: sa.Connection, paper_id: int, user_id: int) -> None:
    # DailyEntryRecord has no user id field: the submitter's account is linked right after the upsert.
    conn.execute(daily_entries.update().where(daily_entries.c.paper_id == paper_id).values(user_id=user_id))


def papers_submitted_by(conn: sa.Connection, user_id: int, limit: int = 100) -> list[dict]:
    """The visible papers a user put on a daily list, newest submission first."""
    ids = conn.execute(sa.select(daily_entries.c.paper_id).join(papers, papers.c.id == daily_entries.c.paper_id)
                       .where(daily_entries.c.user_id == user_id, papers.c.hidden.is_(False))
                       .order_by(daily_entries.c.submitted_at.desc()).limit(limit)).scalars().all()
    return papers_by_ids(conn, ids)
