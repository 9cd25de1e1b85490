"""The search page over the search feature: highlights, filters, pagination, the feed link, bad input."""

import html

import pytest


@pytest.fixture
def client(seeded_client):
    return seeded_client


def test_empty_search_page_is_a_form(client):
    r = client.get("/search")
    assert r.status_code == 200 and 'name="q"' in r.text and "result" not in r.text


def test_results_are_highlighted_and_escaped(client):
    r = client.get("/search", params={"q": "top paper", "mode": "keyword"})
    assert r.status_code == 200
    assert 'id="paper-2501.00012"' in r.text
    assert "<mark>" in r.text
    assert "<b>" not in r.text.split("<main", 1)[1]  # the paper's own markup is escaped, only <mark> survives
    assert '<link rel="alternate" type="application/atom+xml"' in r.text and "/search.atom?q=top+paper" in r.text


def test_filters_and_pagination(client, monkeypatch):
    r = client.get("/search", params={"q": "paper", "mode": "keyword", "category": "cs.CV"})
    ids = {i for i in ("2501.00011", "2502.00015", "2501.00012") if f'id="paper-{i}"' in r.text}
    assert ids == {"2501.00011", "2502.00015"}
    monkeypatch.setattr("dailypapers.web.routes.search_page.PER_PAGE", 2)
    first = client.get("/search", params={"q": "paper", "mode": "keyword"})
    assert "Page 1" in first.text and "page=2" in first.text
    second = client.get("/search", params={"q": "paper", "mode": "keyword", "page": 2})
    assert second.status_code == 200 and "Page 2" in second.text


@pytest.mark.parametrize(("params", "name"), [
    ({"q": "x", "mode": "psychic"}, "mode"), ({"q": "x", "sort": "random"}, "sort"),
    ({"q": "x", "since": "2025-02-31"}, "since"), ({"q": "x", "since": "2025-02-01", "until": "2025-01-01"}, "since"),
    ({"q": "x", "page": "0"}, "page"),
])
def test_bad_search_parameters(client, params, name):
    r = client.get("/search", params=params)
    assert r.status_code in (400, 422)
    if name == "page":
        assert f"'{name}'" in html.unescape(r.text)
    else:  # a bad filter keeps the query and is explained beside its field
        assert f'id="err-{name}"' in r.text and 'name="q" value="x"' in r.text


def test_query_syntax_errors_never_break_the_page(client):
    for q in ['"unclosed', "AND OR NOT", "title:", "((", "*", "-", "' OR 1=1 --", "🙂" * 50]:
        r = client.get("/search", params={"q": q, "mode": "keyword"})
        assert r.status_code == 200, q
