"""Accounts: the `users` rows (usernames and emails unique case-insensitively by storing them lower-cased)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from dailypapers.clock import utcnow
from dailypapers.roles import checked_role
from dailypapers.store.schema import users

_PUBLIC = (users.c.id, users.c.username, users.c.display_name, users.c.email, users.c.role, users.c.created_at,
           users.c.suspended_at, users.c.password_changed_at, users.c.last_login_at, users.c.email_verified_at)


class DuplicateUser(ValueError):
    """The username or email is taken; `.field` says which."""

    def __init__(self, field: str) -> None:
        super().__init__(f"{field} is already taken")
        self.field = field


def create_user(conn: sa.Connection, username: str, email: str | None, password_hash: str | None,
                role: str = "member", display_name: str | None = None) -> int:
    checked_role(role)
    email = email.strip().lower() if email else None
    if conn.execute(sa.select(users.c.id).where(sa.func.lower(users.c.username) == username.lower())).first():
        raise DuplicateUser("username")
    if email and conn.execute(sa.select(users.c.id).where(users.c.email == email)).first():
        raise DuplicateUser("email")
    now = utcnow()
    try:
        with conn.begin_nested():
            return conn.execute(
                users.insert().values(username=username, email=email, password_hash=password_hash, role=role,
                                      display_name=display_name or username, created_at=now,
                                      password_changed_at=now if password_hash else None)
                .returning(users.c.id)
            ).scalar_one()
    except sa.exc.IntegrityError:  # lost a race with a concurrent registration
        raise DuplicateUser("username or email") from None


def get_user(conn: sa.Connection, user_id: int) -> dict | None:
    row = conn.execute(sa.select(*_PUBLIC).where(users.c.id == user_id)).mappings().first()
    return dict(row) if row else None


def find_by_login(conn: sa.Connection, identifier: str) -> dict | None:
    """The user whose email or username is `identifier` (case-insensitive), with the password hash."""
    ident = identifier.strip().lower()
    cond = users.c.email == ident if "@" in ident else sa.func.lower(users.c.username) == ident
    row = conn.execute(sa.select(*_PUBLIC, users.c.password_hash).where(cond)).mappings().first()
    return dict(row) if row else None


def find_by_username(conn: sa.Connection, username: str) -> dict | None:
    row = conn.execute(
        sa.select(*_PUBLIC).where(sa.func.lower(users.c.username) == username.strip().lower())
    ).mappings().first()
    return dict(row) if row else None


def set_password(conn: sa.Connection, user_id: int, password_hash: str) -> None:
    conn.execute(users.update().where(users.c.id == user_id)
                 .values(password_hash=password_hash, password_changed_at=utcnow()))


def set_role(conn: sa.Connection, user_id: int, role: str) -> None:
    conn.execute(users.update().where(users.c.id == user_id).values(role=checked_role(role)))


def set_suspended(conn: sa.Connection, user_id: int, suspended: bool) -> None:
    conn.execute(users.update().where(users.c.id == user_id).values(suspended_at=utcnow() if suspended else None))


def touch_login(conn: sa.Connection, user_id: int, when: datetime | None = None) -> None:
    conn.execute(users.update().where(users.c.id == user_id).values(last_login_at=when or utcnow()))


def list_users(conn: sa.Connection, limit: int = 1000) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.select(*_PUBLIC).order_by(users.c.id).limit(limit)).mappings()]
