"""Authorship claims: rows of author_claims and the reads behind the moderation queue and profiles."""

from __future__ import annotations

import sqlalchemy as sa

from dailypapers.store.listing import papers_by_ids
from dailypapers.store.papers import utcnow
from dailypapers.store.schema import author_claims, papers, users

STATUSES = ("pending", "approved", "rejected")


def create_claim(conn: sa.Connection, user_id: int, paper_id: int, author_name: str, author_key: str) -> int:
    """A new pending claim; raises sqlalchemy's IntegrityError when the user already claimed on this paper."""
    return conn.execute(author_claims.insert().values(
        user_id=user_id, paper_id=paper_id, author_name=author_name, author_key=author_key, status="pending",
        created_at=utcnow()).returning(author_claims.c.id)).scalar_one()


def claim_of(conn: sa.Connection, user_id: int, paper_id: int) -> dict | None:
    row = conn.execute(sa.select(author_claims).where(author_claims.c.user_id == user_id,
                                                      author_claims.c.paper_id == paper_id)).mappings().first()
    return dict(row) if row else None


def get_claim(conn: sa.Connection, claim_id: int) -> dict | None:
    q = (sa.select(author_claims, users.c.username, papers.c.arxiv_id, papers.c.title)
         .join(users, users.c.id == author_claims.c.user_id).join(papers, papers.c.id == author_claims.c.paper_id)
         .where(author_claims.c.id == claim_id))
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def approved_holder(conn: sa.Connection, paper_id: int, author_key: str) -> int | None:
    """The user whose approved claim already holds this author of this paper, if any."""
    return conn.execute(sa.select(author_claims.c.user_id).where(
        author_claims.c.paper_id == paper_id, author_claims.c.author_key == author_key,
        author_claims.c.status == "approved")).scalar()


def decide(conn: sa.Connection, claim_id: int, status: str, moderator_id: int) -> bool:
    """Approve or reject a pending claim; False when it was no longer pending."""
    return conn.execute(author_claims.update().where(author_claims.c.id == claim_id,
                                                     author_claims.c.status == "pending")
                        .values(status=status, decided_at=utcnow(), decided_by=moderator_id)).rowcount == 1


def pending_claims(conn: sa.Connection, limit: int = 100) -> list[dict]:
    q = (sa.select(author_claims, users.c.username, papers.c.arxiv_id, papers.c.title, papers.c.authors)
         .join(users, users.c.id == author_claims.c.user_id).join(papers, papers.c.id == author_claims.c.paper_id)
         .where(author_claims.c.status == "pending").order_by(author_claims.c.id).limit(limit))
    return [dict(r) for r in conn.execute(q).mappings()]


def claimed_papers(conn: sa.Connection, user_id: int, limit: int = 100) -> list[dict]:
    """The user's approved claims as full paper rows (with `claimed_as`), newest paper first."""
    q = (sa.select(author_claims.c.paper_id, author_claims.c.author_name).join(
        papers, papers.c.id == author_claims.c.paper_id)
         .where(author_claims.c.user_id == user_id, author_claims.c.status == "approved", papers.c.hidden.is_(False))
         .order_by(papers.c.published_at.desc().nulls_last(), papers.c.id.desc()).limit(limit))
    pairs = list(conn.execute(q))
    rows = papers_by_ids(conn, [pid for pid, _ in pairs])
    names = dict(pairs)
    return [{**r, "claimed_as": names[r["id"]]} for r in rows]


def claimants(conn: sa.Connection, author_key: str) -> list[str]:
    """Usernames with an approved claim on this author name (for the author page)."""
    q = (sa.select(users.c.username).distinct().join(author_claims, author_claims.c.user_id == users.c.id)
         .where(author_claims.c.author_key == author_key, author_claims.c.status == "approved")
         .order_by(users.c.username))
    return list(conn.execute(q).scalars())
