"""What the community rules refuse comes back in one JSON shape, mapped in one place (web/errors.py):
`{"error": message, "status": code, "parameter": field?, ...details}`, with the status the refusal carries."""

# ruff: noqa: F811  (pytest fixtures imported from tests.community_support are parameters here)
from dailypapers.community import accounts
from dailypapers.errors import DomainError
from tests.community_support import add_paper, app, client, make_user  # noqa: F401


def _bearer(db, user) -> dict:
    return {"Authorization": f"Bearer {accounts.create_api_token(db, user['id'], 'test')}"}


def test_comment_submission_and_rate_limit_refusals_share_one_shape(client, db, settings):
    auth = _bearer(db, make_user(db, "ann"))
    add_paper(db, "2611.00001")
    r = client.post("/api/papers/2611.00001/comments", json={"body": "  "}, headers=auth)
    assert r.status_code == 400
    assert r.json() == {"error": r.json()["error"], "status": 400, "parameter": "body"}
    add_paper(db, "2611.00002", age_days=40)
    r = client.post("/api/papers/submit", json={"paper_id": "2611.00002"}, headers=auth)
    assert r.status_code == 422 and r.json()["status"] == 422 and r.json()["rule"] == "max_age"
    assert set(r.json()) == {"error", "status", "rule"}
    other = make_user(db, "bob")
    r = client.patch("/api/comments/999999", json={"body": "x"}, headers=_bearer(db, other))
    assert r.status_code == 404 and r.json()["status"] == 404 and "no comment" in r.json()["error"]


def test_rate_limits_answer_429_in_the_same_shape(settings, db):
    from fastapi.testclient import TestClient

    from dailypapers.web.app import create_app

    auth = _bearer(db, make_user(db, "cid", created_at=None))
    add_paper(db, "2611.00003")
    with TestClient(create_app(settings.replace(rate_vote="1/minute", rate_ip_multiplier=10), db=db)) as c:
        assert c.post("/api/papers/2611.00003/upvote", headers=auth).status_code == 200
        r = c.post("/api/papers/2611.00003/upvote", headers=auth)
    assert r.status_code == 429 and r.headers["Retry-After"] == str(r.json()["retryAfter"])
    assert set(r.json()) == {"error", "status", "retryAfter"} and r.json()["status"] == 429


def test_every_refusal_is_a_domain_error():
    from dailypapers.community.comments import CommentError
    from dailypapers.community.moderation import ModerationError
    from dailypapers.community.ratelimit import RateLimited
    from dailypapers.community.submissions import SubmissionRefused

    for cls in (accounts.AccountError, CommentError, ModerationError, RateLimited, SubmissionRefused):
        assert issubclass(cls, DomainError), cls
