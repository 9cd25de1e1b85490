"""Deliveries: one row per (digest period, subscriber), queued -> sent | failed | skipped.

Exactly once rests on three things here: the UNIQUE (period_key, subscriber_id) pair (a period is enqueued once,
whatever reruns), claims with a lease (two senders never hold the same row), and `mark_sent` being committed on its
own right after the SMTP server accepted the message (a crash loses at most that one commit per sender).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from dailypapers.store.schema import deliveries, subscribers
from dailypapers.store.subscriptions import CONFIRMED

QUEUED, SENT, FAILED, SKIPPED = "queued", "sent", "failed", "skipped"


def _insert(conn: sa.Connection):
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(deliveries)


def enqueue(conn: sa.Connection, period_key: str, frequency: str, message_domain: str, now: datetime) -> int:
    """Queue a digest for every confirmed subscriber of `frequency` who has none for this period yet."""
    message_id = sa.literal(f"<digest.{period_key.replace(':', '.')}.") + sa.cast(subscribers.c.id, sa.String) + \
        sa.literal(f"@{message_domain}>")
    select = sa.select(
        sa.literal(period_key), subscribers.c.id, sa.literal(QUEUED), message_id, sa.literal(0), sa.literal(now)
    ).where(subscribers.c.status == CONFIRMED, subscribers.c.frequency == frequency)
    stmt = _insert(conn).from_select(
        ["period_key", "subscriber_id", "status", "message_id", "attempts", "created_at"], select
    ).on_conflict_do_nothing(index_elements=["period_key", "subscriber_id"]).returning(deliveries.c.id)
    return len(conn.execute(stmt).all())


def live_claimers(conn: sa.Connection, period_key: str, now: datetime) -> list[str]:
    query = sa.select(deliveries.c.claimed_by).distinct().where(
        deliveries.c.period_key == period_key, deliveries.c.status == QUEUED, deliveries.c.claimed_until >= now)
    return [r for r in conn.execute(query).scalars() if r]


def claim(conn: sa.Connection, period_key: str, worker: str, now: datetime, lease_until: datetime, limit: int,
          dead_workers: Iterable[str] = (), exclude: Iterable[int] = ()) -> list[dict[str, Any]]:
    """Take up to `limit` queued rows nobody else holds (or whose holder is known dead) for `worker`, leaving out
    the `exclude` ids (rows this run already gave back after temporary failures)."""
    free = sa.or_(deliveries.c.claimed_until.is_(None), deliveries.c.claimed_until < now)
    dead = list(dead_workers)
    if dead:
        free = sa.or_(free, deliveries.c.claimed_by.in_(dead))
    query = sa.select(deliveries.c.id).where(deliveries.c.period_key == period_key, deliveries.c.status == QUEUED,
                                            free).order_by(deliveries.c.id).limit(limit)
    exclude = list(exclude)
    if exclude:
        query = query.where(deliveries.c.id.not_in(exclude))
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(conn.execute(query).scalars())
    if not ids:
        return []
    conn.execute(deliveries.update().where(deliveries.c.id.in_(ids)).values(claimed_by=worker,
                                                                           claimed_until=lease_until))
    rows = conn.execute(sa.select(deliveries).where(deliveries.c.id.in_(ids)).order_by(deliveries.c.id)).mappings()
    return [dict(r) for r in rows]


def mark_sent(conn: sa.Connection, delivery_id: int, now: datetime, subject: str, paper_ids: list[int],
              attempts: int) -> None:
    conn.execute(deliveries.update().where(deliveries.c.id == delivery_id).values(
        status=SENT, sent_at=now, subject=subject, paper_ids=paper_ids, attempts=attempts, error=None,
        claimed_until=None))


def mark_failed(conn: sa.Connection, delivery_id: int, error: str, attempts: int) -> None:
    conn.execute(deliveries.update().where(deliveries.c.id == delivery_id).values(
        status=FAILED, error=error[:2000], attempts=attempts, claimed_until=None))


def mark_skipped(conn: sa.Connection, delivery_id: int, reason: str) -> None:
    conn.execute(deliveries.update().where(deliveries.c.id == delivery_id).values(
        status=SKIPPED, error=reason, claimed_until=None))


def release(conn: sa.Connection, delivery_id: int, error: str, attempts: int) -> None:
    """Give a row back to the queue after temporary failures (the next run tries again)."""
    conn.execute(deliveries.update().where(deliveries.c.id == delivery_id).values(
        error=error[:2000], attempts=attempts, claimed_by=None, claimed_until=None))


def history(conn: sa.Connection, subscriber_ids: list[int], keep: int = 60) -> dict[int, tuple[datetime | None,
                                                                                            set[int]]]:
    """Per subscriber: when the last digest went out and which papers the recent digests carried."""
    out: dict[int, tuple[datetime | None, set[int]]] = {sid: (None, set()) for sid in subscriber_ids}
    if not subscriber_ids:
        return out
    query = sa.select(deliveries.c.subscriber_id, deliveries.c.sent_at, deliveries.c.paper_ids).where(
        deliveries.c.subscriber_id.in_(subscriber_ids), deliveries.c.status == SENT
    ).order_by(deliveries.c.subscriber_id, deliveries.c.id.desc())
    seen: dict[int, int] = {}
    for sid, sent_at, paper_ids in conn.execute(query):
        seen[sid] = seen.get(sid, 0) + 1
        if seen[sid] > keep:
            continue
        last, ids = out[sid]
        out[sid] = (last or sent_at, ids | set(paper_ids or ()))
    return out


def counts(conn: sa.Connection, period_key: str | None = None) -> dict[str, int]:
    query = sa.select(deliveries.c.status, sa.func.count()).group_by(deliveries.c.status)
    if period_key:
        query = query.where(deliveries.c.period_key == period_key)
    return {status: n for status, n in conn.execute(query)}


def recent(conn: sa.Connection, limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
    query = sa.select(deliveries, subscribers.c.email).join(subscribers).order_by(
        deliveries.c.id.desc()).limit(limit).offset(offset)
    return [dict(r) for r in conn.execute(query).mappings()]


def periods(conn: sa.Connection, limit: int = 20) -> list[dict[str, Any]]:
    query = sa.select(
        deliveries.c.period_key,
        sa.func.count().label("total"),
        sa.func.sum(sa.case((deliveries.c.status == SENT, 1), else_=0)).label("sent"),
        sa.func.sum(sa.case((deliveries.c.status == FAILED, 1), else_=0)).label("failed"),
        sa.func.sum(sa.case((deliveries.c.status == QUEUED, 1), else_=0)).label("queued"),
        sa.func.max(deliveries.c.sent_at).label("last_sent_at"),
    ).group_by(deliveries.c.period_key).order_by(sa.func.max(deliveries.c.id).desc()).limit(limit)
    return [dict(r) for r in conn.execute(query).mappings()]
