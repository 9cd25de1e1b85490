# ruff: noqa: F811  (pytest fixtures imported from tests.community_support are parameters here)
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from dailypapers.community import accounts
from dailypapers.community.submissions import SubmissionRefused, submit
from dailypapers.store import daily as daily_store
from dailypapers.store.schema import daily_entries
from tests.community_support import add_paper, app, client, form_csrf, login, make_user  # noqa: F401


def _h(db, user):
    return {"Authorization": f"Bearer {accounts.create_api_token(db, user['id'], 't')}"}


@pytest.mark.parametrize("spelling", ["2611.00050", "2611.00050v2", "arXiv:2611.00050",
                                      "https://arxiv.org/abs/2611.00050v1", "https://arxiv.org/pdf/2611.00050.pdf"])
def test_submit_by_id_or_url_puts_paper_on_todays_list(client, db, spelling):
    pid = add_paper(db, "2611.00050")
    user = make_user(db, "sam")
    r = client.post("/api/papers/submit", json={"paper_id": spelling, "comment": "worth it"}, headers=_h(db, user))
    assert r.status_code == 201, r.text
    today = datetime.now(UTC).date()
    assert r.json() == {"arxivId": "2611.00050", "day": today.isoformat(), "title": "A fresh paper"}
    with db.connect() as conn:
        entry = daily_store.daily_entry_for(conn, pid)
    assert entry["day"] == today and entry["source"] == "submission" and entry["user_id"] == user["id"]
    assert entry["submitter_username"] == "sam" and entry["comment"] == "worth it"


def _refusal(db, settings, user, text):
    with pytest.raises(SubmissionRefused) as exc:
        submit(db, settings, user, text)
    return exc.value


def test_each_rule_names_itself(db, settings):
    user = make_user(db, "tia")
    add_paper(db, "2611.00051", age_days=15)
    add_paper(db, "2611.00052", age_days=2)
    assert _refusal(db, settings, user, "not an id").rule == "paper_id"
    old = _refusal(db, settings, user, "2611.00051")
    assert old.rule == "max_age" and "14 days" in old.message
    offline = settings.replace(arxiv_api_url="http://127.0.0.1:9/api/query", arxiv_max_retries=0)
    unreachable = _refusal(db, offline, user, "2611.09999")  # not in the hub, arXiv unreachable
    assert unreachable.rule == "metadata" and "try again later" in unreachable.message
    submit(db, settings, user, "2611.00052")
    listed = _refusal(db, settings, make_user(db, "uma"), "2611.00052")
    assert listed.rule == "already_listed" and datetime.now(UTC).date().isoformat() in listed.message
    relaxed = settings.replace(submission_max_age_days=30)
    assert submit(db, relaxed, user, "2611.00051").arxiv_id == "2611.00051"  # the age rule is configurable


def test_submissions_per_day_limit(db, settings):
    user = make_user(db, "vic")
    for i in range(3):
        add_paper(db, f"2611.0006{i}")
    strict = settings.replace(submissions_per_day=2)
    submit(db, strict, user, "2611.00060")
    submit(db, strict, user, "2611.00061")
    refusal = _refusal(db, strict, user, "2611.00062")
    assert refusal.rule == "per_day" and "limit is 2" in refusal.message


def test_hidden_papers_cannot_be_submitted(db, settings):
    pid = add_paper(db, "2611.00070")
    with db.write() as conn:
        conn.exec_driver_sql(f"UPDATE papers SET hidden = true WHERE id = {pid}")
    assert _refusal(db, settings, make_user(db, "wes"), "2611.00070").rule == "hidden"


def test_api_refusal_says_the_rule(client, db):
    add_paper(db, "2611.00080", age_days=40)
    r = client.post("/api/papers/submit", json={"paper_id": "2611.00080"}, headers=_h(db, make_user(db, "xia")))
    assert r.status_code == 422 and r.json()["rule"] == "max_age"
    assert client.post("/api/papers/submit", json={"paper_id": "2611.00080"}).status_code == 401


def test_submit_form_flow(client, db):
    add_paper(db, "2611.00090")
    make_user(db, "yan")
    assert client.get("/submit", follow_redirects=False).status_code == 303  # log in first
    login(client, "yan")
    r = client.post("/submit", data={"paper_id": "https://arxiv.org/abs/2611.00090", "csrf_token": form_csrf(client)},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("#paper-2611.00090")
    r = client.post("/submit", data={"paper_id": "2611.00090", "csrf_token": form_csrf(client)})
    assert r.status_code == 422 and "already on the daily list" in r.text and "already_listed" in r.text
    assert client.post("/submit", data={"paper_id": "2611.00090"}).status_code == 403


def test_concurrent_submissions_of_one_paper_list_it_once(db, settings):
    import threading
    from concurrent.futures import ThreadPoolExecutor

    add_paper(db, "2611.00095")
    people = [make_user(db, f"p{i}") for i in range(8)]
    barrier = threading.Barrier(len(people))

    def go(user):
        barrier.wait()
        try:
            submit(db, settings, user, "2611.00095")
            return "ok"
        except SubmissionRefused as exc:
            return exc.rule

    with ThreadPoolExecutor(len(people)) as pool:
        results = list(pool.map(go, people))
    assert results.count("ok") == 1 and results.count("already_listed") == len(people) - 1
    with db.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(daily_entries)).scalar() == 1


def test_a_rate_limited_submission_keeps_the_form(db, settings):
    """Issue 13: a submission refused by the rate limit re-shows the form with what was typed and when to retry."""
    from fastapi.testclient import TestClient

    from dailypapers.web.app import create_app

    add_paper(db, "2611.00091")
    add_paper(db, "2611.00092")
    make_user(db, "zoe", created_at=datetime(2020, 1, 1))  # not a new account: the limit below applies as written
    with TestClient(create_app(settings.replace(rate_submit="1/hour"), db=db)) as client:
        login(client, "zoe")
        r = client.post("/submit", data={"paper_id": "2611.00091", "csrf_token": form_csrf(client)},
                        follow_redirects=False)
        assert r.status_code == 303
        r = client.post("/submit", data={"paper_id": "2611.00092", "comment": "a keeper",
                                         "csrf_token": form_csrf(client)})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert 'value="2611.00092"' in r.text and ">a keeper</textarea>" in r.text
    assert "you can submit again in" in r.text and "<form" in r.text
