# ruff: noqa: F811  (pytest fixtures imported from tests.community_support are parameters here)
"""Issue 11, part A: account takeover paths (digest subscriptions, email verification) and login limits.

Mail goes through a real SMTP server (aiosmtpd); every test runs on SQLite and PostgreSQL."""

import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dailypapers.store import subscriptions as sstore
from dailypapers.store.papers import utcnow
from dailypapers.store.schema import email_verifications, users
from dailypapers.store.sessions import token_hash
from dailypapers.web.app import create_app
from tests.community_support import (  # noqa: F401
    PASSWORD,
    csrf_from,
    form_csrf,
    login,
    make_user,
    use_verification_link,
    verification_link,
)
from tests.smtp_sink import start_sink


@pytest.fixture
def smtp():
    controller, handler = start_sink()
    yield controller, handler
    controller.stop()


@pytest.fixture
def smtp_app(settings, db, smtp):
    controller, _ = smtp
    return create_app(settings.replace(mail_backend="smtp", smtp_host="127.0.0.1", smtp_port=controller.port,
                                       smtp_security="none", smtp_timeout_s=5, digest_schedule_enabled=False), db=db)


def _browser(app) -> TestClient:
    return TestClient(app)


def _mails_to(handler, address: str, containing: str = "") -> list:
    return [m for m in handler.messages if m["To"] == address and containing in _plain(m)]


def _plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def _register(client, username: str, email: str):
    page = client.get("/register")
    return client.post("/register", data={"username": username, "email": email, "password": "a good long passphrase",
                                          "csrf_token": csrf_from(page.text)}, follow_redirects=False)


def _subscribe_and_confirm(client, handler, email: str, topics: str) -> dict:
    client.post("/subscribe", data={"email": email, "frequency": "weekly", "topics": topics})
    [mail] = _mails_to(handler, email, "/subscribe/confirm/")
    link = re.search(r"http://testserver(/subscribe/confirm/\S+)", _plain(mail)).group(1)
    assert client.post(link).status_code == 200
    return _subscription(client.app, email)


def _subscription(app, email: str) -> dict:
    with app.state.db.connect() as conn:
        return sstore.get_by_email(conn, email)


def test_unverified_account_cannot_see_or_change_the_address_subscription(smtp_app, smtp):
    _, handler = smtp
    with _browser(smtp_app) as victim, _browser(smtp_app) as attacker:
        before = _subscribe_and_confirm(victim, handler, "victim@example.org", "private topic; cat:cs.CR")
        assert before["status"] == "confirmed"
        assert _register(attacker, "mallory", "victim@example.org").status_code == 303
        page = attacker.get("/account/subscription")
        assert page.status_code == 200
        assert before["token"] not in page.text and "private topic" not in page.text and "— confirmed" not in page.text
        assert "Mail me a new link" in page.text
        csrf = csrf_from(page.text)
        for data in ({"action": "unsubscribe"}, {"frequency": "daily", "topics": "attacker topic"}):
            r = attacker.post("/account/subscription", data={**data, "csrf_token": csrf})
            assert r.status_code == 403 and before["token"] not in r.text
        after = _subscription(smtp_app, "victim@example.org")
        assert (after["status"], after["frequency"], after["topics"], after["token"]) == (
            "confirmed", "weekly", before["topics"], before["token"])
        assert after["user_id"] is None  # the attacker's account was never tied to it
        # The proof went to the address's owner, not to the attacker: registering mailed a verification link there.
        assert len(_mails_to(handler, "victim@example.org", "/account/email/verify/")) == 1


def test_verified_account_manages_its_address_subscription(smtp_app, smtp):
    _, handler = smtp
    with _browser(smtp_app) as owner:
        before = _subscribe_and_confirm(owner, handler, "owner@example.org", "graph neural networks")
        assert _register(owner, "owner", "owner@example.org").status_code == 303
        [mail] = _mails_to(handler, "owner@example.org", "/account/email/verify/")
        path = verification_link(mail)
        page = owner.get(path)
        assert page.status_code == 200 and "owner" in page.text  # says which account the address goes to
        assert _subscription(smtp_app, "owner@example.org")["status"] == "confirmed"  # a GET verifies nothing
        assert "not verified yet" in owner.get("/account").text
        assert use_verification_link(owner, path).status_code == 200
        account = owner.get("/account").text
        assert "not verified yet" not in account and "verified" in account
        page = owner.get("/account/subscription")
        assert before["token"] in page.text and "graph neural networks" in page.text
        r = owner.post("/account/subscription", data={"frequency": "daily", "topics": "cat:cs.CL",
                                                      "csrf_token": csrf_from(page.text)})
        assert r.status_code == 200 and "Saved." in r.text
        assert _subscription(smtp_app, "owner@example.org")["frequency"] == "daily"
        # The link works once.
        assert owner.get(path).status_code == 400
        assert owner.post(path, data={"csrf_token": form_csrf(owner)}).status_code == 400


def test_verification_links_expire_and_are_bound_to_the_address_mailed(smtp_app, smtp, db):
    _, handler = smtp
    with _browser(smtp_app) as client:
        assert _register(client, "vera", "vera@example.org").status_code == 303
        [first] = _mails_to(handler, "vera@example.org")
        r = client.post("/account/email/verify", data={"csrf_token": form_csrf(client)}, follow_redirects=False)
        assert r.status_code == 303 and "verify_sent" in r.headers["location"]
        assert "is on its way" in client.get(r.headers["location"]).text
        second = _mails_to(handler, "vera@example.org")[1]
        first_hash = token_hash(verification_link(first).rsplit("/", 1)[1])
        with db.write() as conn:  # the first link is past its lifetime; the second was mailed to an old address
            conn.execute(email_verifications.update().where(email_verifications.c.token_hash == first_hash)
                         .values(expires_at=utcnow() - timedelta(minutes=1)))
            conn.execute(users.update().where(users.c.username == "vera").values(email="vera@new.example.org"))
        assert client.get(verification_link(first)).status_code == 400
        assert client.get(verification_link(second)).status_code == 400
        with db.connect() as conn:
            assert conn.execute(sa.select(users.c.email_verified_at).where(users.c.username == "vera")).scalar() is None


def test_registration_is_rate_limited_per_ip_and_still_says_what_is_taken(client_app):
    with _browser(client_app) as c:
        assert _register(c, "taken", "taken@example.org").status_code == 303
        c.cookies.clear()
        r = _register(c, "taken", "other@example.org")
        assert r.status_code == 400 and "username is already taken" in r.text  # documented behaviour, kept
        for i in range(3):
            assert _register(c, f"user{i}", "taken@example.org").status_code == 400
        r = _register(c, "late", "late@example.org")  # the sixth sign-up from this IP within the window
        assert r.status_code == 429 and 1 <= int(r.headers["Retry-After"]) <= 3600


@pytest.fixture
def client_app(settings, db):
    """Limits counted per hour (5 logins or sign-ups): a slow run must not straddle a window edge, so a test that
    starts in an hour's last two minutes waits for the next hour first."""
    left = 3600 - time.time() % 3600
    if left < 120:
        time.sleep(left + 1)
    return create_app(settings.replace(mail_backend="memory", rate_login="5/hour"), db=db)


def test_login_limit_is_one_budget_per_account_whatever_the_spelling(client_app, db):
    make_user(db, "nina")
    with _browser(client_app) as attacker:
        for ident in ("nina", "nina@example.org", "NINA", " Nina@Example.org ", "nina"):
            assert login(attacker, ident, "wrong guess!!").status_code == 400
        r = login(attacker, "nina@example.org", "wrong guess!!")
        assert r.status_code == 429 and "per account from this IP address" in r.text
    # Across addresses the account's own bucket (4 x 5 per window) holds every spelling too: 15 more, then no more.
    codes = [login_from(client_app, ("nina", "NINA@example.org")[i % 2], "wrong guess!!", f"192.0.2.{i}")
             for i in range(16)]
    assert codes == [400] * 15 + [429]


def test_owner_logs_in_while_an_attacker_guesses(client_app, db):
    make_user(db, "olive")
    codes = [login_from(client_app, "olive", f"guess number {i}", "203.0.113.9") for i in range(40)]
    assert codes[:5] == [400] * 5 and set(codes[5:]) == {429}
    # The owner, from their own address and with the very spelling the attacker hammers, still gets in.
    assert login_from(client_app, "olive", PASSWORD, "198.51.100.7") == 303
    # Guessing from many addresses is bounded by the account's own, larger bucket (4 x 5 per window).
    spread = [login_from(client_app, "olive", "spread guess", f"192.0.2.{i}") for i in range(1, 30)]
    assert spread.count(400) == 14 and spread[-1] == 429


def login_from(app, identifier: str, password: str, ip: str) -> int:
    """One login attempt from a browser at `ip`."""
    with TestClient(app, client=(ip, 40000)) as browser:
        page = browser.get("/login")
        return browser.post("/login", data={"identifier": identifier, "password": password,
                                            "csrf_token": csrf_from(page.text)}, follow_redirects=False).status_code
