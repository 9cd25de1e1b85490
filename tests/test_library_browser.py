"""Library and For you in a real browser (Playwright + Debian Chromium) under the site's Content-Security-Policy:
save and "not interested" without a reload, the same without JavaScript, and the cold start of /for-you."""

# ruff: noqa: F811  (the browser fixture is imported from tests.test_browser)
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dailypapers.web.app import create_app
from tests import recs_support
from tests.community_support import PASSWORD, make_user
from tests.test_browser import browser  # noqa: F401
from tests.webserver import running

pytestmark = pytest.mark.slow
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


@pytest.fixture
def event(db, tmp_path):
    return recs_support.seed_event(db, tmp_path)


@pytest.fixture
def site(settings, db, event):
    make_user(db, "reader")
    with running(create_app(settings, db=db)) as url:
        yield url


def _page(browser, site, **kwargs):
    """A page whose responses carry the CSP the app will send: inline scripts or handlers would be blocked."""
    context = browser.new_context(**kwargs)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

    def with_csp(route):
        response = route.fetch(max_redirects=0)  # the browser follows redirects itself (URL checks)
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})

    page.route(f"{site}/**", with_csp)
    page.csp_violations = violations
    return page


def _card(arxiv_id: str) -> str:
    return f"[id='paper-{arxiv_id}']"


def _login(page, site):
    page.goto(site + "/login")
    page.get_by_label("Email or username").fill("reader")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("details.usermenu summary")).to_contain_text("reader")  # the header's account menu


def test_save_and_not_interested_without_reload(browser, site, event):
    page = _page(browser, site)
    _login(page, site)
    saved, dismissed = event["library"][0], event["library"][1]
    page.goto(f"{site}/papers/date/{recs_support.listed_day(saved)}")
    card = page.locator(_card(saved))
    button = card.locator("form.library-save button")
    expect(button).to_have_text("Save")
    page.evaluate("window.__same_page = true")
    button.click()
    expect(button).to_have_text("Saved")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(card.locator("form.library-dismiss")).to_be_hidden()
    assert page.evaluate("window.__same_page === true")  # no reload happened
    page.goto(f"{site}/papers/date/{recs_support.listed_day(dismissed)}")
    other = page.locator(_card(dismissed))
    page.evaluate("window.__same_page = true")
    other.get_by_role("button", name="Not interested").click()
    expect(other).to_be_hidden()
    assert page.evaluate("window.__same_page === true")
    page.reload()
    expect(page.locator(_card(dismissed))).to_have_count(0)
    page.goto(site + "/library")
    expect(page.locator(_card(saved))).to_be_visible()
    assert page.csp_violations == []


def test_save_without_javascript(browser, site, event):
    page = _page(browser, site, java_script_enabled=False)
    _login(page, site)
    aid = event["library"][2]
    day_url = f"{site}/papers/date/{recs_support.listed_day(aid)}"
    page.goto(day_url)
    page.locator(f"{_card(aid)} form.library-save button").click()
    expect(page).to_have_url(f"{day_url}#paper-{aid}")
    expect(page.locator(f"{_card(aid)} form.library-save button")).to_have_text("Saved")


def test_cold_start_feed_appears_at_once(browser, site, event):
    page = _page(browser, site)
    _login(page, site)
    page.get_by_role("link", name="For you").click()
    expect(page.get_by_text("Your library is empty")).to_be_visible()
    title = recs_support.paper(event["library"][0])["title"].split("\n")[0]
    page.get_by_label("Find papers").fill(title)
    page.get_by_role("button", name="Search").click()
    page.locator(f"input[name=pick][value='{event['library'][0]}']").check()
    page.get_by_label("Authors you follow (comma separated)").fill(
        recs_support.paper(event["library"][1])["authors"][0]["name"])
    page.get_by_role("button", name="Start my feed").click()
    expect(page).to_have_url(site + "/for-you")
    page.get_by_role("link", name="This week").click()
    reasons = page.locator("li.foryou-reason")
    expect(reasons.first).to_contain_text("in your library")
    assert reasons.count() > 0
    assert page.csp_violations == []


def test_add_to_list_without_reload(browser, site, db, event):
    from dailypapers.store import reading_lists
    from dailypapers.store import users as user_store

    with db.write() as conn:
        reader = user_store.find_by_username(conn, "reader")
        list_id = reading_lists.create(conn, reader["id"], "Reading group", "", "public")
    page = _page(browser, site)
    _login(page, site)
    aid = event["library"][3]
    page.goto(f"{site}/papers/date/{recs_support.listed_day(aid)}")
    form = page.locator(f"{_card(aid)} form.add-to-list")
    page.evaluate("window.__same_page = true")
    form.get_by_role("button", name="Add to list").click()
    expect(form.locator(".add-to-list-status")).to_have_text("Added to Reading group")
    assert page.evaluate("window.__same_page === true")
    page.goto(f"{site}/lists/{list_id}")
    expect(page.locator(_card(aid))).to_be_visible()
    assert page.csp_violations == []
