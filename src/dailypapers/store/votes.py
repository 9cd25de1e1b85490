"""Upvotes. The primary key (user_id, paper_id) is the one-vote rule; `papers.vote_count` moves in the same
transaction only when a row really was inserted or deleted, so the counter always equals COUNT(*)."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from dailypapers.clock import utcnow
from dailypapers.store.listing import TOTAL_UPVOTES
from dailypapers.store.schema import papers, votes


def _insert(conn: sa.Connection):
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(votes)


def add_vote(conn: sa.Connection, user_id: int, paper_id: int) -> bool:
    """Upvote (call inside `Database.write()`); True when this call created the vote."""
    stmt = _insert(conn).values(user_id=user_id, paper_id=paper_id, created_at=utcnow())
    stmt = stmt.on_conflict_do_nothing(index_elements=["user_id", "paper_id"]).returning(votes.c.user_id)
    inserted = conn.execute(stmt).first() is not None  # RETURNING yields a row only when the insert happened
    if inserted:
        conn.execute(papers.update().where(papers.c.id == paper_id).values(vote_count=papers.c.vote_count + 1))
    return inserted


def remove_vote(conn: sa.Connection, user_id: int, paper_id: int) -> bool:
    removed = conn.execute(votes.delete().where(votes.c.user_id == user_id, votes.c.paper_id == paper_id)).rowcount == 1
    if removed:
        conn.execute(papers.update().where(papers.c.id == paper_id).values(vote_count=papers.c.vote_count - 1))
    return removed


def has_voted(conn: sa.Connection, user_id: int, paper_id: int) -> bool:
    return conn.execute(
        sa.select(votes.c.paper_id).where(votes.c.user_id == user_id, votes.c.paper_id == paper_id)
    ).first() is not None


def voted_paper_ids(conn: sa.Connection, user_id: int, paper_ids: Sequence[int] | None = None) -> set[int]:
    q = sa.select(votes.c.paper_id).where(votes.c.user_id == user_id)
    if paper_ids is not None:
        q = q.where(votes.c.paper_id.in_(list(paper_ids)))
    return set(conn.execute(q).scalars())


def vote_totals(conn: sa.Connection, paper_id: int) -> tuple[int, int]:
    """(this hub's votes, all upvotes) of one paper."""
    own, total = conn.execute(sa.select(papers.c.vote_count, TOTAL_UPVOTES).where(papers.c.id == paper_id)).one()
    return own, total


def count_votes(conn: sa.Connection, paper_id: int) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(votes).where(votes.c.paper_id == paper_id)).scalar_one()
