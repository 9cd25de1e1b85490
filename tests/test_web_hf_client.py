"""The real `huggingface_hub` client against a real server on 127.0.0.1, checked against the store."""

import pytest
from huggingface_hub import HfApi

from dailypapers.store import listing
from dailypapers.web.app import create_app
from tests.webdata import seed, set_counts
from tests.webserver import running


@pytest.fixture
def server(settings, db, tmp_path):
    seed(db, tmp_path)
    with running(create_app(settings, db=db)) as url:
        yield url


@pytest.mark.slow
def test_huggingface_hub_client(server, db):
    set_counts(db, "2501.00012", vote_count=4, comment_count=1)
    api = HfApi(endpoint=server, token=False)

    daily = list(api.list_daily_papers(date="2025-01-08"))
    with db.connect() as conn:
        stored = listing.list_entries(conn, listing.ListFilter(listing.Period.day(listing.date(2025, 1, 8)))).rows
    assert {p.id for p in daily} == {r["arxiv_id"] for r in stored}
    by_id = {r["arxiv_id"]: r for r in stored}
    for p in daily:
        row = by_id[p.id]
        assert p.title == row["title"] and p.summary == row["abstract"]
        assert p.upvotes == row["imported_upvotes"] + row["vote_count"]
        assert p.comments == row["imported_comments"] + row["comment_count"]
        assert [a.name for a in p.authors] == row["authors"]
        assert p.submitted_at.replace(tzinfo=None) == row["submitted_at"]
        assert p.published_at.replace(tzinfo=None) == row["published_at"]
        assert p.submitted_by.fullname == row["submitter_name"]
    assert next(p for p in daily if p.id == "2501.00012").upvotes == 24

    week = list(api.list_daily_papers(week="2025-W02", sort="trending", limit=2))
    assert len(week) == 2

    info = api.paper_info("2501.00011")
    assert info.id == "2501.00011" and info.title == "Paper 2501.00011"
    assert info.github_repo == "https://github.com/example/eleven" and info.upvotes == 9
    assert info.ai_summary == "It does things." and info.project_page == "https://hf.github.io/page"

    found = list(api.list_papers(query="top paper", limit=3))
    assert found and found[0].id == "2501.00012" and found[0].title == "Top <b>paper</b>"
