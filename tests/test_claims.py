# ruff: noqa: F811  (fixtures imported from tests.community_support)
"""Claiming authorship over HTTP: a member claims a name on a paper, a moderator approves or rejects (logged), the
public profile `/u/{username}` shows claimed and submitted papers, the author page names the claimant."""

from __future__ import annotations

from dailypapers.community import submissions
from dailypapers.records import PaperRecord
from dailypapers.store.papers import upsert_papers
from tests.community_support import (  # noqa: F401  (fixtures)
    add_paper,
    app,
    client,
    form_csrf,
    login,
    make_client,
    make_user,
)

PAPER = "2611.00300"


def _paper(db) -> None:
    with db.write() as conn:
        upsert_papers(conn, [PaperRecord(PAPER, title="Claimable work", abstract="We propose claims.", version=1,
                                         authors=["José García", "Ada Lovelace"], categories=["cs.CL"])])


def _claim(client, name: str, paper: str = PAPER):
    token = form_csrf(client)
    return client.post(f"/papers/{paper}/claim", data={"author_name": name, "csrf_token": token},
                       follow_redirects=False)


def _decide(client, claim_id: int, decision: str, reason: str = "checked the affiliation"):
    token = form_csrf(client)
    return client.post(f"/moderation/claims/{claim_id}", data={"decision": decision, "reason": reason,
                                                               "csrf_token": token}, follow_redirects=False)


def test_claim_approve_and_profile(db, settings, client, make_client):
    _paper(db)
    jose = make_user(db, "jose")
    make_user(db, "mod", role="moderator")
    add_paper(db, "2611.00301", title="Submitted by jose")
    submissions.submit(db, settings, jose, "2611.00301")
    assert client.get(f"/papers/{PAPER}").text.count("Claim authorship") == 0  # anonymous: no form
    login(client, "jose")
    assert "Claim authorship" in client.get(f"/papers/{PAPER}").text
    r = _claim(client, "José García")
    assert r.status_code == 303 and r.headers["location"] == f"/papers/{PAPER}#claim"
    mine = client.get(f"/papers/{PAPER}").text
    assert "You claimed to be <strong>José García</strong> on this paper: pending" in mine
    assert _claim(client, "Ada Lovelace").status_code == 409  # one claim per paper and user
    assert client.get("/moderation/claims").status_code == 403  # members cannot decide
    public = client.get("/u/jose").text
    assert "No claimed papers yet." in public and "Submitted by jose" in public and "jose@example.org" not in public

    mod = make_client()
    login(mod, "mod")
    queue = mod.get("/moderation/claims").text
    assert "José García" in queue and "Claimable work" in queue
    claim_id = int(queue.split('id="claim-', 1)[1].split('"', 1)[0])
    assert _decide(mod, claim_id, "approve").status_code == 303
    log = mod.get("/moderation").text
    assert "approve_claim" in log and "jose as José García on arXiv:2611.00300" in log
    assert "checked the affiliation" in log
    assert _decide(mod, claim_id, "reject").status_code == 409  # already decided
    assert "Claimable work" in client.get("/u/jose").text.split("Papers they submitted")[0]
    assert 'href="/u/jose">@jose</a>' in client.get("/authors/Jose%20Garcia").text
    assert "on this paper: approved" in client.get(f"/papers/{PAPER}").text


def test_claim_refusals_and_rejection(db, client, make_client):
    _paper(db)
    make_user(db, "ada")
    make_user(db, "other")
    make_user(db, "admin", role="admin")
    r = client.post(f"/papers/{PAPER}/claim", data={"author_name": "Ada Lovelace"}, follow_redirects=False)
    assert r.status_code in (303, 403)  # not logged in (and no CSRF token): nothing is stored
    login(client, "ada")
    r = _claim(client, "Alan Turing")
    assert r.status_code == 422 and "author_name" in r.text
    assert _claim(client, "Ada Lovelace", paper="2699.99999").status_code == 404
    assert _claim(client, "Ada Lovelace").status_code == 303
    other = make_client()
    login(other, "other")
    assert _claim(other, "Ada Lovelace").status_code == 303  # two people may claim; a moderator decides
    admin = make_client()
    login(admin, "admin")
    queue = admin.get("/moderation/claims").text
    first, second = (int(part.split('"', 1)[0]) for part in queue.split('id="claim-')[1:3])
    assert _decide(admin, first, "approve").status_code == 303
    assert _decide(admin, second, "approve").status_code == 409  # that author is taken
    assert _decide(admin, second, "maybe").status_code == 400
    assert _decide(admin, second, "reject", "not the author").status_code == 303
    assert "reject_claim" in admin.get("/moderation").text
    assert "on this paper: rejected" in other.get(f"/papers/{PAPER}").text
    assert client.get("/u/nobody-here").status_code == 404
