"""Issue 13 over HTTP: math and links in paper text, arXiv categories only, comment counts and redirects, search
notices, plumbing (gzip, favicon, redirects, API docs)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dailypapers.ids import arxiv_categories, is_arxiv_category
from dailypapers.web.app import create_app
from dailypapers.web.richtext import rich_text
from tests.community_support import csrf_from, login, make_user
from tests.webdata import seed


@pytest.fixture
def client(settings, db, tmp_path):
    seed(db, tmp_path)
    with TestClient(create_app(settings, db=db)) as c:
        yield c


def test_math_renders_as_mathml_and_bad_latex_stays_source():
    out = str(rich_text(r"Cost $O(n^2)$, bad $\frac{1}{$, prices $5 and $10."))
    assert out.count("<math") == 1 and "<msup>" in out
    assert r"$\frac{1}{$" in out and "$5 and $10" in out


@pytest.mark.parametrize("latex", [r"$\text{<img src=x onerror=alert(1)>}$", r"$\href{javascript:alert(1)}{x}$"])
def test_math_cannot_smuggle_markup(latex):
    out = str(rich_text(latex))
    assert "<math" not in out and "<img" not in out and "href=\"javascript" not in out


def test_only_http_urls_become_links():
    out = str(rich_text("See https://example.org/a_(b)). Not javascript:alert(1) or ftp://x.y/z <b>"))
    assert '<a href="https://example.org/a_(b)" rel="nofollow noopener">' in out
    assert "javascript:alert" in out and 'href="javascript' not in out and "ftp://x.y/z" in out
    assert "&lt;b&gt;" in out


def test_arxiv_categories_drop_msc_and_acm_codes():
    assert arxiv_categories("cs.CL 68T10, I.2.6; hep-th physics.optics language (Secondary)") == [
        "cs.CL", "hep-th", "physics.optics"]
    assert not is_arxiv_category("I.2.7;") and not is_arxiv_category("68T50")


def test_category_menus_and_feeds_list_only_arxiv_categories(client, db, tmp_path):
    from dailypapers.ingest.importer import import_files
    from tests.factories import hf_item, kaggle_line, write_jsonl

    coded = kaggle_line("2501.00031", categories="cs.CL 68T10, I.2.6;")
    import_files(db, [write_jsonl(tmp_path / "codes.jsonl", [coded]),
                      write_jsonl(tmp_path / "codes-hf.jsonl", [hf_item("2501.00031", day="2025-01-08")])])
    for path in ("/papers/date/2025-01-08", "/feeds", "/papers/2501.00031"):
        text = client.get(path).text
        assert "68T10" not in text and "I.2.6" not in text, path
    assert 'href="/?category=cs.CL"' in client.get("/papers/2501.00031").text  # chip opens the list


def test_comment_counts_and_posting_returns_to_the_paper(client, db):
    make_user(db, "carol")
    login(client, "carol")
    page = client.get("/papers/2501.00012")
    assert "Comments (0)" in page.text and "2 comments on Hugging Face" in page.text  # imported, elsewhere
    r = client.post("/papers/2501.00012/comments", data={"body": "Read https://example.org/x today",
                                                         "csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/papers/2501.00012#c")
    page = client.get("/papers/2501.00012")
    assert "Comments (1)" in page.text and '<a href="https://example.org/x"' in page.text


def test_search_notice_is_plain_for_readers_and_has_the_command_for_admins(client, db):
    reader = client.get("/search", params={"q": "paper", "mode": "semantic"})
    assert "meaning search covers 0 of" in reader.text.lower() and "dailypapers index" not in reader.text
    make_user(db, "boss", role="admin")
    login(client, "boss")
    admin = client.get("/search", params={"q": "paper", "mode": "semantic"})
    assert "dailypapers index" in admin.text
    assert "0 of 7 papers have a search vector" in client.get("/admin/status").text


def test_plumbing(client):
    r = client.get("/papers/date/2025-01-08", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip" and "li class=\"card\"" in r.text
    raw = client.get("/static/style.css", headers={"Accept-Encoding": "gzip"})
    assert raw.headers.get("content-encoding") == "gzip"
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.content[:4] == b"\x00\x00\x01\x00"
    assert client.get("/papers", follow_redirects=False).headers["location"] == "/"
    assert client.get("/papers/trending", follow_redirects=False).headers["location"] == "/trending"
    assert client.get("/papers/week", params={"date": "2025-01-08"}, follow_redirects=False
                      ).headers["location"] == "/papers/week/2025-W02"
    assert client.get("/papers/date", params={"date": "2025-99-01"}).status_code == 400
    docs = client.get("/docs").text
    assert "Authentication" in docs and "<code>" in docs
    assert not any("`" in line for line in docs.split("<main", 1)[1].splitlines() if "<pre" not in line)


def test_day_labels_are_readable(client):
    week = client.get("/papers/week/2025-W02").text
    assert "Week of January 6, 2025" in week and 'type="date"' in week
    day = client.get("/papers/date/2025-01-08").text
    assert "Jan 6" in day and "Jan 10" in day  # previous / next


def test_pages_need_no_inline_script_or_style(client, db):
    """The Content-Security-Policy (script-src 'self'; style-src 'self') would block any of these."""
    import re

    make_user(db, "dora")
    pages = ["/", "/papers/week/2025-W02", "/trending", "/search?q=paper&mode=keyword", "/search?q=x&since=2025-99",
             "/papers/2501.00012", "/subscribe", "/login", "/register", "/docs", "/feeds"]
    login(client, "dora")
    pages += ["/account", "/submit", "/papers/2501.00012/comments", "/account/subscription"]
    for path in pages:
        text = client.get(path).text
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=|<script(?![^>]*\ssrc=)", text, re.I), path
