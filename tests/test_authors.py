"""Author pages: documented name normalization against near-duplicates from the shared data, no merging of an
initial with a first name, the page/feed/API, and author links on cards and paper pages."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import feedparser
import pytest
from fastapi.testclient import TestClient

from dailypapers.authors import author_key, author_path
from dailypapers.records import PaperRecord, split_authors
from dailypapers.store.papers import upsert_papers
from dailypapers.web.app import create_app
from tests.webdata import seed

CORPUS = json.loads((Path(__file__).parent / "fixtures" / "authors" / "near_duplicates.json").read_text("utf-8"))


def test_near_duplicate_corpus_comes_from_the_shared_data(shared_dir):
    wanted = {n for group in CORPUS["same"] + CORPUS["apart"] for n in group}
    seen: set[str] = set()
    with gzip.open(shared_dir / "data" / "arxiv_2025_2026.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            seen.update(n for n in split_authors(json.loads(line)["authors"]) if n in wanted)
    assert seen == wanted


@pytest.mark.parametrize("group", CORPUS["same"], ids=lambda g: g[0])
def test_spellings_of_one_name_share_a_key(group):
    assert len({author_key(n) for n in group}) == 1


@pytest.mark.parametrize("pair", CORPUS["apart"], ids=lambda g: g[0])
def test_an_initial_is_not_merged_with_a_first_name(pair):
    assert author_key(pair[0]) != author_key(pair[1])


def test_order_is_kept_and_paths_are_quoted():
    assert author_key("Smith, John") != author_key("John Smith")
    assert author_path("José García") == "/authors/Jos%C3%A9%20Garc%C3%ADa"


@pytest.fixture
def client(settings, db, tmp_path):
    seed(db, tmp_path)  # Ada Lovelace, Alan Turing, Grace Hopper wrote all seven papers
    with db.write() as conn:
        upsert_papers(conn, [
            PaperRecord("2502.00020", version=1, title="Accents", abstract="We test names.",
                        authors=["ADA LOVELACE", "José García"], categories=["cs.CL"],
                        published_at=datetime(2025, 3, 1)),
            PaperRecord("2502.00021", version=1, title="Initials", abstract="We test initials.",
                        authors=["A. Lovelace"], categories=["cs.CL"]),
        ])
    with TestClient(create_app(settings, db=db)) as c:
        yield c


def test_author_page_lists_papers_coauthors_categories_and_upvotes(client):
    page = client.get("/authors/Ada%20Lovelace")
    assert page.status_code == 200
    html = page.text
    assert "8 papers here" in html and "44 upvotes in total" in html  # 3+9+20+7+1+4 imported upvotes
    assert "Written as: Ada Lovelace; ADA LOVELACE" in html
    assert 'href="/authors/Alan%20Turing">Alan Turing (7)' in html
    assert "cs.CL (5)" in html
    assert html.index("Accents") < html.index("Paper 2501.00010")  # newest first
    assert "Initials" not in html  # "A. Lovelace" is someone else until proven otherwise
    assert client.get("/authors/a.%20lovelace").text.count('class="card"') == 1


def test_author_api_feed_and_paging(client):
    data = client.get("/api/authors/jose garcia").json()
    assert data["numPapers"] == 1 and data["spellings"] == ["José García"]
    assert data["papers"][0]["paper"]["id"] == "2502.00020"
    assert [c["name"] for c in data["coauthors"]] == ["ADA LOVELACE"]
    page2 = client.get("/api/authors/Ada Lovelace", params={"p": 1, "limit": 5}).json()
    assert page2["numPapers"] == 8 and len(page2["papers"]) == 3
    feed = feedparser.parse(client.get("/authors/Ada%20Lovelace.atom").content)
    assert feed.feed.title.endswith("papers by Ada Lovelace") and len(feed.entries) == 8
    assert client.get("/api/authors/%20").status_code == 404
    assert client.get("/authors/Nobody%20Atall").status_code == 200


def test_cards_and_paper_pages_link_authors(client):
    card = client.get("/papers/date/2025-01-08").text
    assert '<a class="author" href="/authors/Ada%20Lovelace">Ada Lovelace</a>' in card
    page = client.get("/papers/2502.00020").text
    assert '<a class="author" href="/authors/Jos%C3%A9%20Garc%C3%ADa">José García</a>' in page
