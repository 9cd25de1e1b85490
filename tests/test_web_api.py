"""The JSON API in-process: Hugging Face field names, parameters, errors, ETags, cursor paging."""

import pytest

from tests.webdata import PAPERS, set_counts


@pytest.fixture
def client(seeded_client):
    return seeded_client


def test_daily_papers_for_a_date_has_hf_fields(client, db):
    set_counts(db, "2501.00012", vote_count=2, comment_count=3)
    items = client.get("/api/daily_papers", params={"date": "2025-01-08"}).json()
    assert {i["paper"]["id"] for i in items} == {"2501.00011", "2501.00012"}
    top = next(i for i in items if i["paper"]["id"] == "2501.00012")
    paper = top["paper"]
    assert paper["title"] == top["title"] == "Top <b>paper</b>"
    assert paper["summary"] == top["summary"] and paper["summary"].startswith("We study things")
    assert [a["name"] for a in paper["authors"]] == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert paper["upvotes"] == 22  # 20 imported + 2 community
    assert top["numComments"] == 5  # 2 imported + 3 community
    assert paper["submittedOnDailyAt"] == "2025-01-08T06:12:00.000Z"
    assert paper["publishedAt"] == "2025-01-06T10:00:00.000Z"
    assert top["publishedAt"] == "2025-01-08T06:12:00.000Z"
    assert paper["ai_summary"] == "It does things." and paper["ai_keywords"] == ["things", "stuff"]
    assert paper["projectPage"] == "https://hf.github.io/page"
    assert top["submittedBy"]["fullname"] == "Sub 12" and top["submittedBy"]["name"] == "user12"
    assert top["dailypapers"]["categories"] == ["cs.CL", "cs.AI"]
    assert top["dailypapers"]["url"] == "http://testserver/papers/2501.00012"
    eleven = next(i for i in items if i["paper"]["id"] == "2501.00011")
    assert eleven["paper"]["githubRepo"] == "https://github.com/example/eleven"


def test_default_listing_is_newest_first_with_paging(client):
    ids = [i["paper"]["id"] for i in client.get("/api/daily_papers").json()]
    assert ids[:3] == ["2502.00015", "2501.00014", "2501.00013"]
    assert set(ids[3:5]) == {"2501.00011", "2501.00012"} and ids[5:] == ["2501.00010"]
    page1 = [i["paper"]["id"] for i in client.get("/api/daily_papers?limit=2&p=1").json()]
    assert page1 == ids[2:4]
    assert client.get("/api/daily_papers?limit=2&p=50").json() == []


def test_week_month_submitter_category_and_trending(client):
    week = {i["paper"]["id"] for i in client.get("/api/daily_papers?week=2025-W02").json()}
    assert week == {"2501.00010", "2501.00011", "2501.00012", "2501.00013"}
    month = {i["paper"]["id"] for i in client.get("/api/daily_papers?month=2025-02").json()}
    assert month == {"2502.00015"}
    assert [i["paper"]["id"] for i in client.get("/api/daily_papers?submitter=user13").json()] == ["2501.00013"]
    assert {i["paper"]["id"] for i in client.get("/api/daily_papers?category=cs.CV").json()} == {
        "2501.00011", "2502.00015"}
    trending = client.get("/api/daily_papers?month=2025-01&sort=trending").json()
    scores = [i["dailypapers"]["score"] for i in trending]
    assert scores == sorted(scores, reverse=True) and len(trending) == 5


@pytest.mark.parametrize(("query", "param"), [
    ("limit=0", "limit"), ("limit=101", "limit"), ("limit=abc", "limit"), ("p=-1", "p"),
    ("date=2025-02-30", "date"), ("week=2025-W54", "week"), ("month=2025-00", "month"),
    ("sort=best", "sort"), ("date=2025-01-08&week=2025-W02", "week"),
])
def test_bad_parameters_are_json_errors_naming_the_parameter(client, query, param):
    r = client.get(f"/api/daily_papers?{query}")
    assert r.status_code in (400, 422)
    assert r.json()["parameter"] == param and param in r.json()["error"]


def test_single_paper_and_404(client):
    r = client.get("/api/papers/2501.00011v1")
    assert r.status_code == 200
    body = r.json()
    assert body["id"] == "2501.00011" and body["upvotes"] == 9 and body["githubRepo"]
    missing = client.get("/api/papers/2412.99999")
    assert missing.status_code == 404 and "2412.99999" in missing.json()["error"]


def test_etag_and_304(client, db):
    r = client.get("/api/daily_papers?date=2025-01-08")
    etag = r.headers["etag"]
    assert client.get("/api/daily_papers?date=2025-01-08", headers={"If-None-Match": etag}).status_code == 304
    set_counts(db, "2501.00012", vote_count=5)
    assert client.get("/api/daily_papers?date=2025-01-08", headers={"If-None-Match": etag}).status_code == 200
    one = client.get("/api/papers/2501.00012")
    assert client.get("/api/papers/2501.00012", headers={"If-None-Match": one.headers["etag"]}).status_code == 304


def test_cursor_listing_visits_every_paper_once(client):
    seen, url = [], "/api/papers?limit=3"
    while url:
        r = client.get(url)
        seen += [p["id"] for p in r.json()]
        link = r.headers.get("link")
        url = link.split(";")[0].strip("<>").replace("http://testserver", "") if link else None
    assert seen == sorted([*PAPERS, "2501.09999"], reverse=True)


def test_search_api(client):
    r = client.get("/api/papers/search", params={"q": "paper", "mode": "keyword", "limit": 3})
    assert r.status_code == 200
    items = r.json()
    assert 0 < len(items) <= 3 and all("paper" in i and i["paper"]["id"] for i in items)
    assert client.get("/api/papers/search").status_code == 422
    bad = client.get("/api/papers/search", params={"q": "x", "mode": "psychic"})
    assert bad.status_code == 422 and bad.json()["parameter"] == "mode"


def test_search_api_etag(client):
    r = client.get("/api/papers/search", params={"q": "paper", "mode": "keyword"})
    assert r.status_code == 200 and r.headers["etag"]
    again = client.get("/api/papers/search", params={"q": "paper", "mode": "keyword"},
                       headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304
