"""Fixtures and helpers shared by the community tests (imported explicitly by each test module)."""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta

import pytest

from dailypapers.clock import utcnow
from dailypapers.community import passwords
from dailypapers.store import papers as paper_store
from dailypapers.store import users as user_store
from dailypapers.web.app import create_app
from tests.factories import make_paper

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@functools.cache
def password_hash() -> str:
    return passwords.hash_password(PASSWORD)


def make_user(db, username: str, role: str = "member", created_at: datetime | None = None) -> dict:
    """An account with PASSWORD, older than a day by default (so it gets the normal rate limits)."""
    with db.write() as conn:
        uid = user_store.create_user(conn, username, f"{username}@example.org", password_hash(), role=role)
        conn.execute(user_store.users.update().where(user_store.users.c.id == uid)
                     .values(created_at=created_at or utcnow() - timedelta(days=30)))
        return user_store.get_user(conn, uid)


def add_paper(db, arxiv_id: str = "2611.00001", age_days: float = 1, title: str = "A fresh paper") -> int:
    record = make_paper(arxiv_id, title, when=utcnow() - timedelta(days=age_days), updated_at=None)
    with db.write() as conn:
        _, ids = paper_store.upsert_papers(conn, [record])
    return ids[arxiv_id]


def csrf_from(html: str) -> str:
    m = _CSRF.search(html)
    assert m, "page has no CSRF field"
    return m.group(1)


def login(client, identifier: str, password: str = PASSWORD, next: str = "/"):
    page = client.get("/login")
    return client.post("/login", data={"identifier": identifier, "password": password, "next": next,
                                       "csrf_token": csrf_from(page.text)}, follow_redirects=False)


def form_csrf(client, path: str = "/account") -> str:
    return csrf_from(client.get(path).text)


def verification_link(message) -> str:
    """The /account/email/verify/… path in a verification mail."""
    body = message.get_body(("plain",)).get_content() if message.is_multipart() else message.get_content()
    m = re.search(r"https?://[^/\s]+(/account/email/verify/\S+)", body)
    assert m, f"no verification link in: {body!r}"
    return m.group(1)


def use_verification_link(client, path: str):
    """Open the mailed link and press its button (what the address's owner does)."""
    page = client.get(path)
    return client.post(path, data={"csrf_token": csrf_from(page.text)})


@pytest.fixture
def app(settings, db):
    return create_app(settings, db=db)


@pytest.fixture
def client(app):
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


@pytest.fixture
def make_client(app):
    """Extra independent browsers (own cookie jars) on the same app."""
    from fastapi.testclient import TestClient

    clients = []

    def factory(**kwargs):
        c = TestClient(app, **kwargs)
        c.__enter__()
        clients.append(c)
        return c

    yield factory
    for c in clients:
        c.__exit__(None, None, None)
