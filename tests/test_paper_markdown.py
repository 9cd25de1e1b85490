"""`/papers/{id}.md`: the paper as Markdown with every field its page shows, similar papers included."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dailypapers.records import PaperRecord
from dailypapers.search.indexer import index_missing
from dailypapers.store.papers import upsert_papers
from dailypapers.web.app import create_app

PAPERS = [
    PaperRecord("2501.00001", version=2, title="LongSum: *Hierarchical* Summarization of [Long] Documents",
                abstract="Long documents are hard. We propose LongSum, a hierarchical summarizer for long documents.",
                authors=["José García", "Ada Lovelace"], categories=["cs.CL"], code_url="https://github.com/x/y"),
    PaperRecord("2501.00002", version=1, title="Summarizing long reports with hierarchies",
                abstract="We introduce a hierarchical method that summarizes long reports chunk by chunk.",
                authors=["Alan Turing"], categories=["cs.CL"]),
    PaperRecord("2501.00003", version=1, title="Protein folding with graph networks",
                abstract="We fold proteins with graph neural networks.", authors=["Grace Hopper"],
                categories=["q-bio.BM"]),
]


@pytest.fixture
def client(settings, db):
    with db.write() as conn:
        upsert_papers(conn, PAPERS)
    index_missing(db)
    with TestClient(create_app(settings, db=db)) as c:
        yield c


def test_paper_as_markdown(client):
    r = client.get("/papers/2501.00001.md")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/markdown; charset=utf-8"
    md = r.text
    assert md.startswith("# LongSum: \\*Hierarchical\\* Summarization of \\[Long\\] Documents\n")
    assert "[José García](http://testserver/authors/Jos%C3%A9%20Garc%C3%ADa)" in md
    assert "- arXiv: [2501.00001v2](https://arxiv.org/abs/2501.00001)" in md
    assert "- Code: <https://github.com/x/y>" in md and "Comments: 0" in md
    assert "## TL;DR (a sentence of the abstract, picked automatically)\n\nWe propose LongSum" in md
    assert "## Keyphrases (extracted from the title and abstract)" in md
    assert "## Abstract\n\nLong documents are hard." in md
    similar = md.split("## Similar papers", 1)[1]
    assert similar.index("2501.00002") < similar.index("2501.00003")
    assert "(http://testserver/papers/2501.00002.md)" in similar


def test_markdown_versioned_id_redirects_and_unknown_is_404(client):
    r = client.get("/papers/2501.00001v2.md", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == "/papers/2501.00001.md"
    assert client.get("/papers/2599.99999.md").status_code == 404
    etag = client.get("/papers/2501.00001.md").headers["etag"]
    assert client.get("/papers/2501.00001.md", headers={"If-None-Match": etag}).status_code == 304
