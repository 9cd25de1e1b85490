"""Log in and upvote in a real browser (Playwright + Debian Chromium), with and without JavaScript."""

# ruff: noqa: F811  (the browser fixture is imported from tests.test_browser)
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from dailypapers.community import submissions
from dailypapers.web.app import create_app
from tests.community_support import PASSWORD, add_paper, make_user
from tests.test_browser import browser  # noqa: F401
from tests.webserver import running

pytestmark = pytest.mark.slow


@pytest.fixture
def site(settings, db):
    add_paper(db, "2611.00200", title="A paper worth reading")
    submissions.submit(db, settings, make_user(db, "curator"), "2611.00200")
    make_user(db, "reader")
    with running(create_app(settings, db=db)) as url:
        yield url


def _login(page, site):
    page.goto(site + "/login")
    page.get_by_label("Email or username").fill("reader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("details.usermenu summary")).to_contain_text("reader")


def test_login_and_upvote_without_reload(browser, site):
    page = browser.new_page()
    _login(page, site)
    page.goto(f"{site}/papers/date/{datetime.now(UTC).date().isoformat()}")
    card = page.locator("li.card", has_text="A paper worth reading")
    button = card.locator("form.upvote button")
    expect(card.locator(".count")).to_have_text("0")
    page.evaluate("window.__same_page = true")
    button.click()
    expect(card.locator(".count")).to_have_text("1")
    expect(button).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.__same_page === true")  # no reload happened
    page.reload()
    expect(card.locator(".count")).to_have_text("1")
    expect(button).to_have_attribute("aria-pressed", "true")
    button.click()  # and back
    expect(card.locator(".count")).to_have_text("0")
    expect(button).to_have_attribute("aria-pressed", "false")


def test_upvote_without_javascript_and_anonymous_redirect(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    day_url = f"{site}/papers/date/{datetime.now(UTC).date().isoformat()}"
    page.goto(day_url)
    page.locator("li.card form.upvote button").first.click()
    # A visitor is asked to log in, and the vote they meant counts as soon as they are in.
    expect(page).to_have_url(f"{site}/login?next=%2Fpapers%2F2611.00200&upvote=2611.00200")
    expect(page.locator(".notice")).to_contain_text("Log in to upvote")
    page.get_by_label("Email or username").fill("reader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{site}/papers/2611.00200")
    expect(page.locator("form.upvote .count")).to_have_text("1")
    expect(page.locator("form.upvote button")).to_have_attribute("aria-pressed", "true")
    page.goto(day_url)
    page.locator("li.card form.upvote button").first.click()  # without JavaScript: a form POST and back
    expect(page).to_have_url(day_url + "#paper-2611.00200")
    expect(page.locator("li.card .count").first).to_have_text("0")
    context.close()
