"""Day, week and month pages, trending, the paper page and the error pages, in-process."""

import html
import re

import pytest

from tests.webdata import LATEST_DAY, set_counts


@pytest.fixture
def client(seeded_client):
    return seeded_client


def order(html: str, ids: list[str]) -> list[str]:
    return sorted(ids, key=lambda i: html.index(f'id="paper-{i}"'))


def test_day_page_sorts_navigates_and_advertises_its_feed(client):
    r = client.get("/papers/date/2025-01-08")
    assert r.status_code == 200
    assert order(r.text, ["2501.00011", "2501.00012"]) == ["2501.00012", "2501.00011"]  # most upvoted first
    assert "Top &lt;b&gt;paper&lt;/b&gt;" in r.text  # escaped
    assert 'rel="prev" href="/papers/date/2025-01-06"' in r.text
    assert 'rel="next" href="/papers/date/2025-01-10"' in r.text
    assert '<link rel="alternate" type="application/atom+xml"' in r.text
    assert "https://github.com/example/eleven" in r.text and "Sub 11" in r.text
    # A visitor's upvote button is a plain form to the login page, which leads back to the paper.
    assert 'action="/login"' in r.text and 'name="next" value="/papers/2501.00012"' in r.text
    assert "2501.00010" not in r.text


def test_home_shows_the_newest_day(client):
    r = client.get("/")
    assert r.status_code == 200 and "2502.00015" in r.text and "2501.00014" not in r.text


def test_week_and_month_pages(client):
    week = client.get("/papers/week/2025-W02")
    assert week.status_code == 200
    assert order(week.text, ["2501.00010", "2501.00011", "2501.00012", "2501.00013"]) == [
        "2501.00012", "2501.00011", "2501.00013", "2501.00010"]
    assert "2501.00014" not in week.text
    assert 'href="/papers/week/2025-W03"' in week.text
    month = client.get("/papers/month/2025-01")
    assert month.status_code == 200
    assert all(i in month.text for i in ["2501.00010", "2501.00014"]) and "2502.00015" not in month.text
    assert 'rel="next" href="/papers/month/2025-02"' in month.text


def test_sort_newest_and_category_filter(client):
    r = client.get("/papers/month/2025-01?sort=newest")
    assert order(r.text, ["2501.00010", "2501.00014"]) == ["2501.00014", "2501.00010"]
    r = client.get("/papers/month/2025-01?category=cs.CV")
    assert "2501.00011" in r.text and "2501.00012" not in r.text
    assert 'href="/feeds/category/cs.CV.atom"' in r.text


def test_community_votes_count_and_hidden_papers_disappear(client, db):
    set_counts(db, "2501.00011", vote_count=15)  # 9 imported + 15 community = 24 > 20
    r = client.get("/papers/date/2025-01-08")
    assert order(r.text, ["2501.00011", "2501.00012"]) == ["2501.00011", "2501.00012"]
    assert '<span class="count">24</span>' in r.text
    set_counts(db, "2501.00011", hidden=True)
    assert "2501.00011" not in client.get("/papers/date/2025-01-08").text
    assert client.get("/papers/2501.00011").status_code == 404


def test_pagination(client, monkeypatch):
    monkeypatch.setattr("dailypapers.web.routes.daily.PER_PAGE", 2)
    r = client.get("/papers/month/2025-01")
    assert "Page 1 of 3" in r.text and 'href="/papers/month/2025-01?page=2"' in r.text
    r3 = client.get("/papers/month/2025-01?page=3")
    assert "Page 3 of 3" in r3.text and "2501.00014" in r3.text and "2501.00010" not in r3.text


def test_trending_page_uses_the_ranking(client, db):
    r = client.get("/trending")
    assert r.status_code == 200
    assert '<link rel="alternate" type="application/atom+xml"' in r.text and "/feeds/trending.atom" in r.text
    # Window: 14 days up to the newest listed day (2025-02-03) holds only 2502.00015.
    assert "2502.00015" in r.text and "2501.00012" not in r.text


def test_paper_page(client):
    r = client.get("/papers/2501.00012")
    assert r.status_code == 200
    assert "Top &lt;b&gt;paper&lt;/b&gt;" in r.text
    assert "https://arxiv.org/abs/2501.00012" in r.text and "https://arxiv.org/pdf/2501.00012" in r.text
    assert "cs.CL" in r.text and "cs.AI" in r.text and "It does things." in r.text
    assert 'id="comments"' in r.text
    versioned = client.get("/papers/2501.00012v1", follow_redirects=False)
    assert versioned.status_code == 301 and versioned.headers["location"] == "/papers/2501.00012"
    assert client.get("/papers/2501.09999").status_code == 200  # not featured, still has a page


def test_unknown_paper_and_day_are_helpful_404s(client):
    r = client.get("/papers/2412.99999")
    assert r.status_code == 404 and "2412.99999" in r.text and "https://arxiv.org/abs/2412.99999" in r.text
    r = client.get("/papers/date/2025-01-07")
    assert r.status_code == 404 and "No papers were featured on this day" in r.text
    assert 'href="/papers/date/2025-01-06"' in r.text and 'href="/papers/date/2025-01-08"' in r.text  # nearest lists
    assert client.get("/papers/week/2030-W01").status_code == 404
    assert client.get("/papers/month/2025-01?page=9").status_code == 404
    assert client.get("/papers/month/2025-01?category=math.AG").status_code == 200  # a filter with no match
    assert client.get("/no/such/page").status_code == 404


@pytest.mark.parametrize(("url", "param"), [
    ("/papers/date/2025-13-45", "day"),
    ("/papers/date/yesterday", "day"),
    ("/papers/week/2025-W54", "week"),
    ("/papers/week/2025-W53", "week"),
    ("/papers/month/2025-13", "month"),
    ("/papers/date/2025-01-08?sort=best", "sort"),
    ("/papers/date/2025-01-08?page=0", "page"),
    ("/papers/date/2025-01-08?category=<script>", "category"),
])
def test_bad_parameters_name_the_parameter(client, url, param):
    r = client.get(url)
    assert r.status_code in (400, 422)
    assert f"'{param}'" in html.unescape(r.text)
    assert re.search(r"<h1>4\d\d", r.text)  # a page, not a traceback


def test_conditional_get(client, db):
    r = client.get("/papers/date/2025-01-08")
    etag = r.headers["etag"]
    again = client.get("/papers/date/2025-01-08", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    set_counts(db, "2501.00011", vote_count=1)
    changed = client.get("/papers/date/2025-01-08", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert client.get("/papers/date/2025-01-08", headers={"Cookie": "s=1"}).headers["etag"] != changed.headers["etag"]


def test_feeds_index_and_offline_docs(client):
    r = client.get("/feeds")
    assert r.status_code == 200 and "/feeds/category/cs.CL.atom" in r.text
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/daily_papers" in docs.text
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text.split("<main", 1)[1].split("</main>")[0]
    assert client.get("/openapi.json").json()["paths"]["/api/daily_papers"]


def test_latest_day_redirect(client):
    r = client.get("/papers/date", follow_redirects=False)
    assert r.headers["location"] == f"/papers/date/{LATEST_DAY}"
