# ruff: noqa: F811  (pytest fixtures imported from tests.community_support are parameters here)
"""Personal library over HTTP on both backends: save / remove / tags / note / "not interested" (plain forms and
the token API), /library with tag filter and sort, BibTeX and CSL-JSON export, and import of Zotero-like exports
built from real shared papers plus entries that do not match."""

from __future__ import annotations

import json

import pytest

from dailypapers.community import accounts
from dailypapers.library.export import to_bibtex
from tests import recs_support
from tests.community_support import app, client, csrf_from, login, make_client, make_user  # noqa: F401


@pytest.fixture
def event(db, tmp_path):
    return recs_support.seed_event(db, tmp_path)


@pytest.fixture
def reader(db, client, event):
    user = make_user(db, "reader")
    login(client, "reader")
    return user


def _save(client, arxiv_id: str, action: str = "save", next_url: str = ""):
    page = client.get(f"/papers/{arxiv_id}")
    return client.post(f"/library/papers/{arxiv_id}/save",
                       data={"action": action, "csrf_token": csrf_from(page.text), "next": next_url},
                       follow_redirects=False)


def test_save_without_javascript_redirects_back_to_the_card(client, reader, event):
    aid = event["library"][0]
    response = _save(client, aid, next_url="/papers/date/2025-01-01")
    assert response.status_code == 303
    assert response.headers["location"] == f"/papers/date/2025-01-01#paper-{aid}"
    page = client.get(f"/papers/{aid}").text
    assert 'aria-pressed="true">Saved<' in page
    assert aid in client.get("/library").text
    assert _save(client, aid, action="remove").status_code == 303
    assert aid not in client.get("/library").text


def test_save_needs_login_and_csrf(client, db, event):
    aid = event["library"][0]
    assert client.post(f"/library/papers/{aid}/save", data={"action": "save"},
                       follow_redirects=False).headers["location"].startswith("/login")
    make_user(db, "reader")
    login(client, "reader")
    assert client.post(f"/library/papers/{aid}/save", data={"action": "save"}).status_code == 403


def test_unknown_paper_and_bad_action_are_clear_errors(client, reader, event):
    aid = event["library"][0]
    token = csrf_from(client.get(f"/papers/{aid}").text)
    r = client.post("/library/papers/2101.99999/save", data={"action": "save", "csrf_token": token})
    assert r.status_code == 404 and "2101.99999" in r.text
    r = client.post(f"/library/papers/{aid}/save", data={"action": "frobnicate", "csrf_token": token})
    assert r.status_code == 400 and "action" in r.text


def test_tags_note_filter_and_sort(client, reader, event):
    first, second = event["library"][:2]
    _save(client, first)
    _save(client, second)
    token = csrf_from(client.get("/library").text)
    r = client.post(f"/library/papers/{first}/edit", data={"tags": "Diffusion, video ,diffusion", "note": "read §3",
                                                           "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get("/library?tag=diffusion").text
    assert first in page and second not in page and "read §3" in page
    assert "video (1)" in page
    saved_order = client.get("/library?sort=saved").text
    assert saved_order.index(second) < saved_order.index(first)  # newest saved first
    published = client.get("/library?sort=published").text
    later = max((first, second), key=lambda a: recs_support.paper(a)["publishedAt"])
    assert published.index(later) < published.index(min({first, second} - {later}))
    r = client.post(f"/library/papers/{first}/edit", data={"tags": "x" * 65, "csrf_token": token})
    assert r.status_code == 422 and "tags" in r.text
    assert client.get("/library?sort=votes").status_code == 422


def test_not_interested_hides_from_the_readers_lists_only(client, reader, event, make_client):
    aid = event["library"][0]
    day = recs_support.listed_day(aid)
    assert f'id="paper-{aid}"' in client.get(f"/papers/date/{day}").text
    _save(client, aid)
    token = csrf_from(client.get("/library").text)
    r = client.post(f"/library/papers/{aid}/not-interested", data={"action": "add", "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303
    assert aid not in client.get("/library").text  # one cannot both want and not want a paper
    assert f'id="paper-{aid}"' not in client.get(f"/papers/date/{day}").text
    assert f'id="paper-{aid}"' in make_client().get(f"/papers/date/{day}").text  # other readers still see it
    client.post(f"/library/papers/{aid}/not-interested", data={"action": "undo", "csrf_token": token})
    assert f'id="paper-{aid}"' in client.get(f"/papers/date/{day}").text


def _token(db, user) -> dict:
    return {"Authorization": f"Bearer {accounts.create_api_token(db, user['id'], 'lib')}"}


def test_api_list_add_tag_remove_with_a_token(db, make_client, event):
    user = make_user(db, "apiuser")
    api = make_client()
    headers = _token(db, user)
    aid, other = event["library"][:2]
    assert api.get("/api/library").status_code == 401
    r = api.post("/api/library", json={"arxivId": f"https://arxiv.org/abs/{aid}v2", "tags": ["a", "b"],
                                       "note": "n"}, headers=headers)
    assert r.status_code == 200 and r.json()["created"] is True
    assert api.post("/api/library", json={"arxivId": aid}, headers=headers).json()["created"] is False
    api.post("/api/library", json={"arxivId": other}, headers=headers)
    r = api.put(f"/api/library/{other}", json={"tags": "c"}, headers=headers)
    assert r.status_code == 200
    listed = api.get("/api/library", headers=headers).json()
    assert [p["arxivId"] for p in listed["papers"]] == [other, aid]
    assert listed["papers"][1]["tags"] == ["a", "b"] and listed["papers"][1]["note"] == "n"
    assert listed["tags"] == {"a": 1, "b": 1, "c": 1}
    assert [p["arxivId"] for p in api.get("/api/library?tag=c", headers=headers).json()["papers"]] == [other]
    assert api.delete(f"/api/library/{aid}", headers=headers).json()["removed"] is True
    assert [p["arxivId"] for p in api.get("/api/library", headers=headers).json()["papers"]] == [other]


def test_api_rejects_bad_input_naming_the_field(db, make_client, event):
    user = make_user(db, "apiuser")
    api = make_client()
    headers = _token(db, user)
    r = api.post("/api/library", json={"arxivId": event["library"][0], "tags": [1]}, headers=headers)
    assert r.status_code == 422 and "tags" in r.json()["error"]
    r = api.post("/api/library", json={"arxivId": "not an id"}, headers=headers)
    assert r.status_code == 404 and "arxiv_id" in r.json()["error"]
    r = api.put(f"/api/library/{event['library'][0]}", json={"tags": ["x"]}, headers=headers)
    assert r.status_code == 404 and "not in your library" in r.json()["error"]
    r = api.post("/api/library", content=b"{", headers={**headers, "content-type": "application/json"})
    assert r.status_code == 400


def _zotero_bibtex(ids: list[str]) -> str:
    """What Zotero's "Export Collection… → BibTeX" writes for arXiv preprints, plus entries of other shapes."""
    entries = []
    for n, aid in enumerate(ids):
        p = recs_support.paper(aid)
        if n == 0:  # matched by DOI only (Zotero's arXiv DOI)
            entries.append(f"@misc{{k{n},\n\ttitle = {{Something else}},\n\tdoi = {{10.48550/arXiv.{aid}}},\n}}")
        elif n == 1:  # matched by the exact title only, with BibTeX's protective braces
            title = p["title"].replace(" ", "  ", 1)
            entries.append(f"@article{{k{n},\n\ttitle = {{{{{title}}}}},\n\tjournal = {{Some Journal}},\n}}")
        else:
            entries.append(f"@misc{{k{n},\n\ttitle = {{{p['title']}}},\n\turl = {{http://arxiv.org/abs/{aid}v1}},\n"
                           f"\tnote = {{arXiv:{aid} [cs.CV]}},\n\tpublisher = {{arXiv}},\n\tyear = {{2025}},\n}}")
    entries.append("@misc{missing,\n\ttitle = {A paper this hub never saw},\n\teprint = {2101.99999},\n"
                   "\tarchivePrefix = {arXiv},\n}")
    entries.append("@book{nobody,\n\ttitle = {The Art of Computer Programming},\n\tauthor = {Knuth, Donald},\n}")
    entries.append("@misc{empty,\n\tauthor = {Nobody},\n}")
    return "\n\n".join(entries) + "\n"


def test_import_zotero_bibtex_reports_unmatched_entries(client, reader, event):
    ids = event["library"]
    token = csrf_from(client.get("/library/import").text)
    r = client.post("/library/import", data={"csrf_token": token},
                    files={"file": ("My Library.bib", _zotero_bibtex(ids).encode(), "application/x-bibtex")})
    assert r.status_code == 200, r.text
    status = r.text[r.text.index('role="status"'):]
    assert f"BibTeX: {len(ids)} saved, 0 already in your library, 3 not matched" in " ".join(status.split())
    assert "arXiv:2101.99999 is not in this hub yet" in r.text
    assert "nobody" in r.text and "no paper in this hub has this DOI or exact title" in r.text
    assert "no arXiv id, DOI or title in the entry" in r.text
    library = client.get("/library").text
    assert all(a in library for a in ids)


def test_import_csl_json_ris_and_id_lists_through_the_api(db, make_client, event):
    user = make_user(db, "apiuser")
    api = make_client()
    headers = _token(db, user)
    a, b, c, d = event["library"][:4]
    csl = json.dumps([
        {"id": "x1", "type": "article", "title": recs_support.paper(a)["title"].upper(), "publisher": "arXiv"},
        {"id": "x2", "type": "article", "title": "Unrelated", "number": f"arXiv:{b}", "URL": f"https://arxiv.org/abs/{b}"},
        {"id": "x3", "type": "book", "title": "No such book", "DOI": "10.1000/182"},
    ])
    r = api.post("/api/library/import", content=csl.encode(), headers=headers)
    assert r.status_code == 200
    body = r.json()
    assert body["format"] == "CSL-JSON" and sorted(body["saved"]) == sorted([a, b])
    assert body["unmatched"] == [{"entry": "x3", "reason": "no paper in this hub has this DOI or exact title"}]
    ris = f"TY  - JOUR\nTI  - Whatever\nUR  - https://arxiv.org/pdf/{c}v2\nER  - \n"
    assert api.post("/api/library/import", content=ris.encode(), headers=headers).json()["saved"] == [c]
    ids = f"# my list\narXiv:{d}\nhttps://huggingface.co/papers/{a}\nnonsense\n"
    body = api.post("/api/library/import", content=ids.encode(), headers=headers).json()
    assert body["saved"] == [d] and body["alreadySaved"] == [a]
    assert body["unmatched"][0]["entry"] == "nonsense"
    r = api.post("/api/library/import", content=b"[1, 2", headers=headers)
    assert r.status_code == 422 and "CSL-JSON" in r.json()["error"]


def test_export_bibtex_and_csl_json_import_back(client, reader, db, make_client, event):
    ids = event["library"]
    for aid in ids:
        _save(client, aid)
    token = csrf_from(client.get("/library").text)
    client.post(f"/library/papers/{ids[0]}/edit", data={"tags": "gen_ai & co", "note": "{braces} 100%",
                                                        "csrf_token": token})
    bib = client.get("/library/export.bib")
    assert bib.status_code == 200 and bib.text.count("@misc{") == len(ids)
    assert r"gen\_ai \& co" in bib.text and r"\{braces\} 100\%" in bib.text
    csl = client.get("/library/export.json").json()
    assert sorted(item["number"] for item in csl) == sorted(f"arXiv:{a}" for a in ids)
    assert client.get("/library/export.json?tag=gen_ai%20%26%20co").json()[0]["note"] == "{braces} 100%"
    other = make_user(db, "other")
    api = make_client()
    headers = _token(db, other)
    for payload in (bib.text, json.dumps(csl)):
        body = api.post("/api/library/import", content=payload.encode(), headers=headers).json()
        assert sorted(body["saved"] + body["alreadySaved"]) == sorted(ids) and body["unmatched"] == []


def test_bibtex_export_escapes_titles():
    row = {"arxiv_id": "2501.00001", "title": "50% of {x}_y", "authors": ["A B"], "published_at": None}
    assert r"title = {50\% of \{x\}\_y}" in to_bibtex([row])
