"""Every page complies with the Content-Security-Policy the app sends (issue 11, item 16): Chromium loads the main
pages, anonymous and as a logged-in admin, and any CSP violation it reports on the console fails the test."""

from __future__ import annotations

import pytest

from dailypapers.community import comments as comment_logic
from dailypapers.web.app import create_app
from tests.community_support import PASSWORD, make_user
from tests.mail_helpers import add_subscriber
from tests.test_browser import browser  # noqa: F401  (fixture)
from tests.webdata import seed
from tests.webserver import running

pytestmark = pytest.mark.slow

ANONYMOUS = ["/", "/trending", "/search?q=paper", "/papers/2501.00012", "/papers/2501.00012/comments",
             "/papers/week/2025-W02", "/papers/month/2025-01", "/papers/date/2024-01-01", "/feeds", "/docs",
             "/login", "/register", "/subscribe", "/password/forgot", "/moderation", "/admin/status", "/no/such/page",
             "/papers/2401.00001v0"]
LOGGED_IN = ["/", "/papers/2501.00012", "/papers/2501.00012/comments", "/account", "/submit",
             "/account/subscription", "/admin/mail", "/moderation"]


def _violations(page) -> list[str]:
    found: list[str] = []
    page.on("console", lambda m: found.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: found.append(f"page error: {e}"))
    return found


def test_main_pages_raise_no_csp_violation(browser, settings, db, tmp_path):  # noqa: F811
    seed(db, tmp_path)
    admin = make_user(db, "boss", role="admin")
    with db.connect() as conn:
        from dailypapers.store.schema import papers

        paper_id = conn.execute(papers.select().with_only_columns(papers.c.id)
                                .where(papers.c.arxiv_id == "2501.00012")).scalar_one()
    comment_logic.post(db, paper_id, admin, "A *comment* with `code` and a [link](https://example.org).")
    sub = add_subscriber(db, "reader@example.org")
    app = create_app(settings.replace(mail_backend="memory", digest_schedule_enabled=False), db=db)
    with running(app, settings) as site:
        page = browser.new_context().new_page()
        violations = _violations(page)
        for path in ANONYMOUS + [f"/subscription/{sub['token']}", f"/subscription/{sub['token']}/preview"]:
            page.goto(site + path)
            page.wait_for_load_state("load")
            assert not violations, (path, violations)
        page.goto(site + "/login")
        page.fill("input[name=identifier]", "boss")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(site + "/")
        for path in LOGGED_IN:
            page.goto(site + path)
            page.wait_for_load_state("load")
            assert not violations, (path, violations)
        page.goto(site + "/papers/2501.00012")  # the upvote script runs and posts with the CSRF header
        page.locator("form.upvote button").first.click()
        page.wait_for_timeout(300)
        assert not violations, violations


def test_an_inline_script_would_be_reported(browser, settings, db):  # noqa: F811
    """The check above can fail: a page with an inline script and style, served by the same app, is reported."""
    from fastapi.responses import HTMLResponse

    app = create_app(settings, db=db)

    @app.get("/inline-test")
    def inline_test():
        return HTMLResponse('<p style="color:red" onclick="x()">x</p><script>document.title="ran"</script>')

    with running(app, settings) as site:
        page = browser.new_context().new_page()
        violations = _violations(page)
        page.goto(site + "/inline-test")
        page.wait_for_load_state("load")
        assert page.title() != "ran"
        assert len(violations) >= 2, violations
