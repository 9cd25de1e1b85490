"""The public moderation log (append-only: database triggers refuse UPDATE and DELETE) and paper hiding."""

from __future__ import annotations

import sqlalchemy as sa

from dailypapers.clock import utcnow
from dailypapers.store.schema import moderation_log, papers


def log_action(conn: sa.Connection, moderator: dict, action: str, target_type: str, target_id: str | int,
               target_label: str | None, reason: str) -> int:
    return conn.execute(
        moderation_log.insert().values(at=utcnow(), moderator_id=moderator["id"],
                                       moderator_username=moderator["username"], action=action,
                                       target_type=target_type, target_id=str(target_id),
                                       target_label=(target_label or "")[:300], reason=reason[:2000])
        .returning(moderation_log.c.id)
    ).scalar_one()


def log_entries(conn: sa.Connection, limit: int = 100, before_id: int | None = None) -> list[dict]:
    q = sa.select(moderation_log).order_by(moderation_log.c.id.desc()).limit(limit)
    if before_id is not None:
        q = q.where(moderation_log.c.id < before_id)
    return [dict(r) for r in conn.execute(q).mappings()]


def set_paper_hidden(conn: sa.Connection, paper_id: int, hidden: bool) -> bool:
    """True when the flag changed."""
    return conn.execute(papers.update().where(papers.c.id == paper_id, papers.c.hidden.is_(not hidden))
                        .values(hidden=hidden)).rowcount == 1
