"""Login sessions, API tokens and password-reset tokens. Only SHA-256 hashes of the secrets are stored."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import sqlalchemy as sa

from dailypapers.clock import utcnow
from dailypapers.store.schema import api_tokens, password_resets, sessions, users

# Refresh `last_seen_at` at most this often, so reading pages does not write on every request.
_TOUCH_EVERY = timedelta(minutes=10)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_session(conn: sa.Connection, secret: str, user_id: int, csrf_token: str, lifetime: timedelta,
                   ip: str | None = None, user_agent: str | None = None) -> None:
    now = utcnow()
    conn.execute(sessions.insert().values(token_hash=token_hash(secret), user_id=user_id, csrf_token=csrf_token,
                                          created_at=now, last_seen_at=now, expires_at=now + lifetime,
                                          ip=ip, user_agent=(user_agent or "")[:500]))


def session_user(conn: sa.Connection, secret: str) -> dict | None:
    """The live session for a cookie value, joined with its (unsuspended) user; None when unknown or expired."""
    now = utcnow()
    row = conn.execute(
        sa.select(sessions.c.token_hash, sessions.c.csrf_token, sessions.c.last_seen_at, sessions.c.expires_at,
                  users.c.id, users.c.username, users.c.display_name, users.c.email, users.c.role,
                  users.c.created_at, users.c.suspended_at, users.c.email_verified_at)
        .join(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_hash == token_hash(secret), sessions.c.expires_at > now,
               users.c.suspended_at.is_(None))
    ).mappings().first()
    return dict(row) if row else None


def needs_touch(last_seen_at: datetime) -> bool:
    return utcnow() - last_seen_at > _TOUCH_EVERY


def touch_session(conn: sa.Connection, secret: str) -> None:
    conn.execute(sessions.update().where(sessions.c.token_hash == token_hash(secret)).values(last_seen_at=utcnow()))


def delete_session(conn: sa.Connection, secret: str) -> None:
    conn.execute(sessions.delete().where(sessions.c.token_hash == token_hash(secret)))


def delete_user_sessions(conn: sa.Connection, user_id: int, keep_secret: str | None = None) -> int:
    q = sessions.delete().where(sessions.c.user_id == user_id)
    if keep_secret:
        q = q.where(sessions.c.token_hash != token_hash(keep_secret))
    return conn.execute(q).rowcount


def count_user_sessions(conn: sa.Connection, user_id: int) -> int:
    return conn.execute(
        sa.select(sa.func.count()).select_from(sessions).where(sessions.c.user_id == user_id)).scalar_one()


def purge_expired_sessions(conn: sa.Connection) -> int:
    return conn.execute(sessions.delete().where(sessions.c.expires_at <= utcnow())).rowcount


# --- API tokens ---

def create_api_token(conn: sa.Connection, user_id: int, name: str, secret: str) -> int:
    return conn.execute(
        api_tokens.insert().values(user_id=user_id, name=name, token_hash=token_hash(secret), prefix=secret[:10],
                                   created_at=utcnow()).returning(api_tokens.c.id)
    ).scalar_one()


def api_token_user(conn: sa.Connection, secret: str) -> dict | None:
    row = conn.execute(
        sa.select(api_tokens.c.id.label("token_id"), api_tokens.c.last_used_at, users.c.id, users.c.username,
                  users.c.display_name, users.c.email, users.c.role, users.c.created_at, users.c.suspended_at,
                  users.c.email_verified_at)
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(api_tokens.c.token_hash == token_hash(secret), api_tokens.c.revoked_at.is_(None),
               users.c.suspended_at.is_(None))
    ).mappings().first()
    return dict(row) if row else None


def touch_api_token(conn: sa.Connection, token_id: int) -> None:
    conn.execute(api_tokens.update().where(api_tokens.c.id == token_id).values(last_used_at=utcnow()))


def list_api_tokens(conn: sa.Connection, user_id: int) -> list[dict]:
    q = (sa.select(api_tokens.c.id, api_tokens.c.name, api_tokens.c.prefix, api_tokens.c.created_at,
                   api_tokens.c.last_used_at)
         .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None)).order_by(api_tokens.c.id))
    return [dict(r) for r in conn.execute(q).mappings()]


def revoke_api_token(conn: sa.Connection, user_id: int, token_id: int) -> bool:
    return conn.execute(
        api_tokens.update().where(api_tokens.c.id == token_id, api_tokens.c.user_id == user_id,
                                  api_tokens.c.revoked_at.is_(None)).values(revoked_at=utcnow())
    ).rowcount == 1


def revoke_user_api_tokens(conn: sa.Connection, user_id: int) -> int:
    """End every live token of the account (password change, reset, suspension): none comes back later."""
    return conn.execute(
        api_tokens.update().where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    ).rowcount


# --- password resets ---

def create_password_reset(conn: sa.Connection, user_id: int, secret: str, lifetime: timedelta) -> None:
    now = utcnow()
    conn.execute(password_resets.insert().values(token_hash=token_hash(secret), user_id=user_id, created_at=now,
                                                 expires_at=now + lifetime))


def valid_password_reset(conn: sa.Connection, secret: str) -> int | None:
    """The user id a live, unused reset token belongs to."""
    return conn.execute(
        sa.select(password_resets.c.user_id).where(
            password_resets.c.token_hash == token_hash(secret), password_resets.c.used_at.is_(None),
            password_resets.c.expires_at > utcnow())
    ).scalar()


def use_password_reset(conn: sa.Connection, secret: str) -> int | None:
    """Mark the token used (once: a second use finds nothing) and return its user id."""
    user_id = valid_password_reset(conn, secret)
    if user_id is None:
        return None
    done = conn.execute(password_resets.update().where(password_resets.c.token_hash == token_hash(secret),
                                                       password_resets.c.used_at.is_(None))
                        .values(used_at=utcnow())).rowcount
    if done != 1:
        return None
    # Any other outstanding link for this account dies with it.
    conn.execute(password_resets.update().where(password_resets.c.user_id == user_id,
                                                password_resets.c.used_at.is_(None)).values(used_at=utcnow()))
    return user_id
