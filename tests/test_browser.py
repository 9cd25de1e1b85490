"""The site in a real browser: Playwright driving Debian's Chromium (`apt-get install chromium`).

Browses days and weeks, searches, opens a paper, follows a feed link, works by keyboard, and saves screenshots
of the main pages (light and dark, desktop and phone) under test-artifacts/screenshots/.
"""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest
from playwright.sync_api import expect, sync_playwright

from dailypapers.web.app import create_app
from tests.webdata import seed
from tests.webserver import running

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"

pytestmark = pytest.mark.slow


@pytest.fixture
def site(settings, db, tmp_path):
    seed(db, tmp_path)
    with running(create_app(settings, db=db)) as url:
        yield url


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _page(browser, site, **kwargs):
    context = browser.new_context(**kwargs)
    page = context.new_page()
    outside = []

    def guard(route):
        if route.request.url.startswith(site):
            route.continue_()
        else:  # no third-party asset may be fetched: record it and refuse
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.outside_requests = outside
    return page


def test_browse_days_search_paper_and_feed(browser, site):
    page = _page(browser, site)
    page.goto(site + "/")
    expect(page.locator("h1")).to_contain_text("February 3, 2025")
    page.get_by_role("link", name="Jan 14").click()
    expect(page).to_have_url(site + "/papers/date/2025-01-14")
    page.get_by_role("link", name="Jan 10").click()
    page.get_by_role("link", name="Week", exact=True).click()
    expect(page).to_have_url(site + "/papers/week/2025-W02")
    cards = page.locator("li.card h2")
    expect(cards).to_have_count(4)
    expect(cards.first).to_have_text("Top <b>paper</b>")  # escaped, shown literally

    page.locator("select[name=sort]").select_option("newest")
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(site + "/papers/week/2025-W02?sort=newest&category=")
    expect(cards.first).to_have_text("Paper 2501.00013")

    # The abstract excerpt expands without JavaScript (details/summary).
    page.goto(site + "/papers/date/2025-01-08")
    cards.first.locator("a").click()
    expect(page).to_have_url(site + "/papers/2501.00012")
    expect(page.locator("h1")).to_have_text("Top <b>paper</b>")
    expect(page.get_by_role("link", name="PDF")).to_have_attribute("href", "https://arxiv.org/pdf/2501.00012")

    page.fill("#quick-q", "Lovelace")
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/search?q=Lovelace")
    page.goto(site + "/search?q=top+paper&mode=keyword")
    expect(page.locator("li.card mark").first).to_be_visible()

    feed_href = page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href")
    body = page.request.get(site + feed_href).body()
    assert not feedparser.parse(body).bozo
    assert page.outside_requests == []


def test_keyboard(browser, site):
    page = _page(browser, site)
    page.goto(site + "/papers/date/2025-01-08")
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("/")
    expect(page.locator("#quick-q")).to_be_focused()
    page.keyboard.type("paper")
    page.keyboard.press("Enter")
    expect(page).to_have_url(site + "/search?q=paper")
    # Every card's upvote button and links are reachable by Tab (no positive tabindex traps).
    assert page.locator("[tabindex]:not([tabindex='-1'])").count() == 0


PAGES = {"daily": "/papers/date/2025-01-08", "week": "/papers/week/2025-W02", "paper": "/papers/2501.00012",
         "search": "/search?q=paper&mode=keyword", "trending": "/trending", "docs": "/docs",
         "not-found": "/papers/2412.99999"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(browser, site, scheme):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for device, size in {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}.items():
        page = _page(browser, site, color_scheme=scheme, viewport=size)
        for name, path in PAGES.items():
            page.goto(site + path)
            # Nothing may overflow sideways on a phone.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (name, device)
            page.screenshot(path=str(SHOTS / f"{name}-{device}-{scheme}.png"), full_page=False)
        bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert (bg == "rgb(20, 20, 22)") == (scheme == "dark"), bg
        assert page.outside_requests == []
        page.context.close()
