# ruff: noqa: F811  (pytest fixtures imported from tests.community_support are parameters here)
"""Issue 11, part A: only http(s) links are stored or rendered, whatever the source (imports, old rows).

Real imports into SQLite and PostgreSQL, pages and API answers through the real app."""

import pytest
import sqlalchemy as sa

from dailypapers.ingest.importer import import_files
from dailypapers.links import http_url
from dailypapers.records import PaperRecord
from dailypapers.store.papers import get_paper, upsert_papers
from dailypapers.store.schema import papers
from tests.community_support import app, client  # noqa: F401
from tests.factories import hf_item, write_jsonl

BAD = ["javascript:alert(document.cookie)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", " javascript:alert(1)",
       "\x01javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x",
       "https://", "http:/\tevil.example", "https://exa mple.org"]


@pytest.mark.parametrize("value", BAD)
def test_http_url_refuses_everything_but_absolute_http_links(value):
    assert http_url(value) is None


def test_http_url_keeps_real_links():
    for good in ("https://github.com/owner/repo", "http://example.org/a?b=c#d", "HTTPS://Example.org/",
                 "https://user@example.org:8443/x"):
        assert http_url(good) == good
    assert http_url("  https://example.org/page \n") == "https://example.org/page"


def _links(db, arxiv_id):
    with db.connect() as conn:
        row = get_paper(conn, arxiv_id)
    return row["code_url"], row["project_url"]


def test_imported_script_links_are_not_stored_or_rendered(client, db, tmp_path):
    items = [hf_item("2501.00002", projectPage="javascript:alert(document.cookie)", githubRepo="JaVaScRiPt:alert(1)",
                     summary="No links here."),
             hf_item("2501.00003", projectPage="java\tscript:alert(1)", githubRepo="https://github.com/real/repo"),
             hf_item("2501.00004", projectPage="data:text/html,<b>x</b>", githubRepo=" vbscript:x",
                     summary="Code at https://github.com/found/in-abstract")]
    summary = import_files(db, [write_jsonl(tmp_path / "hf.jsonl", items)])
    assert summary.papers.new == 3  # the records are kept, only their bad links are dropped
    assert _links(db, "2501.00002") == (None, None)
    assert _links(db, "2501.00003") == ("https://github.com/real/repo", None)
    assert _links(db, "2501.00004") == ("https://github.com/found/in-abstract", None)  # falls back to the abstract
    for path in ("/papers/2501.00002", "/papers/2501.00003", "/papers/date/2025-01-08", "/search?q=HF+paper"):
        page = client.get(path)
        assert page.status_code == 200 and "script:" not in page.text.lower() and "data:text" not in page.text
    assert 'href="https://github.com/real/repo"' in client.get("/papers/2501.00003").text


def test_any_source_stores_only_http_links_and_a_bad_one_erases_nothing(db):
    with db.write() as conn:
        upsert_papers(conn, [PaperRecord(arxiv_id="2502.00001", title="T", abstract="A", version=1,
                                         code_url="javascript:alert(1)", project_url="https://ok.example/p")])
    assert _links(db, "2502.00001") == (None, "https://ok.example/p")
    with db.write() as conn:
        upsert_papers(conn, [PaperRecord(arxiv_id="2502.00001", version=2, code_url="https://github.com/a/b",
                                         project_url="javascript:void(0)")])
    assert _links(db, "2502.00001") == ("https://github.com/a/b", "https://ok.example/p")


def test_bad_links_already_stored_are_not_rendered_or_served(client, db, tmp_path):
    import_files(db, [write_jsonl(tmp_path / "hf.jsonl", [hf_item("2501.00005")])])
    with db.write() as conn:  # rows an older version stored before links were checked
        conn.execute(papers.update().where(papers.c.arxiv_id == "2501.00005")
                     .values(code_url="javascript:alert(document.cookie)", project_url="JAVASCRIPT:alert(2)"))
    for path in ("/papers/2501.00005", "/papers/date/2025-01-08", "/trending"):
        page = client.get(path)
        assert page.status_code == 200 and "javascript:" not in page.text.lower(), path
    api = client.get("/api/papers/2501.00005").json()
    assert "githubRepo" not in api and "projectPage" not in api  # absent, as for papers without links
    day = client.get("/api/daily_papers?date=2025-01-08").json()
    assert "githubRepo" not in day[0]["paper"] and "projectPage" not in day[0]["paper"]
    with db.write() as conn:  # and the next update of the paper clears them from the row as well
        upsert_papers(conn, [PaperRecord(arxiv_id="2501.00005", imported_upvotes=9)])
        row = conn.execute(sa.select(papers.c.code_url, papers.c.project_url)
                           .where(papers.c.arxiv_id == "2501.00005")).one()
    assert tuple(row) == (None, None)
