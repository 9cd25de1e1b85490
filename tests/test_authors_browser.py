"""Author pages and authorship claims in a real browser (Playwright + Debian Chromium)."""

# ruff: noqa: F811  (the browser fixture is imported from tests.test_browser)
from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from dailypapers.records import PaperRecord
from dailypapers.store.papers import upsert_papers
from dailypapers.web.app import create_app
from tests.community_support import PASSWORD, make_user
from tests.test_browser import SHOTS, browser  # noqa: F401
from tests.webdata import seed
from tests.webserver import running

pytestmark = pytest.mark.slow
PAPER = "2611.00400"


@pytest.fixture
def site(settings, db, tmp_path):
    seed(db, tmp_path)
    with db.write() as conn:
        upsert_papers(conn, [PaperRecord(PAPER, title="A paper to claim", version=1, categories=["cs.CL"],
                                         abstract="We propose a way to claim papers. It works.",
                                         authors=["José García", "Ada Lovelace"],
                                         published_at=datetime(2026, 11, 1))])
    make_user(db, "jose")
    make_user(db, "mod", role="moderator")
    with running(create_app(settings, db=db)) as url:
        yield url


def _login(page, site: str, who: str) -> None:
    page.goto(site + "/login")
    page.get_by_label("Email or username").fill(who)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("details.usermenu summary")).to_contain_text(who)


def test_author_links_lead_to_author_pages(browser, site):
    page = browser.new_page()
    page.goto(site + "/papers/date/2025-01-08")
    page.locator("li.card").first.get_by_role("link", name="Ada Lovelace").click()
    expect(page).to_have_url(site + "/authors/Ada%20Lovelace")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ada Lovelace")
    expect(page.get_by_text("8 papers here")).to_be_visible()
    expect(page.locator("li.card")).to_have_count(8)
    expect(page.locator("li.card h2").first).to_have_text("A paper to claim")  # newest first
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "author-page.png"), full_page=True)
    page.get_by_role("link", name="Alan Turing (7)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alan Turing")
    page.get_by_role("link", name="Atom feed").click()
    assert "papers by Alan Turing" in page.content()


def test_claim_then_moderator_approves_and_profile_shows_it(browser, site):
    author = browser.new_context().new_page()
    _login(author, site, "jose")
    author.goto(f"{site}/papers/{PAPER}")
    author.get_by_text("Are you an author of this paper?").click()
    author.get_by_label("I am").select_option("José García")
    author.get_by_role("button", name="Claim authorship").click()
    expect(author).to_have_url(f"{site}/papers/{PAPER}#claim")
    expect(author.locator("#claim")).to_contain_text("You claimed to be José García on this paper: pending")

    moderator = browser.new_context().new_page()
    _login(moderator, site, "mod")
    moderator.goto(site + "/moderation")
    moderator.get_by_role("link", name="Authorship claims to decide").click()
    row = moderator.locator("tr", has_text="A paper to claim")
    row.get_by_role("textbox").fill("checked the lab page")
    row.get_by_role("button", name="Approve").click()
    expect(moderator.get_by_text("No pending claims.")).to_be_visible()
    moderator.goto(site + "/moderation")
    expect(moderator.locator("table.modlog")).to_contain_text("approve_claim")
    expect(moderator.locator("table.modlog")).to_contain_text("checked the lab page")

    author.reload()
    expect(author.locator("#claim")).to_contain_text("approved")
    author.get_by_role("link", name="your profile").click()
    expect(author).to_have_url(site + "/u/jose")
    wrote = author.locator("section.profile ol.cards").first
    expect(wrote).to_contain_text("A paper to claim")
    author.goto(site + "/authors/Jos%C3%A9%20Garc%C3%ADa")
    expect(author.get_by_role("link", name="@jose")).to_be_visible()
    author.screenshot(path=str(SHOTS / "author-claimed.png"), full_page=True)
