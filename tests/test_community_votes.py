# ruff: noqa: F811  (pytest fixtures imported from tests.community_support are parameters here)
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import sqlalchemy as sa

from dailypapers.community import accounts
from dailypapers.store import votes as vote_store
from dailypapers.store.schema import papers, votes
from tests.community_support import add_paper, app, client, form_csrf, login, make_client, make_user  # noqa: F401


def _counts(db, paper_id):
    with db.connect() as conn:
        counter = conn.execute(sa.select(papers.c.vote_count).where(papers.c.id == paper_id)).scalar()
        return counter, vote_store.count_votes(conn, paper_id)


def _token(db, user):
    return accounts.create_api_token(db, user["id"], "t")


def test_api_upvote_is_idempotent_and_counter_matches_rows(client, db):
    pid = add_paper(db, "2611.00010")
    token = _token(db, make_user(db, "ann"))
    h = {"Authorization": f"Bearer {token}"}
    r = client.post("/api/papers/2611.00010/upvote", headers=h)
    assert r.status_code == 200 and r.json() == {"arxivId": "2611.00010", "upvoted": True, "voteCount": 1,
                                                 "upvotes": 1}
    assert client.post("/api/papers/arXiv:2611.00010v1/upvote", headers=h).json()["voteCount"] == 1
    assert _counts(db, pid) == (1, 1)
    assert client.delete("/api/papers/2611.00010/upvote", headers=h).json()["upvoted"] is False
    assert client.delete("/api/papers/2611.00010/upvote", headers=h).json()["voteCount"] == 0
    assert _counts(db, pid) == (0, 0)


def test_unique_constraint_is_in_the_database(db):
    pid = add_paper(db, "2611.00011")
    user = make_user(db, "bea")
    with db.write() as conn:
        conn.execute(votes.insert().values(user_id=user["id"], paper_id=pid, created_at=sa.func.now()))
    with pytest.raises(sa.exc.IntegrityError), db.write() as conn:
        conn.execute(votes.insert().values(user_id=user["id"], paper_id=pid, created_at=sa.func.now()))


def test_upvote_needs_login_and_known_paper(client, db):
    add_paper(db, "2611.00012")
    assert client.post("/api/papers/2611.00012/upvote").status_code == 401
    h = {"Authorization": f"Bearer {_token(db, make_user(db, 'cid'))}"}
    r = client.post("/api/papers/2611.99999/upvote", headers=h)
    assert r.status_code == 404 and "2611.99999" in r.text
    r = client.post("/papers/2611.00012/upvote", data={}, follow_redirects=False)
    assert r.status_code in (303, 403)


def test_cookie_api_upvote_needs_csrf_header(client, db):
    add_paper(db, "2611.00013")
    make_user(db, "dan")
    login(client, "dan")
    assert client.post("/api/papers/2611.00013/upvote").status_code == 403
    token = form_csrf(client)
    r = client.post("/api/papers/2611.00013/upvote", headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["upvoted"]


def test_form_upvote_without_javascript_redirects_back(client, db):
    pid = add_paper(db, "2611.00014")
    make_user(db, "eve")
    login(client, "eve")
    csrf = form_csrf(client)
    r = client.post("/papers/2611.00014/upvote", data={"csrf_token": csrf, "action": "add",
                                                       "next": "/papers/date/2026-11-27"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/papers/date/2026-11-27#paper-2611.00014"
    client.post("/papers/2611.00014/upvote", data={"csrf_token": csrf, "action": "add"})
    assert _counts(db, pid) == (1, 1)
    client.post("/papers/2611.00014/upvote", data={"csrf_token": csrf})  # default: toggle
    assert _counts(db, pid) == (0, 0)
    r = client.post("/papers/2611.00014/upvote", data={"action": "add"})
    assert r.status_code == 403


def test_comments_page_shows_upvote_button_state(client, db):
    add_paper(db, "2611.00015")
    make_user(db, "fay")
    login(client, "fay")
    page = client.get("/papers/2611.00015/comments")
    assert 'data-upvote="2611.00015"' in page.text and 'value="add"' in page.text
    client.post("/api/papers/2611.00015/upvote", headers={"X-CSRF-Token": form_csrf(client)})
    page = client.get("/papers/2611.00015/comments")
    assert 'value="remove"' in page.text and 'aria-pressed="true"' in page.text
    assert client.get("/static/community/upvote.js").status_code == 200


def test_vote_rate_limit_429_and_lower_for_new_accounts(settings, db):
    from fastapi.testclient import TestClient

    from dailypapers.clock import utcnow
    from dailypapers.web.app import create_app

    for i in range(8):
        add_paper(db, f"2611.0010{i}")
    old = _token(db, make_user(db, "gus"))
    new = _token(db, make_user(db, "hal", created_at=utcnow()))
    with TestClient(create_app(settings.replace(rate_vote="4/minute", rate_ip_multiplier=10), db=db)) as c:
        codes = [c.post(f"/api/papers/2611.0010{i}/upvote", headers={"Authorization": f"Bearer {old}"}).status_code
                 for i in range(5)]
        assert codes == [200, 200, 200, 200, 429]
        r = c.post("/api/papers/2611.00107/upvote", headers={"Authorization": f"Bearer {new}"})
        assert r.status_code == 200  # a new account gets 4 // 4 = 1 vote per minute
        r = c.post("/api/papers/2611.00106/upvote", headers={"Authorization": f"Bearer {new}"})
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1 and "per account" in r.json()["error"]


def test_fifty_threads_one_user_one_vote_and_fifty_users_fifty_votes(db):
    pid = add_paper(db, "2611.00020")
    one = make_user(db, "solo")
    people = [make_user(db, f"u{i:02d}") for i in range(50)]
    barrier = threading.Barrier(50)

    def vote(user):
        barrier.wait()
        with db.write() as conn:
            return vote_store.add_vote(conn, user["id"], pid)

    with ThreadPoolExecutor(50) as pool:
        assert sum(pool.map(vote, [one] * 50)) == 1
    assert _counts(db, pid) == (1, 1)
    with ThreadPoolExecutor(50) as pool:
        assert sum(pool.map(vote, people)) == 50
    assert _counts(db, pid) == (51, 51)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(settings, db):
    import uvicorn

    from dailypapers.web.app import create_app

    app = create_app(settings.replace(rate_vote="1000/minute"), db=db)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not server.started:
        assert time.time() < deadline, "server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.mark.slow
def test_concurrent_http_upvotes_on_a_real_server(live_server, db):
    pid = add_paper(db, "2611.00030")
    solo = _token(db, make_user(db, "solo"))
    tokens = [_token(db, make_user(db, f"v{i:02d}")) for i in range(50)]
    barrier = threading.Barrier(50)

    def post(token):
        barrier.wait()
        with httpx.Client(timeout=60) as c:
            r = c.post(f"{live_server}/api/papers/2611.00030/upvote", headers={"Authorization": f"Bearer {token}"})
            return r.status_code, r.text

    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(post, [solo] * 50))
    assert all(code == 200 for code, _ in results), [r for r in results if r[0] != 200][:3]
    assert _counts(db, pid) == (1, 1)
    with ThreadPoolExecutor(50) as pool:
        results = list(pool.map(post, tokens))
    assert all(code == 200 for code, _ in results), [r for r in results if r[0] != 200][:3]
    assert not any("locked" in text for _, text in results)
    assert _counts(db, pid) == (51, 51)
