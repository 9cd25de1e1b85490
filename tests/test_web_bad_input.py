"""Inputs an outside review found answering 500 (issue 11, items 6-9): each is now a 4xx naming what was wrong,
through the real app, on SQLite and PostgreSQL, and nothing stored changes."""

# ruff: noqa: F811  (pytest fixtures imported from tests.community_support are parameters here)
import json

import pytest
from fastapi.testclient import TestClient

from dailypapers.community import accounts
from dailypapers.store import comments as comment_store
from dailypapers.web.app import create_app
from tests.community_support import add_paper, login, make_user
from tests.mail_helpers import add_subscriber

HUGE = str(2**63)  # one past SQLite's INTEGER range (PostgreSQL's ends at 2^31 - 1)
HUGER = "9" * 40


@pytest.fixture
def setup(settings, db):
    """An app with one paper, a member with an API token and a confirmed digest subscriber."""
    settings = settings.replace(mail_backend="memory", digest_schedule_enabled=False)
    add_paper(db, "2611.00001")
    user = make_user(db, "ada")
    token = accounts.create_api_token(db, user["id"], "t")
    sub = add_subscriber(db, "reader@example.org")
    with TestClient(create_app(settings, db=db), raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {token}"}, sub


def _named(r, name: str) -> None:
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert name in r.text, r.text[:300]


def test_version_zero_is_a_4xx_naming_the_id(setup):
    client, _auth, _sub = setup
    for url in ["/papers/2401.00001v0", "/api/papers/2401.00001v0", "/papers/hep-th/9901001v0"]:
        r = client.get(url)
        _named(r, "arxiv_id")
        assert "v1" in r.text  # says what is wrong: versions start at v1


def test_integers_beyond_64_bits_are_a_4xx_naming_the_parameter(setup, db):
    client, auth, _sub = setup
    for value in (str(2**31), HUGE, HUGER, "-" + HUGE):  # 2^31: past PostgreSQL's INTEGER ids
        _named(client.get("/api/moderation/log", params={"before": value}), "before")
        _named(client.get("/moderation", params={"before": value}), "before")
        _named(client.patch(f"/api/comments/{value}", json={"body": "x"}, headers=auth), "comment_id")
        _named(client.delete(f"/api/comments/{value}", headers=auth), "comment_id")
        _named(client.post("/api/papers/2611.00001/comments", json={"body": "hi", "parentId": value}, headers=auth),
               "parentId")
        _named(client.post("/api/papers/2611.00001/comments", json={"body": "hi", "parentId": int(value)},
                           headers=auth), "parentId")
    with db.connect() as conn:
        assert comment_store.count_live(conn, 1) == 0


def test_integer_overflow_on_session_routes(setup, settings, db):
    client, _auth, _sub = setup
    from tests.community_support import form_csrf, login

    assert login(client, "ada").status_code == 303
    csrf = form_csrf(client)
    for path in (f"/comments/{HUGE}/edit", f"/comments/{HUGE}/delete", f"/account/tokens/{HUGE}/revoke",
                 f"/moderation/comments/{HUGE}/delete"):
        r = client.post(path, data={"csrf_token": csrf, "body": "x"}, follow_redirects=False)
        assert 400 <= r.status_code < 500, (path, r.status_code)
    _named(client.get(f"/comments/{HUGE}/edit"), "comment_id")
    r = client.post("/papers/2611.00001/comments", data={"csrf_token": csrf, "body": "x", "parent_id": HUGE},
                    follow_redirects=False)
    _named(r, "parent_id")


def test_non_finite_and_huge_parent_ids(setup):
    client, auth, _sub = setup
    for raw in ('{"body": "hi", "parentId": Infinity}', '{"body": "hi", "parentId": 1e308}',
                '{"body": "hi", "parentId": NaN}', '{"body": "hi", "parentId": 1.5}'):
        r = client.post("/api/papers/2611.00001/comments", content=raw,
                        headers={**auth, "Content-Type": "application/json"})
        _named(r, "parentId")


def test_deeply_nested_json_is_a_400(setup):
    client, auth, _sub = setup
    deep = "[" * 100_000 + "]" * 100_000
    for path in ("/api/papers/2611.00001/comments", "/api/papers/submit", "/api/comments/1"):
        method = client.patch if path.startswith("/api/comments") else client.post
        r = method(path, content=deep, headers={**auth, "Content-Type": "application/json"})
        _named(r, "request body")


def test_lone_surrogate_in_a_comment_is_a_400(setup, db):
    client, auth, _sub = setup
    raw = json.dumps({"body": "hi \ud800 there"})  # ensure_ascii keeps it as the escape \ud800
    r = client.post("/api/papers/2611.00001/comments", content=raw,
                    headers={**auth, "Content-Type": "application/json"})
    _named(r, "body")
    with db.connect() as conn:
        assert comment_store.count_live(conn, 1) == 0


def test_non_string_submission_comment_is_a_400(setup):
    client, auth, _sub = setup
    for comment in ([1, 2], {"a": 1}, 5, True):
        r = client.post("/api/papers/submit", json={"paper_id": "2611.00001", "comment": comment}, headers=auth)
        _named(r, "comment")
    r = client.post("/api/papers/submit", json={"paper_id": ["2611.00001"]}, headers=auth)
    _named(r, "paper_id")


def test_year_one_preview_dates_are_a_400_naming_date(setup, db):
    client, _auth, sub = setup
    for day in ("0001-01-01", "0001-01-02", "9999-12-31"):
        _named(client.get(f"/subscription/{sub['token']}/preview", params={"date": day}), "date")
    make_user(db, "root", role="admin")
    login(client, "root")  # the admin preview is for logged-in admins
    for day in ("0001-01-01", "0001-01-02", "9999-12-31"):
        _named(client.get("/admin/mail/preview", params={"email": "reader@example.org", "date": day}), "date")
