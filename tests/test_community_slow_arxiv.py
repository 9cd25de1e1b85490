"""Submissions while arXiv hangs (issue 11, item 11): forty of them must not stall the site. A real uvicorn server,
configured as `serve` runs it, submits unknown papers whose look-ups go to a local arXiv that never answers in
time; every submission is answered quickly as pending, and /healthz and pages keep answering meanwhile. (Before,
each submission held a worker thread until its look-up gave up, 15 s here: the forty took the whole thread pool.)"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import httpx
import pytest

from dailypapers.community import accounts
from dailypapers.store import daily as daily_store
from dailypapers.store import submissions as sub_store
from dailypapers.web.app import create_app
from tests.arxiv_replay import ANY, ReplayServer, Reply, api_reply
from tests.community_support import add_paper, make_user
from tests.webserver import running

BURST = 40


@pytest.fixture
def hanging_arxiv():
    server = ReplayServer().start()
    server.add("/api/query", Reply(200, "", delay_s=30), id_list=ANY)  # holds every look-up past its timeout
    yield server
    server.stop()


def test_forty_submissions_while_arxiv_hangs_do_not_stall_the_site(settings, db, hanging_arxiv):
    settings = settings.replace(arxiv_api_url=hanging_arxiv.url + "/api/query", arxiv_timeout_s=15.0,
                                arxiv_max_retries=0, submission_lookup_wait_s=1.0, rate_submit="1000/hour",
                                submissions_per_day=1000)
    add_paper(db, "2611.00001")
    token = accounts.create_api_token(db, make_user(db, "ada")["id"], "t")
    auth = {"Authorization": f"Bearer {token}"}
    answers: list[tuple[int, dict, float]] = []

    def submit(i: int) -> None:
        start = time.monotonic()
        r = httpx.post(base + "/api/papers/submit", json={"paper_id": f"2611.{10000 + i}"}, headers=auth,
                       timeout=60)
        answers.append((r.status_code, r.json(), time.monotonic() - start))

    with running(create_app(settings, db=db), settings) as base:
        threads = [threading.Thread(target=submit, args=(i,)) for i in range(BURST)]
        for t in threads:
            t.start()
        time.sleep(0.3)  # the burst is in: the look-ups hang on arXiv
        for path in ("/healthz", "/", "/papers/2611.00001", "/api/daily_papers"):
            start = time.monotonic()
            r = httpx.get(base + path, timeout=10)
            assert r.status_code == 200 and time.monotonic() - start < 5, (path, time.monotonic() - start)
        for t in threads:
            t.join(30)
    assert len(answers) == BURST
    for status, body, seconds in answers:
        assert status == 202 and body["pending"] is True, (status, body)
        assert body["detail"].startswith("arXiv is unreachable") and "rule" not in body["detail"]
        assert seconds < 10, seconds  # waited the short deadline (plus a busy machine), not on arXiv


def test_a_pending_submission_is_added_when_arxiv_answers(settings, db, shared_dir):
    arxiv = ReplayServer().start()
    reply = api_reply(shared_dir / "fixtures" / "arxiv", "id_2104.12255v1")
    reply.delay_s = 2.0  # slower than the submission waits
    arxiv.add("/api/query", reply, id_list="2104.12255")
    settings = settings.replace(arxiv_api_url=arxiv.url + "/api/query", arxiv_max_retries=0, arxiv_timeout_s=20.0,
                                submission_lookup_wait_s=0.2, submission_max_age_days=100_000)
    user = make_user(db, "ada")
    token = accounts.create_api_token(db, user["id"], "t")
    try:
        with running(create_app(settings, db=db), settings) as base:
            r = httpx.post(base + "/api/papers/submit", json={"paper_id": "2104.12255"},
                           headers={"Authorization": f"Bearer {token}"}, timeout=30)
            assert r.status_code == 202 and r.json()["arxivId"] == "2104.12255"
            deadline = time.monotonic() + 20
            entry = None
            while entry is None and time.monotonic() < deadline:
                time.sleep(0.2)
                with db.connect() as conn:
                    paper = sub_store.paper_by_arxiv_id(conn, "2104.12255")
                    entry = paper and daily_store.daily_entry_for(conn, paper["id"])
    finally:
        arxiv.stop()
    assert entry is not None, "the pending submission was never added"
    assert entry["day"] == datetime.now(UTC).date() and entry["user_id"] == user["id"]


def test_the_submit_form_says_a_submission_is_pending(settings, db, hanging_arxiv):
    from fastapi.testclient import TestClient

    from tests.community_support import form_csrf, login

    settings = settings.replace(arxiv_api_url=hanging_arxiv.url + "/api/query", arxiv_timeout_s=3.0,
                                arxiv_max_retries=0, submission_lookup_wait_s=0.5)
    make_user(db, "ada")
    with TestClient(create_app(settings, db=db)) as client:
        login(client, "ada")
        r = client.post("/submit", data={"paper_id": "2611.09999", "csrf_token": form_csrf(client, "/submit")})
    assert r.status_code == 202 and "arXiv is unreachable right now" in r.text and "rule:" not in r.text
