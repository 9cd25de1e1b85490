"""A reader's library: saved papers (with a private note and tags) and "not interested" marks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from dailypapers.clock import utcnow
from dailypapers.store.listing import papers_by_ids
from dailypapers.store.schema import library_items, library_tags, not_interested, papers, votes

SORTS = ("saved", "published")


def _insert(conn: sa.Connection, table: sa.Table):
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def save(conn: sa.Connection, user_id: int, paper_id: int, saved_at: datetime | None = None) -> bool:
    """Save a paper (idempotent); saving takes back a "not interested" mark. True when newly saved."""
    conn.execute(not_interested.delete().where(not_interested.c.user_id == user_id,
                                               not_interested.c.paper_id == paper_id))
    stmt = _insert(conn, library_items).values(user_id=user_id, paper_id=paper_id, saved_at=saved_at or utcnow(),
                                               note="")
    stmt = stmt.on_conflict_do_nothing(index_elements=["user_id", "paper_id"]).returning(library_items.c.paper_id)
    return conn.execute(stmt).first() is not None


def remove(conn: sa.Connection, user_id: int, paper_id: int) -> bool:
    conn.execute(library_tags.delete().where(library_tags.c.user_id == user_id, library_tags.c.paper_id == paper_id))
    result = conn.execute(library_items.delete().where(library_items.c.user_id == user_id,
                                                       library_items.c.paper_id == paper_id))
    return result.rowcount == 1


def set_note(conn: sa.Connection, user_id: int, paper_id: int, note: str) -> bool:
    result = conn.execute(library_items.update().where(library_items.c.user_id == user_id,
                                                       library_items.c.paper_id == paper_id).values(note=note))
    return result.rowcount == 1


def set_tags(conn: sa.Connection, user_id: int, paper_id: int, tags: Sequence[str]) -> None:
    """Replace the tags of a saved paper (the caller checks it is saved and the tags are clean)."""
    conn.execute(library_tags.delete().where(library_tags.c.user_id == user_id, library_tags.c.paper_id == paper_id))
    if tags:
        conn.execute(library_tags.insert(), [{"user_id": user_id, "paper_id": paper_id, "tag": t}
                                             for t in dict.fromkeys(tags)])


def mark_not_interested(conn: sa.Connection, user_id: int, paper_id: int) -> bool:
    """A negative mark; it also takes the paper out of the library (one cannot want and not want a paper)."""
    remove(conn, user_id, paper_id)
    stmt = _insert(conn, not_interested).values(user_id=user_id, paper_id=paper_id, created_at=utcnow())
    stmt = stmt.on_conflict_do_nothing(index_elements=["user_id", "paper_id"]).returning(not_interested.c.paper_id)
    return conn.execute(stmt).first() is not None


def unmark_not_interested(conn: sa.Connection, user_id: int, paper_id: int) -> bool:
    return conn.execute(not_interested.delete().where(not_interested.c.user_id == user_id,
                                                      not_interested.c.paper_id == paper_id)).rowcount == 1


def saved_paper_ids(conn: sa.Connection, user_id: int) -> list[int]:
    """The library's paper ids, oldest saved first (the order recency weights expect)."""
    q = (sa.select(library_items.c.paper_id).where(library_items.c.user_id == user_id)
         .order_by(library_items.c.saved_at, library_items.c.paper_id))
    return [int(r[0]) for r in conn.execute(q)]


def is_saved(conn: sa.Connection, user_id: int, paper_id: int) -> bool:
    return conn.execute(sa.select(library_items.c.paper_id).where(
        library_items.c.user_id == user_id, library_items.c.paper_id == paper_id)).first() is not None


def arxiv_ids_for(conn: sa.Connection, paper_ids: Sequence[int]) -> dict[int, str]:
    ids = list(dict.fromkeys(paper_ids))
    out: dict[int, str] = {}
    for start in range(0, len(ids), 900):
        q = sa.select(papers.c.id, papers.c.arxiv_id).where(papers.c.id.in_(ids[start : start + 900]))
        out.update((int(r[0]), r[1]) for r in conn.execute(q))
    return out


def not_interested_ids(conn: sa.Connection, user_id: int) -> set[int]:
    return {int(r[0]) for r in conn.execute(sa.select(not_interested.c.paper_id)
                                            .where(not_interested.c.user_id == user_id))}


def signature(conn: sa.Connection, user_id: int) -> tuple:
    """Changes whenever a paper is saved, upvoted or either is taken back: the key a reader's cached ranking
    state is checked against. Its first item counts the reader's papers (saved or upvoted)."""
    saved = conn.execute(sa.select(sa.func.count(), sa.func.max(library_items.c.saved_at),
                                   sa.func.coalesce(sa.func.sum(library_items.c.paper_id), 0))
                         .where(library_items.c.user_id == user_id)).one()
    voted = conn.execute(sa.select(sa.func.count(), sa.func.max(votes.c.created_at),
                                   sa.func.coalesce(sa.func.sum(votes.c.paper_id), 0))
                         .where(votes.c.user_id == user_id)).one()
    return int(saved[0]) + int(voted[0]), saved[1], int(saved[2]), voted[1], int(voted[2])


def reader_paper_ids(conn: sa.Connection, user_id: int) -> list[int]:
    """What a reader's ranking learns from: saved and upvoted papers, oldest first by when they were saved or
    upvoted (a paper both saved and upvoted counts once, at its first time)."""
    saved = sa.select(library_items.c.paper_id.label("paper_id"), library_items.c.saved_at.label("at")).where(
        library_items.c.user_id == user_id)
    voted = sa.select(votes.c.paper_id.label("paper_id"), votes.c.created_at.label("at")).where(
        votes.c.user_id == user_id)
    both = sa.union_all(saved, voted).subquery()
    q = (sa.select(both.c.paper_id, sa.func.min(both.c.at).label("first")).group_by(both.c.paper_id)
         .order_by(sa.func.min(both.c.at), both.c.paper_id))
    return [int(r[0]) for r in conn.execute(q)]


def tags_by_paper(conn: sa.Connection, user_id: int, paper_ids: Sequence[int] | None = None) -> dict[int, list[str]]:
    q = sa.select(library_tags.c.paper_id, library_tags.c.tag).where(library_tags.c.user_id == user_id)
    if paper_ids is not None:
        q = q.where(library_tags.c.paper_id.in_(list(paper_ids)))
    out: dict[int, list[str]] = {}
    for paper_id, tag in conn.execute(q.order_by(library_tags.c.tag)):
        out.setdefault(int(paper_id), []).append(tag)
    return out


def tag_counts(conn: sa.Connection, user_id: int) -> list[tuple[str, int]]:
    q = (sa.select(library_tags.c.tag, sa.func.count()).where(library_tags.c.user_id == user_id)
         .group_by(library_tags.c.tag).order_by(library_tags.c.tag))
    return [(r[0], int(r[1])) for r in conn.execute(q)]


def list_library(conn: sa.Connection, user_id: int, tag: str | None = None, sort: str = "saved") -> list[dict]:
    """Saved papers as full paper rows plus `saved_at`, `note` and `tags`, newest first by `sort`."""
    q = (sa.select(library_items.c.paper_id, library_items.c.saved_at, library_items.c.note)
         .select_from(library_items.join(papers, papers.c.id == library_items.c.paper_id))
         .where(library_items.c.user_id == user_id))
    if tag:
        q = q.where(sa.exists(sa.select(library_tags.c.tag).where(
            library_tags.c.user_id == user_id, library_tags.c.paper_id == library_items.c.paper_id,
            library_tags.c.tag == tag)))
    key = library_items.c.saved_at if sort == "saved" else papers.c.published_at
    q = q.order_by(key.desc().nulls_last(), papers.c.id.desc())
    items = conn.execute(q).all()
    rows = papers_by_ids(conn, [int(r[0]) for r in items])
    tags = tags_by_paper(conn, user_id)
    extra = {int(r[0]): (r[1], r[2]) for r in items}
    for row in rows:
        row["saved_at"], row["note"] = extra[row["id"]]
        row["tags"] = tags.get(row["id"], [])
    return rows


def paper_ids_by_doi(conn: sa.Connection, dois: Sequence[str]) -> dict[str, int]:
    if not dois:
        return {}
    q = sa.select(sa.func.lower(papers.c.doi), papers.c.id).where(sa.func.lower(papers.c.doi).in_(
        [d.lower() for d in dois]))
    return {r[0]: int(r[1]) for r in conn.execute(q)}


def paper_ids_by_arxiv_id(conn: sa.Connection, arxiv_ids: Sequence[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    ids = list(dict.fromkeys(arxiv_ids))
    for start in range(0, len(ids), 900):
        q = sa.select(papers.c.arxiv_id, papers.c.id).where(papers.c.arxiv_id.in_(ids[start : start + 900]))
        out.update((r[0], int(r[1])) for r in conn.execute(q))
    return out


def papers_by_exact_titles(conn: sa.Connection, titles: Sequence[str]) -> list[tuple[int, str]]:
    """(id, title) of papers whose title equals one of `titles` ignoring case (callers normalise further)."""
    lowered = list(dict.fromkeys(t.lower() for t in titles))
    out: list[tuple[int, str]] = []
    for start in range(0, len(lowered), 900):
        chunk = lowered[start : start + 900]
        q = sa.select(papers.c.id, papers.c.title).where(sa.func.lower(papers.c.title).in_(chunk))
        out.extend((int(r[0]), r[1]) for r in conn.execute(q))
    return out
