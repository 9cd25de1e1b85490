"""Two real `serve` processes on one database: a login on one works on the other, and a vote or a comment made
through one shows on the other's next answer although both keep a page cache."""

from __future__ import annotations

import httpx
import pytest
import sqlalchemy as sa

from dailypapers.store.schema import comments, papers, votes
from tests.community_support import PASSWORD, add_paper, csrf_from, make_user
from tests.processes import cli_env, start_serve


@pytest.mark.slow
def test_a_login_and_the_page_caches_work_across_two_processes(db, database_url, tmp_path):
    add_paper(db, "2611.00001")
    make_user(db, "alice")
    env = cli_env(database_url, jobs_in_serve="false", base_url="http://127.0.0.1")
    a, b = (start_serve(env, log_path=tmp_path / f"serve{i}.log") for i in range(2))
    try:
        with httpx.Client(timeout=30, follow_redirects=True) as web:  # one cookie jar: 127.0.0.1, either port
            login_page = web.get(a.url + "/login")
            r = web.post(a.url + "/login", data={"identifier": "alice", "password": PASSWORD, "next": "/",
                                                 "csrf_token": csrf_from(login_page.text)})
            assert r.status_code in (200, 303) and "dp_session" in web.cookies

            api = "/api/papers/2611.00001"
            for _ in range(2):  # the second answer comes from b's page cache
                assert web.get(b.url + api).json()["upvotes"] == 0
            assert web.get(a.url + api).json()["upvotes"] == 0

            account = web.get(b.url + "/account")  # the session made on a, used on b
            assert account.status_code == 200 and "alice" in account.text
            vote = web.post(b.url + api + "/upvote", headers={"X-CSRF-Token": csrf_from(account.text)})
            assert vote.status_code == 200 and vote.json()["voteCount"] == 1
            assert web.get(a.url + api).json()["upvotes"] == 1  # a's cached answer was dropped

            page = web.get(a.url + "/papers/2611.00001/comments")
            posted = web.post(a.url + "/papers/2611.00001/comments",
                              data={"body": "Seen from both processes", "csrf_token": csrf_from(page.text)})
            assert posted.status_code == 200 and "Seen from both processes" in posted.text
            assert web.get(b.url + api).json()["numComments"] == 1
            assert "Seen from both processes" in web.get(b.url + "/papers/2611.00001/comments").text

            web.post(a.url + "/logout", data={"csrf_token": csrf_from(web.get(a.url + "/account").text)})
            assert web.get(b.url + "/account", follow_redirects=False).status_code in (302, 303)  # ended everywhere
    finally:
        a.stop()
        b.stop()
    with db.connect() as conn:
        row = conn.execute(sa.select(papers.c.vote_count, papers.c.comment_count)
                           .where(papers.c.arxiv_id == "2611.00001")).one()
        assert row.vote_count == conn.execute(sa.select(sa.func.count()).select_from(votes)).scalar_one() == 1
        assert row.comment_count == conn.execute(sa.select(sa.func.count()).select_from(comments)).scalar_one() == 1
