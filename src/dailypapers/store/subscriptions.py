"""Subscribers: double opt-in state, preferences, suppression after bounces; import/export rows."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from dailypapers.store.schema import mail_events, subscribers

PENDING, CONFIRMED, UNSUBSCRIBED, SUPPRESSED = "pending", "confirmed", "unsubscribed", "suppressed"
CONFIRM_RESEND_INTERVAL = timedelta(minutes=10)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def get(conn: sa.Connection, subscriber_id: int) -> dict[str, Any] | None:
    row = conn.execute(sa.select(subscribers).where(subscribers.c.id == subscriber_id)).mappings().first()
    return dict(row) if row else None


def get_by_email(conn: sa.Connection, email: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(subscribers).where(subscribers.c.email == email)).mappings().first()
    return dict(row) if row else None


def get_by_token(conn: sa.Connection, token: str) -> dict[str, Any] | None:
    if not token or len(token) > 64:
        return None
    row = conn.execute(sa.select(subscribers).where(subscribers.c.token == token)).mappings().first()
    return dict(row) if row else None


def status_of(conn: sa.Connection, subscriber_id: int) -> str | None:
    return conn.execute(sa.select(subscribers.c.status).where(subscribers.c.id == subscriber_id)).scalar()


def subscribe(conn: sa.Connection, email: str, frequency: str, topics: list[dict], now: datetime,
              name: str | None = None, user_id: int | None = None) -> tuple[dict[str, Any], bool]:
    """Record a subscription request; returns (subscriber, needs_confirmation).

    A confirmed address keeps its preferences (changing them takes the manage link, not a form anyone can post);
    a suppressed address stays suppressed and gets no mail.
    """
    row = get_by_email(conn, email)
    if row is None:
        values = {"email": email, "name": name, "user_id": user_id, "frequency": frequency, "topics": topics,
                  "status": PENDING, "token": new_token(), "created_at": now, "confirm_sent_at": now}
        new_id = conn.execute(subscribers.insert().values(**values)).inserted_primary_key[0]  # type: ignore[index]
        return {"id": new_id, **values}, True
    if row["status"] in (CONFIRMED, SUPPRESSED):
        return row, False
    # One confirmation mail per address per CONFIRM_RESEND_INTERVAL: the public form must not become a way to
    # flood someone's inbox.
    recent = row["status"] == PENDING and row["confirm_sent_at"] and now - row["confirm_sent_at"] < \
        CONFIRM_RESEND_INTERVAL
    if recent:  # the mail on its way promised the first choice; a new choice needs a new mail (later)
        return row, False
    changes: dict[str, Any] = {"frequency": frequency, "topics": topics, "status": PENDING, "unsubscribed_at": None}
    if user_id is not None:
        changes["user_id"] = user_id
    changes["confirm_sent_at"] = now
    conn.execute(subscribers.update().where(subscribers.c.id == row["id"]).values(**changes))
    return {**row, **changes}, True


def confirm(conn: sa.Connection, token: str, now: datetime) -> dict[str, Any] | None:
    row = get_by_token(conn, token)
    if row is None:
        return None
    if row["status"] == PENDING:
        conn.execute(subscribers.update().where(subscribers.c.id == row["id"]).values(status=CONFIRMED,
                                                                                     confirmed_at=now))
        row.update(status=CONFIRMED, confirmed_at=now)
    return row


def unsubscribe(conn: sa.Connection, token: str, now: datetime) -> dict[str, Any] | None:
    """Idempotent: a second call finds the address already unsubscribed and changes nothing."""
    row = get_by_token(conn, token)
    if row is None:
        return None
    if row["status"] in (PENDING, CONFIRMED):
        conn.execute(subscribers.update().where(subscribers.c.id == row["id"]).values(status=UNSUBSCRIBED,
                                                                                     unsubscribed_at=now))
        row.update(status=UNSUBSCRIBED, unsubscribed_at=now)
    return row


def update_preferences(conn: sa.Connection, subscriber_id: int, frequency: str, topics: list[dict]) -> None:
    conn.execute(subscribers.update().where(subscribers.c.id == subscriber_id).values(frequency=frequency,
                                                                                     topics=topics))


def record_event(conn: sa.Connection, email: str, kind: str, detail: str | None, now: datetime,
                 soft_limit: int) -> str | None:
    """Log a bounce or complaint; suppress the address on a hard bounce, a complaint, or too many soft bounces.

    Returns the subscriber's status afterwards (None when the address is not a subscriber)."""
    conn.execute(mail_events.insert().values(email=email, kind=kind, detail=detail, created_at=now))
    row = get_by_email(conn, email)
    if row is None:
        return None
    soft = row["soft_bounces"] + (1 if kind == "soft" else 0)
    suppress = kind in ("hard", "complaint") or soft >= soft_limit
    changes: dict[str, Any] = {"soft_bounces": soft}
    if suppress and row["status"] != SUPPRESSED:
        changes.update(status=SUPPRESSED, suppressed_at=now, suppress_reason=f"{kind} bounce" if kind != "complaint"
                       else "complaint")
    conn.execute(subscribers.update().where(subscribers.c.id == row["id"]).values(**changes))
    return changes.get("status", row["status"])


def import_rows(conn: sa.Connection, rows: Iterable[dict[str, Any]], confirmed: bool, now: datetime) -> tuple[int, int]:
    """Insert new addresses and update the preferences of known ones; returns (new, updated).

    Never revives an unsubscribed or suppressed address: importing an old list must not override an opt-out."""
    new = updated = 0
    for r in rows:
        row = get_by_email(conn, r["email"])
        if row is None:
            status = CONFIRMED if confirmed else PENDING
            conn.execute(subscribers.insert().values(
                email=r["email"], frequency=r["frequency"], topics=r["topics"], status=status, token=new_token(),
                created_at=now, confirmed_at=now if confirmed else None))
            new += 1
        else:
            changes: dict[str, Any] = {"frequency": r["frequency"], "topics": r["topics"]}
            if confirmed and row["status"] == PENDING:
                changes.update(status=CONFIRMED, confirmed_at=now)
            conn.execute(subscribers.update().where(subscribers.c.id == row["id"]).values(**changes))
            updated += 1
    return new, updated


def pending_confirmations(conn: sa.Connection, emails: list[str]) -> list[dict[str, Any]]:
    if not emails:
        return []
    query = sa.select(subscribers).where(subscribers.c.email.in_(emails), subscribers.c.status == PENDING)
    return [dict(r) for r in conn.execute(query).mappings()]


def iter_all(conn: sa.Connection, statuses: tuple[str, ...] = (CONFIRMED,)) -> Iterator[dict[str, Any]]:
    query = sa.select(subscribers).where(subscribers.c.status.in_(statuses)).order_by(subscribers.c.id)
    for row in conn.execute(query).mappings():
        yield dict(row)


def count_by_status(conn: sa.Connection) -> dict[str, int]:
    query = sa.select(subscribers.c.status, sa.func.count()).group_by(subscribers.c.status)
    return {status: n for status, n in conn.execute(query)}


def recent_events(conn: sa.Connection, limit: int = 50) -> list[dict[str, Any]]:
    query = sa.select(mail_events).order_by(mail_events.c.id.desc()).limit(limit)
    return [dict(r) for r in conn.execute(query).mappings()]
