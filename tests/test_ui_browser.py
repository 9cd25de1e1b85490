"""The morning read in a real browser (Playwright + Debian Chromium), on a laptop (1366×900) and a phone (390×844),
light and dark: density measured from element boxes, upvote state, threads, math, forms that keep their text, the
search pager, the header menu, and axe-core (vendored in tests/vendor, so it runs offline) on the main pages.
Screenshots of every page land in test-artifacts/ui/.

One browser and one seeded hub serve the whole module, to keep it quick.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from dailypapers.config import Settings
from dailypapers.store.db import Database
from dailypapers.web.app import create_app
from tests.community_support import PASSWORD
from tests.test_browser import ARGS, CHROMIUM
from tests.uidata import COMMENTED_ID, DAY, MATH_ID, seed_hub
from tests.webserver import running

pytestmark = pytest.mark.slow
SHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "ui"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def hub(tmp_path_factory, shared_dir):
    tmp = tmp_path_factory.mktemp("ui")
    settings = Settings(database_url=f"sqlite:///{tmp / 'ui.db'}", base_url="http://testserver",
                        rate_comment="2/minute", rate_login="1000/minute", keyword_index_in_memory=False)
    db = Database(settings)
    db.upgrade()
    seed_hub(db, settings, tmp, shared_dir)
    with running(create_app(settings, db=db)) as url:
        yield url
    db.dispose()


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _context(chromium, **kwargs):
    # bypass_csp: axe-core is injected by the test; the pages themselves stay under their own policy.
    return chromium.new_context(bypass_csp=True, **kwargs)


def _login(page, hub, who="alice"):
    page.goto(f"{hub}/login")
    page.get_by_label("Email or username").fill(who)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("details.usermenu summary")).to_contain_text(who)


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _complete_cards(page) -> int:
    """Cards whose whole box is inside the first screen."""
    return page.evaluate("""() => [...document.querySelectorAll('li.card')]
        .filter(c => { const r = c.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }).length""")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_day_page_density_at_both_sizes(chromium, hub, scheme):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for device, size, wanted in (("desktop", DESKTOP, 6), ("phone", PHONE, 2)):
        context = _context(chromium, viewport=size, color_scheme=scheme)
        page = context.new_page()
        page.goto(f"{hub}/papers/date/{DAY}")
        page.screenshot(path=str(SHOTS / f"day-{device}-{scheme}.png"))
        assert _complete_cards(page) >= wanted, (device, _complete_cards(page))
        assert _no_sideways_scroll(page), device
        header = page.locator("header.site").bounding_box()
        filters = page.locator("form.filters")
        if device == "phone":
            assert header["height"] <= 0.2 * size["height"], header
            expect(filters).to_be_hidden()  # folded into one control
            page.get_by_text("Sort & filter").click()
            expect(filters).to_be_visible()
        else:
            expect(filters).to_be_visible()
        # Every card says when it was listed; arXiv categories only, never MSC/ACM codes.
        cards = page.locator("li.card")
        assert cards.count() == cards.locator("time").count() >= 28
        cats = page.locator("li.card .cat").all_inner_texts()
        assert "cs.LG" in cats and not any(c[0].isupper() or c[0].isdigit() for c in cats), cats
        context.close()


def test_day_navigation_banner_and_authors(chromium, hub):
    context = _context(chromium, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{hub}/papers/date/{DAY}")
    page.get_by_role("link", name="Week", exact=True).click()
    expect(page.locator("h1")).to_have_text("Week of June 9, 2025")
    page.locator("#pick-date").fill("2025-06-13")
    page.get_by_role("button", name="Go").click()
    expect(page).to_have_url(f"{hub}/papers/week/2025-W24")
    # "et al. (N)" opens the other authors without JavaScript; each author links to their papers.
    card = page.locator("li.card").filter(has=page.locator("details.more-authors")).first
    hidden = card.locator("details.more-authors a").first
    expect(hidden).to_be_hidden()
    card.locator("details.more-authors summary").click()
    expect(hidden).to_be_visible()
    assert card.locator(".authors a").first.get_attribute("href").startswith("/authors/")  # the author page (issue 17)
    # The subscribe banner goes away for good.
    expect(page.locator(".banner")).to_be_visible()
    expect(page.locator(".banner a.button")).to_have_attribute("href", "/subscribe")
    page.locator(".banner .dismiss").click()
    expect(page.locator(".banner")).to_have_count(0)
    page.reload()
    expect(page.locator(".banner")).to_have_count(0)
    context.close()


def test_voted_and_unvoted_buttons_differ(chromium, hub):
    context = _context(chromium, viewport=DESKTOP)
    page = context.new_page()
    _login(page, hub)
    page.goto(f"{hub}/papers/date/{DAY}")
    voted = page.locator(f'[id="paper-{COMMENTED_ID}"] form.upvote button')
    unvoted = page.locator(f'[id="paper-{MATH_ID}"] form.upvote button')
    expect(voted).to_have_attribute("aria-pressed", "true")
    expect(unvoted).to_have_attribute("aria-pressed", "false")
    colour = "el => getComputedStyle(el).backgroundColor"
    assert voted.evaluate(colour) != unvoted.evaluate(colour)
    # The accessible name is the visible text, so it cannot go stale after a vote.
    expect(unvoted).to_have_accessible_name("Upvote 5")
    unvoted.click()
    expect(unvoted).to_have_attribute("aria-pressed", "true")
    expect(unvoted).to_have_accessible_name("Upvote 6")
    assert unvoted.evaluate(colour) == voted.evaluate(colour)
    context.close()


def test_anonymous_upvote_asks_to_log_in(chromium, hub):
    context = _context(chromium, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{hub}/papers/{MATH_ID}")
    page.locator("form.upvote button").click()
    expect(page.locator(".notice")).to_contain_text("Log in to upvote")
    page.get_by_label("Email or username").fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{hub}/papers/{MATH_ID}")
    expect(page.locator("form.upvote button")).to_have_attribute("aria-pressed", "true")  # the vote counted
    context.close()


def test_reply_indented_and_math_as_mathml(chromium, hub):
    context = _context(chromium, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{hub}/papers/{COMMENTED_ID}")
    parent = page.locator("article.comment").first
    reply = parent.locator("article.comment.reply").first
    assert reply.bounding_box()["x"] >= parent.bounding_box()["x"] + 8
    assert reply.evaluate("el => getComputedStyle(el).borderLeftStyle") == "solid"
    expect(page.locator("#comments h2")).to_have_text("Comments (2)")
    expect(page.get_by_role("link", name="2 comments on Hugging Face")).to_be_visible()
    assert _no_sideways_scroll(page)

    page.goto(f"{hub}/papers/{MATH_ID}")
    title = page.locator("h1")
    assert title.locator("math").count() == 2  # $\alpha$ and $O(n \log n)$
    expect(title).to_contain_text("$\\frac{1}{")  # bad LaTeX stays as written
    expect(page.locator(".abstract-full math")).to_have_count(1)
    expect(page.locator(".abstract-full a[href='https://example.org/flow']")).to_be_visible()
    context.close()


def test_rate_limited_comment_keeps_its_text(chromium, hub):
    context = _context(chromium, viewport=DESKTOP)
    page = context.new_page()
    _login(page, hub, "bob")
    for n in range(3):  # the limit is 2 a minute
        page.goto(f"{hub}/papers/{MATH_ID}")
        page.locator("#comment-body").fill(f"Comment number {n}, written with care.")
        page.get_by_role("button", name="Comment").click()
        if n < 2:
            expect(page).to_have_url(__import__("re").compile(rf"/papers/{MATH_ID}#c\d+$"))
    expect(page.locator("#comment-error")).to_contain_text("you can comment again in")
    expect(page.locator("#comment-body")).to_have_value("Comment number 2, written with care.")
    expect(page.get_by_role("link", name="← Back to the paper")).to_be_visible()
    context.close()


def test_search_pager_past_100(chromium, hub):
    context = _context(chromium, viewport=DESKTOP)
    page = context.new_page()
    page.goto(f"{hub}/search?q=graph&mode=keyword")
    expect(page.locator("p.count")).to_contain_text("100+ results")
    assert page.locator("#quick-q").count() == 0  # one search box on the search page
    for n in range(2, 7):
        page.get_by_role("link", name="Next page →").click()
        expect(page.locator(".pager")).to_contain_text(f"Page {n}")
    expect(page.locator("li.card")).to_have_count(20)  # results 101-120 are there
    seen = 120
    while page.get_by_role("link", name="Next page →").count():  # on to the last page, which has no Next
        page.get_by_role("link", name="Next page →").click()
        seen += page.locator("li.card").count()
    assert seen >= 140 and page.locator("li.card").count() <= 20
    # A bad filter keeps the query and says what is wrong beside the field.
    page.goto(f"{hub}/search?q=graph&since=2025-99")
    expect(page.locator("#q")).to_have_value("graph")
    expect(page.locator("#err-since")).to_contain_text("2025-99")
    context.close()


def test_subscribe_fits_a_phone(chromium, hub):
    context = _context(chromium, viewport=PHONE)
    page = context.new_page()
    page.goto(f"{hub}/subscribe")
    assert _no_sideways_scroll(page)
    assert page.locator("#sub-topics").bounding_box()["width"] <= PHONE["width"] - 16
    page.locator("#sub-email").fill("reader@example.org")
    page.locator("#sub-topics").fill("cat:notacategory; diffusion")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator("#err-topics")).to_contain_text("notacategory")
    expect(page.locator("#sub-topics")).to_have_value("cat:notacategory; diffusion")
    page.locator("#sub-topics").fill("cat:cs.CL; diffusion")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.locator("main")).to_contain_text("cat:cs.CL; diffusion")
    context.close()


def test_header_menu_when_logged_in(chromium, hub):
    context = _context(chromium, viewport=PHONE)
    page = context.new_page()
    _login(page, hub, "root")
    page.goto(f"{hub}/subscribe")
    expect(page.locator("#sub-email")).to_have_value("root@example.org")  # prefilled
    menu = page.locator("details.usermenu .menu")
    expect(menu).to_be_hidden()
    page.locator("details.usermenu summary").click()
    for name in ("Account", "My subscription", "Moderation", "Status", "Mail"):
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(menu.get_by_role("button", name="Log out")).to_be_visible()
    page.screenshot(path=str(SHOTS / "menu-phone-light.png"))
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    context.close()


AXE_PAGES = {"home": "/", "day": f"/papers/date/{DAY}", "week": "/papers/week/2025-W24", "trending": "/trending",
             "search": "/search?q=graph&mode=keyword", "paper": f"/papers/{COMMENTED_ID}", "math": f"/papers/{MATH_ID}",
             "login": "/login", "register": "/register", "subscribe": "/subscribe"}
AXE_LOGGED_IN = {"submit": "/submit", "account": "/account", "paper-member": f"/papers/{COMMENTED_ID}"}


def _axe(page) -> list[str]:
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
        .filter(v => v.impact === 'serious' || v.impact === 'critical')
        .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))""")
    return result


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_and_screenshots_of_the_main_pages(chromium, hub, scheme):
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems = {}
    for device, size in (("desktop", DESKTOP), ("phone", PHONE)):
        context = _context(chromium, viewport=size, color_scheme=scheme)
        page = context.new_page()
        for group in (AXE_PAGES, AXE_LOGGED_IN):
            if group is AXE_LOGGED_IN:
                _login(page, hub, "root")
            for name, path in group.items():
                page.goto(hub + path)
                page.screenshot(path=str(SHOTS / f"{name}-{device}-{scheme}.png"))
                assert _no_sideways_scroll(page), (name, device)
                if device == "desktop" and (found := _axe(page)):
                    problems[name] = found
        context.close()
    assert problems == {}


def test_submitting_says_so_and_cannot_be_sent_twice(chromium, hub):
    context = _context(chromium, viewport=PHONE)
    page = context.new_page()
    _login(page, hub, "bob")
    page.goto(f"{hub}/submit")
    # Stand in for an arXiv that does not answer: submissions that would leave the page are counted and held here
    # (a window listener runs after the page's own document listener).
    page.evaluate("""() => { window.sent = 0; window.addEventListener('submit', e => {
        if (!e.defaultPrevented) window.sent += 1; e.preventDefault(); }); }""")
    page.locator("input[name=paper_id]").fill("2506.99001")
    button = page.locator("form[data-busy] button[type=submit]")
    button.click()
    expect(button).to_have_text("Submitting…")
    expect(button).to_have_attribute("aria-disabled", "true")
    button.evaluate("b => b.click()")  # a second press (aria-disabled buttons still fire) sends nothing more
    assert page.evaluate("window.sent") == 1
    context.close()
