"""Email verification links for accounts: only SHA-256 hashes of the secrets are stored, each works once."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from dailypapers.clock import utcnow
from dailypapers.store.schema import email_verifications, users
from dailypapers.store.sessions import token_hash


def create(conn: sa.Connection, user_id: int, email: str, secret: str, lifetime: timedelta) -> None:
    now = utcnow()
    conn.execute(email_verifications.insert().values(token_hash=token_hash(secret), user_id=user_id, email=email,
                                                     created_at=now, expires_at=now + lifetime))


def pending(conn: sa.Connection, secret: str) -> dict | None:
    """The live, unused link's account (id, username, email) when the account still has the address mailed."""
    row = conn.execute(
        sa.select(users.c.id, users.c.username, users.c.email, users.c.email_verified_at)
        .join(users, users.c.id == email_verifications.c.user_id)
        .where(email_verifications.c.token_hash == token_hash(secret), email_verifications.c.used_at.is_(None),
               email_verifications.c.expires_at > utcnow(), users.c.email == email_verifications.c.email)
    ).mappings().first()
    return dict(row) if row else None


def use(conn: sa.Connection, secret: str) -> dict | None:
    """Mark the link used and the account's address verified (once: a second call finds nothing)."""
    account = pending(conn, secret)
    if account is None:
        return None
    now = utcnow()
    done = conn.execute(email_verifications.update().where(email_verifications.c.token_hash == token_hash(secret),
                                                           email_verifications.c.used_at.is_(None))
                        .values(used_at=now)).rowcount
    if done != 1:
        return None
    conn.execute(users.update().where(users.c.id == account["id"], users.c.email == account["email"])
                 .values(email_verified_at=now))
    return {**account, "email_verified_at": now}
