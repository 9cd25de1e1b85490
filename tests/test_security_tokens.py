# ruff: noqa: F811  (pytest fixtures imported from tests.community_support are parameters here)
"""Issue 11, part A: API tokens are for the JSON API only, die with the password or a suspension, never shape a
cached page; pages ignore bearer headers; moderators cannot suspend moderators; comment answers name the author.

Everything goes through the real app over HTTP, on SQLite and PostgreSQL."""

import re

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from dailypapers.community import accounts
from dailypapers.mail.backends import MemoryBackend
from dailypapers.store import sessions as session_store
from dailypapers.store import users as user_store
from dailypapers.web.app import create_app
from tests.community_support import (  # noqa: F401
    PASSWORD,
    add_paper,
    app,
    client,
    csrf_from,
    form_csrf,
    login,
    make_client,
    make_user,
)

HTML_PAGES = ["/", "/search?q=graph", "/docs", "/trending", "/papers/2611.00001", "/moderation", "/login", "/feeds",
              "/papers/2611.00001/comments"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _token(db, user: dict) -> str:
    return accounts.create_api_token(db, user["id"], "script")


def _live_tokens(db, user: dict) -> int:
    with db.connect() as conn:
        return len(session_store.list_api_tokens(conn, user["id"]))


def _suspended(db, username: str) -> bool:
    with db.connect() as conn:
        return user_store.find_by_username(conn, username)["suspended_at"] is not None


def test_html_pages_ignore_unknown_revoked_and_valid_bearer_tokens(client, make_client, db):
    add_paper(db)
    user = make_user(db, "reader")
    valid = _token(db, user)
    revoked = _token(db, user)
    with db.connect() as conn:
        revoked_id = [t["id"] for t in session_store.list_api_tokens(conn, user["id"])][-1]
    accounts.revoke_api_token(db, user["id"], revoked_id)
    for token in ("dp_unknown", revoked, valid, ""):
        for path in HTML_PAGES:
            r = make_client().get(path, headers=_bearer(token))
            assert r.status_code == 200, (path, token, r.status_code)
            assert "/account" not in r.text or path == "/docs", path  # nobody is logged in by a token on a page
    for token in ("dp_unknown", revoked):
        r = client.get("/api/me", headers=_bearer(token))
        assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
        assert r.json() == {"error": "Authorization: the API token is unknown or revoked", "status": 401}
        r = client.post("/api/papers/2611.00001/upvote", headers=_bearer(token))
        assert r.status_code == 401 and r.json()["status"] == 401
    assert client.get("/api/me", headers=_bearer(valid)).json()["auth"] == "token"


def test_page_rendered_for_a_token_is_never_served_to_anonymous_visitors(client, make_client, db):
    add_paper(db)
    mod = make_user(db, "mod", "moderator")
    token = _token(db, mod)
    r = client.post("/api/papers/2611.00001/comments", json={"body": "first!"}, headers=_bearer(token))
    assert r.status_code == 201
    with_token = make_client().get("/papers/2611.00001", headers=_bearer(token))
    anonymous = make_client().get("/papers/2611.00001")
    for page in (with_token, anonymous):
        assert page.status_code == 200 and "first!" in page.text
        assert 'href="/account"' not in page.text and "/moderation/comments/" not in page.text
        assert 'name="csrf_token"' not in page.text and "Log in" in page.text
    # A logged-in browser still gets its own page, and the next anonymous visitor does not.
    browser = make_client()
    login(browser, "mod")
    assert 'href="/account"' in browser.get("/papers/2611.00001").text
    assert 'href="/account"' not in make_client().get("/papers/2611.00001", headers=_bearer(token)).text
    assert 'href="/account"' not in make_client().get("/papers/2611.00001").text


def test_tokens_cannot_open_account_pages_manage_tokens_log_out_or_moderate(client, make_client, db):
    mod = make_user(db, "mod", "moderator")
    make_user(db, "joe")
    token = _token(db, mod)
    browser = make_client()
    login(browser, "mod")
    thief = make_client()
    h = _bearer(token)
    assert thief.get("/account", headers=h, follow_redirects=False).status_code == 303  # to /login
    assert thief.get("/account/subscription", headers=h, follow_redirects=False).status_code == 303
    assert thief.get("/submit", headers=h, follow_redirects=False).status_code == 303
    visitor_csrf = csrf_from(thief.get("/login").text)  # even with a valid visitor CSRF pair, a token is nobody
    with db.connect() as conn:
        token_id = session_store.list_api_tokens(conn, mod["id"])[0]["id"]
    for path, data in (("/account/tokens", {"name": "backdoor"}),
                       (f"/account/tokens/{token_id}/revoke", {}),
                       ("/logout", {"everywhere": "1"}),
                       ("/moderation/users/suspend", {"username": "joe", "reason": "token"}),
                       ("/account/password", {"current_password": PASSWORD, "new_password": "stolen and changed"})):
        for csrf in ({}, {"csrf_token": visitor_csrf}):
            r = thief.post(path, data={**data, **csrf}, headers=h, follow_redirects=False)
            assert r.status_code in (303, 403), (path, r.status_code)  # refused, or a redirect that did nothing
    assert _live_tokens(db, mod) == 1 and not _suspended(db, "joe")
    assert 'href="/account"' in browser.get("/").text  # "log out everywhere" did not happen
    assert login(make_client(), "mod", PASSWORD).status_code == 303  # the password is unchanged
    assert thief.get("/api/me", headers=h).status_code == 200  # the API still takes the token


def test_password_change_and_reset_end_every_api_token(settings, db):
    user = make_user(db, "pat")
    first, second = _token(db, user), _token(db, user)
    MemoryBackend.outbox.clear()
    with TestClient(create_app(settings.replace(mail_backend="memory"), db=db)) as c:
        login(c, "pat")
        r = c.post("/account/password", data={"current_password": PASSWORD, "new_password": "a brand new passphrase",
                                              "csrf_token": form_csrf(c)}, follow_redirects=False)
        assert r.status_code == 303
        assert c.get("/api/me", headers=_bearer(first)).status_code == 401
        assert c.get("/api/me", headers=_bearer(second)).status_code == 401
        third = _token(db, user)
        c.cookies.clear()
        page = c.get("/password/forgot")
        c.post("/password/forgot", data={"email": "pat@example.org", "csrf_token": csrf_from(page.text)})
        link = re.search(r"http://testserver(/password/reset/\S+)", MemoryBackend.outbox[-1].get_content()).group(1)
        form = c.get(link)
        r = c.post(link, data={"new_password": "yet another passphrase", "csrf_token": csrf_from(form.text)})
        assert r.status_code == 200
        assert c.get("/api/me", headers=_bearer(third)).status_code == 401
    assert _live_tokens(db, user) == 0


def test_suspension_revokes_tokens_for_good(client, make_client, db, settings, monkeypatch):
    from dailypapers.cli import cli

    troll = make_user(db, "troll")
    token = _token(db, troll)
    make_user(db, "boss", "admin")
    login(client, "boss")
    for suspended in ("1", "0"):
        r = client.post("/moderation/users/suspend", data={"username": "troll", "suspended": suspended,
                                                           "csrf_token": form_csrf(client)}, follow_redirects=False)
        assert r.status_code == 303
    assert not _suspended(db, "troll")
    assert make_client().get("/api/me", headers=_bearer(token)).status_code == 401  # lifting it revives nothing
    # The command line does the same.
    cli_token = _token(db, troll)
    monkeypatch.setenv("DAILYPAPERS_DATABASE_URL", settings.database_url)
    runner = CliRunner()
    assert runner.invoke(cli, ["user", "suspend", "troll"]).exit_code == 0
    assert runner.invoke(cli, ["user", "suspend", "troll", "--undo"]).exit_code == 0
    assert make_client().get("/api/me", headers=_bearer(cli_token)).status_code == 401


def test_moderators_cannot_suspend_moderators(client, make_client, db):
    make_user(db, "mod1", "moderator")
    make_user(db, "mod2", "moderator")
    make_user(db, "boss", "admin")
    login(client, "mod1")
    r = client.post("/moderation/users/suspend", data={"username": "mod2", "reason": "coup",
                                                       "csrf_token": form_csrf(client)}, follow_redirects=False)
    assert r.status_code == 403 and "only admins" in r.text
    assert not _suspended(db, "mod2")
    admin = make_client()
    login(admin, "boss")
    r = admin.post("/moderation/users/suspend", data={"username": "mod2", "reason": "README: admins may",
                                                      "csrf_token": form_csrf(admin)}, follow_redirects=False)
    assert r.status_code == 303 and _suspended(db, "mod2")


@pytest.mark.parametrize("role", ["member", "moderator"])
def test_comment_create_and_edit_answers_name_the_author(client, db, role):
    add_paper(db)
    h = _bearer(_token(db, make_user(db, "ann", role)))
    created = client.post("/api/papers/2611.00001/comments", json={"body": "hello"}, headers=h)
    assert created.status_code == 201 and created.json()["author"] == "ann"
    edited = client.patch(f"/api/comments/{created.json()['id']}", json={"body": "hello again"}, headers=h)
    assert edited.status_code == 200 and edited.json()["author"] == "ann"
    listed = client.get("/api/papers/2611.00001/comments").json()["comments"][0]
    assert {k: listed[k] for k in ("author", "markdown")} == {"author": "ann", "markdown": "hello again"}
