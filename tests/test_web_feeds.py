"""Atom feeds validate (feedparser bozo false), carry stable ids, the abstract and both links."""

import feedparser
import pytest
from fastapi.testclient import TestClient

from dailypapers.web.app import create_app
from tests.webdata import set_counts


@pytest.fixture
def client(seeded_client):
    return seeded_client


def parse(client, url):
    r = client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed, r


@pytest.mark.parametrize("url", ["/feeds/daily.atom", "/feeds/weekly.atom", "/feeds/trending.atom",
                                 "/feeds/category/cs.CL.atom", "/search.atom?q=paper&mode=keyword"])
def test_every_feed_is_valid_atom(client, url):
    feed, _ = parse(client, url)
    assert feed.entries
    for e in feed.entries:
        assert e.id.startswith("https://arxiv.org/abs/")
        assert e.link.startswith("http://testserver/papers/")
        assert any(link.href.startswith("https://arxiv.org/abs/") for link in e.links)
        assert e.content[0].value


def test_daily_feed_content_and_stable_ids(client, db):
    feed, r = parse(client, "/feeds/daily.atom")
    first = feed.entries[0]
    assert first.id == "https://arxiv.org/abs/2502.00015"
    assert first.title == "Paper 2502.00015"
    assert first.content[0].value.startswith("We study things")
    assert [a.name for a in first.authors][:2] == ["Ada Lovelace", "Alan Turing"]
    assert {t.term for t in first.tags} == {"cs.CV"}
    set_counts(db, "2502.00015", vote_count=3)
    again, r2 = parse(client, "/feeds/daily.atom")
    assert [e.id for e in again.entries] == [e.id for e in feed.entries]
    assert r2.headers["etag"] != r.headers["etag"]
    assert client.get("/feeds/daily.atom", headers={"If-None-Match": r2.headers["etag"]}).status_code == 304


def test_category_feed_only_has_the_category(client):
    feed, _ = parse(client, "/feeds/category/cs.CV.atom")
    assert {e.id.rsplit("/", 1)[1] for e in feed.entries} == {"2501.00011", "2502.00015"}


def test_text_with_control_characters_and_markup_stays_valid(client, db):
    set_counts(db, "2502.00015", title="Bad \x0b char & <tag>", abstract="a\x01b ]]> c")
    feed, _ = parse(client, "/feeds/daily.atom")
    assert feed.entries[0].title == "Bad  char & <tag>"


def test_empty_hub_feeds_are_valid(settings, db):
    with TestClient(create_app(settings, db=db)) as c:
        for url in ("/feeds/daily.atom", "/feeds/weekly.atom", "/feeds/trending.atom"):
            feed = feedparser.parse(c.get(url).content)
            assert not feed.bozo and feed.entries == []


def test_head_answers_like_get_without_a_body(client):
    get = client.get("/feeds/daily.atom")
    head = client.head("/feeds/daily.atom")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"]
    assert head.headers["content-type"] == get.headers["content-type"]
    assert client.head("/papers/2412.99999").status_code == 404
