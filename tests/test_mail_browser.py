"""The digest preview and the subscribe → confirm → unsubscribe flow in a real browser (Playwright + Chromium)."""

# ruff: noqa: F811  (the browser fixture is imported from tests.test_browser)
from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from dailypapers.mail.backends import MemoryBackend
from dailypapers.web.app import create_app
from tests.mail_helpers import add_subscriber, seed_papers
from tests.test_browser import SHOTS, browser  # noqa: F401
from tests.webserver import running

pytestmark = pytest.mark.slow
DAY = date(2025, 3, 5)


@pytest.fixture
def site(settings, db):
    seed_papers(db, DAY, 12)
    with running(create_app(settings.replace(mail_backend="memory"), db=db)) as url:
        yield url


def test_digest_preview_is_readable_in_the_browser(browser, site, db):
    sub = add_subscriber(db, "reader@example.org", topics=[{"kind": "author", "value": "Grace Hopper"}])
    page = browser.new_page(viewport={"width": 800, "height": 1200})
    page.goto(f"{site}/subscription/{sub['token']}/preview?date={DAY}")
    expect(page.get_by_role("heading", name=re.compile("daily digest"))).to_be_visible()
    first = page.get_by_role("link", name="Paper 0 on diffusion models")
    expect(first).to_be_visible()
    assert first.get_attribute("href").endswith("/papers/2511.00001")
    expect(page.get_by_role("heading", name="Author: Grace Hopper")).to_be_visible()
    # Readable: body text is dark on light and at least 13px, cards laid out within the 640px column.
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('div[style] div')).fontSize)")
    assert size >= 13
    box = first.bounding_box()
    assert box and box["width"] <= 640 and box["x"] >= 0
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "mail-digest-preview.png"), full_page=True)


def test_subscribe_confirm_unsubscribe_without_javascript(browser, site, db):
    MemoryBackend.outbox.clear()
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(f"{site}/subscribe")
    page.get_by_label("Email address").fill("new@example.org")
    page.get_by_label("Weekly").check()
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    text = MemoryBackend.outbox[-1].get_body(("plain",)).get_content()
    link = re.search(r"/subscribe/confirm/\S+", text).group(0)
    page.goto(site + link)
    page.get_by_role("button", name="Confirm subscription").click()
    expect(page.get_by_role("heading", name="Subscription confirmed")).to_be_visible()
    page.get_by_role("link", name="Choose topics or change frequency").click()
    page.get_by_role("link", name="Unsubscribe").click()
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", name="Unsubscribed")).to_be_visible()
