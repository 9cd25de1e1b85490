"""Comments (one level of replies). Deleting keeps the row as a tombstone so replies stay in place;
`papers.comment_count` counts live comments and moves in the same transaction as the row."""

from __future__ import annotations

import sqlalchemy as sa

from dailypapers.clock import utcnow
from dailypapers.store.schema import comments, papers, users


def _bump(conn: sa.Connection, paper_id: int, delta: int) -> None:
    conn.execute(papers.update().where(papers.c.id == paper_id)
                 .values(comment_count=papers.c.comment_count + delta))


def add_comment(conn: sa.Connection, paper_id: int, user_id: int, body_md: str, body_html: str,
                parent_id: int | None = None) -> int:
    cid = conn.execute(
        comments.insert().values(paper_id=paper_id, user_id=user_id, parent_id=parent_id, body_md=body_md,
                                 body_html=body_html, created_at=utcnow()).returning(comments.c.id)
    ).scalar_one()
    _bump(conn, paper_id, 1)
    return cid


def get_comment(conn: sa.Connection, comment_id: int) -> dict | None:
    """One comment with its author's username and display name (as `comments_for_paper` gives them)."""
    q = (sa.select(comments, users.c.username, users.c.display_name)
         .outerjoin(users, users.c.id == comments.c.user_id).where(comments.c.id == comment_id))
    row = conn.execute(q).mappings().first()
    return dict(row) if row else None


def edit_comment(conn: sa.Connection, comment_id: int, body_md: str, body_html: str) -> bool:
    return conn.execute(
        comments.update().where(comments.c.id == comment_id, comments.c.deleted_at.is_(None))
        .values(body_md=body_md, body_html=body_html, edited_at=utcnow())
    ).rowcount == 1


def delete_comment(conn: sa.Connection, comment_id: int, by_user_id: int | None) -> bool:
    """Tombstone the comment; True when this call deleted it (a second delete changes nothing)."""
    row = conn.execute(sa.select(comments.c.paper_id).where(comments.c.id == comment_id,
                                                            comments.c.deleted_at.is_(None))).first()
    if row is None:
        return False
    done = conn.execute(
        comments.update().where(comments.c.id == comment_id, comments.c.deleted_at.is_(None))
        .values(deleted_at=utcnow(), deleted_by=by_user_id, body_md="", body_html="")
    ).rowcount == 1
    if done:
        _bump(conn, row.paper_id, -1)
    return done


def comments_for_paper(conn: sa.Connection, paper_id: int) -> list[dict]:
    """Top-level comments oldest first, each with `replies` (oldest first); tombstones kept only with replies."""
    q = (sa.select(comments, users.c.username, users.c.display_name)
         .outerjoin(users, users.c.id == comments.c.user_id)
         .where(comments.c.paper_id == paper_id).order_by(comments.c.created_at, comments.c.id))
    rows = [dict(r) for r in conn.execute(q).mappings()]
    top: dict[int, dict] = {}
    for r in rows:
        if r["parent_id"] is None:
            r["replies"] = []
            top[r["id"]] = r
    for r in rows:
        if r["parent_id"] is not None and r["parent_id"] in top and r["deleted_at"] is None:
            top[r["parent_id"]]["replies"].append(r)
    return [c for c in top.values() if c["deleted_at"] is None or c["replies"]]


def count_live(conn: sa.Connection, paper_id: int) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(comments)
                        .where(comments.c.paper_id == paper_id, comments.c.deleted_at.is_(None))).scalar_one()


def thread_version(conn: sa.Connection, paper_id: int) -> str:
    """Changes whenever the thread shown for a paper changes (new, edited or deleted comments): for ETags."""
    row = conn.execute(sa.select(sa.func.count(), sa.func.max(comments.c.id), sa.func.max(comments.c.edited_at),
                                 sa.func.max(comments.c.deleted_at)).where(comments.c.paper_id == paper_id)).one()
    return "|".join(str(v) for v in row)
