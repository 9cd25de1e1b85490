# ruff: noqa: F811  (pytest fixtures imported from tests.community_support are parameters here)
"""Reading lists over HTTP on both backends: the three visibilities, several owners, ordered papers with notes,
page, Atom feed and JSON, "add to list", and moderators hiding a public list (logged)."""

from __future__ import annotations

import re

import feedparser
import pytest

from tests import recs_support
from tests.community_support import app, client, csrf_from, login, make_client, make_user  # noqa: F401


@pytest.fixture
def event(db, tmp_path):
    return recs_support.seed_event(db, tmp_path)


@pytest.fixture
def owner(db, client, event):
    make_user(db, "owner")
    login(client, "owner")
    return client


def _create(client, name="Group reading", visibility="private", description="Our picks") -> int:
    token = csrf_from(client.get("/lists").text)
    r = client.post("/lists", data={"name": name, "description": description, "visibility": visibility,
                                    "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return int(re.search(r"/lists/(\d+)$", r.headers["location"]).group(1))


def _add(client, list_id: int, arxiv_id: str, note: str = ""):
    token = csrf_from(client.get("/lists").text)
    return client.post("/lists/add", data={"list_id": str(list_id), "arxiv_id": arxiv_id, "note": note,
                                           "csrf_token": token}, follow_redirects=False)


def test_private_list_with_two_owners_ordered_papers_and_notes(owner, db, make_client, event):
    list_id = _create(owner)
    a, b, c = event["library"][:3]
    assert _add(owner, list_id, a, "start here").status_code == 303
    _add(owner, list_id, b)
    _add(owner, list_id, c, "then this")
    token = csrf_from(owner.get(f"/lists/{list_id}").text)
    owner.post(f"/lists/{list_id}/items/{c}/move", data={"direction": "up", "csrf_token": token})
    owner.post(f"/lists/{list_id}/items/{b}/move", data={"direction": "remove", "csrf_token": token})
    data = owner.get(f"/api/lists/{list_id}").json()
    assert [(p["arxivId"], p["position"], p["note"]) for p in data["papers"]] == [(a, 1, "start here"),
                                                                                  (c, 2, "then this")]
    assert data["visibility"] == "private" and data["owners"] == ["owner"]
    stranger = make_client()
    assert stranger.get(f"/lists/{list_id}").status_code == 404
    assert stranger.get(f"/api/lists/{list_id}").status_code == 404
    make_user(db, "friend")
    login(stranger, "friend")
    assert stranger.get(f"/lists/{list_id}").status_code == 404
    owner.post(f"/lists/{list_id}/owners", data={"username": "friend", "csrf_token": token})
    assert _add(stranger, list_id, b, "friend's pick").status_code == 303
    assert [p["arxivId"] for p in stranger.get(f"/api/lists/{list_id}").json()["papers"]] == [a, c, b]
    assert "friend" in owner.get(f"/api/lists/{list_id}").json()["owners"]


def test_unlisted_list_needs_its_link(owner, make_client, event):
    list_id = _create(owner, visibility="unlisted")
    _add(owner, list_id, event["library"][0])
    key = owner.get(f"/api/lists/{list_id}").json() and re.search(r"key=([\w-]+)", owner.get(f"/lists/{list_id}").text)
    anon = make_client()
    assert anon.get(f"/lists/{list_id}").status_code == 404
    assert anon.get(f"/lists/{list_id}?key=wrong").status_code == 404
    assert anon.get(f"/lists/{list_id}?key={key.group(1)}").status_code == 200
    assert anon.get(f"/api/lists/{list_id}?key={key.group(1)}").json()["papers"][0]["arxivId"] == event["library"][0]
    assert f"/lists/{list_id}" not in anon.get("/lists").text  # not listed


def test_public_list_page_feed_json_and_moderator_hide(owner, db, make_client, event):
    list_id = _create(owner, name="Best of <July>", visibility="public")
    for aid in event["library"][:3]:
        _add(owner, list_id, aid, f"note {aid}")
    anon = make_client()
    assert f"/lists/{list_id}" in anon.get("/lists").text
    page = anon.get(f"/lists/{list_id}").text
    assert "Best of &lt;July&gt;" in page and f"/lists/{list_id}.atom" in page
    feed = feedparser.parse(anon.get(f"/lists/{list_id}.atom").content)
    assert not feed.bozo and feed.feed.title == "Best of <July>"
    assert [e.id for e in feed.entries] == [f"https://arxiv.org/abs/{a}" for a in event["library"][:3]]
    assert anon.get(f"/api/lists/{list_id}").json()["papers"][2]["note"] == f"note {event['library'][2]}"

    make_user(db, "mod", role="moderator")
    mod = make_client()
    login(mod, "mod")
    token = csrf_from(mod.get(f"/lists/{list_id}").text)
    r = mod.post(f"/moderation/lists/{list_id}/hide", data={"hidden": "1", "reason": "spam", "csrf_token": token},
                 follow_redirects=False)
    assert r.status_code == 303
    assert anon.get(f"/lists/{list_id}").status_code == 404
    assert anon.get(f"/lists/{list_id}.atom").status_code == 404
    assert f"/lists/{list_id}" not in anon.get("/lists").text
    log = anon.get("/moderation").text
    assert "hide_list" in log and "spam" in log
    assert owner.get(f"/lists/{list_id}").status_code == 200  # its owners still see it
    token = csrf_from(owner.get(f"/lists/{list_id}").text)
    r = owner.post(f"/moderation/lists/{list_id}/hide", data={"hidden": "0", "csrf_token": token},
                   follow_redirects=False)
    assert r.status_code in (303, 403) and anon.get(f"/lists/{list_id}").status_code == 404


def test_bad_input_names_the_field(owner, db, make_client, event):
    token = csrf_from(owner.get("/lists").text)
    r = owner.post("/lists", data={"name": "  ", "csrf_token": token})
    assert r.status_code == 422 and "name" in r.text
    r = owner.post("/lists", data={"name": "x", "visibility": "secret", "csrf_token": token})
    assert r.status_code == 422 and "visibility" in r.text
    list_id = _create(owner)
    assert _add(owner, list_id, "2101.99999").status_code == 404
    r = owner.post("/lists/add", data={"list_id": "abc", "arxiv_id": event["library"][0], "csrf_token": token})
    assert r.status_code == 422 and "list_id" in r.text
    make_user(db, "other")
    other = make_client()
    login(other, "other")
    assert _add(other, list_id, event["library"][0]).status_code == 404  # not their list
    r = owner.post(f"/lists/{list_id}/owners", data={"username": "ghost", "csrf_token": token})
    assert r.status_code == 422 and "username" in r.text


def test_ids_too_large_for_the_database_are_404(owner, event):
    huge = "9" * 25
    for path in (f"/lists/{huge}", f"/lists/{huge}.atom", f"/api/lists/{huge}"):
        assert owner.get(path).status_code == 404, path
    assert _add(owner, int(huge), event["library"][0]).status_code == 404
