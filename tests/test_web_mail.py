import re
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dailypapers.mail.backends import MemoryBackend
from dailypapers.mail.schedule import DigestJob, due
from dailypapers.mail.sender import send_period
from dailypapers.store import subscriptions as sstore
from dailypapers.store.schema import subscribers
from dailypapers.web.app import create_app
from tests.community_support import login, make_user
from tests.mail_helpers import add_subscriber, seed_papers

DAY = date(2025, 3, 5)


@pytest.fixture
def mail_settings(settings):
    return settings.replace(mail_backend="memory", mail_webhook_secret="hook-secret",
                            digest_schedule_enabled=False)


@pytest.fixture
def client(mail_settings, db):
    MemoryBackend.outbox.clear()
    with TestClient(create_app(mail_settings, db=db)) as c:
        yield c


def _status(db, email):
    with db.connect() as conn:
        return conn.execute(sa.select(subscribers.c.status).where(subscribers.c.email == email)).scalar()


def test_double_opt_in_only_a_post_confirms(client, db):
    r = client.get("/subscribe")
    assert r.status_code == 200 and 'name="email"' in r.text
    r = client.post("/subscribe", data={"email": "Reader@Example.ORG", "frequency": "weekly",
                                        "topics": "cat:cs.CL; diffusion"})
    assert r.status_code == 200 and "confirmation link" in r.text
    assert _status(db, "reader@example.org") == "pending"
    [mail] = MemoryBackend.outbox
    assert mail["To"] == "reader@example.org" and "Confirm" in mail["Subject"]
    link = re.search(r"http://testserver(/subscribe/confirm/\S+)", mail.get_body(("plain",)).get_content()).group(1)
    page = client.get(link)  # what a mail scanner does
    assert page.status_code == 200 and "<form method=\"post\"" in page.text
    assert _status(db, "reader@example.org") == "pending"
    assert client.post(link).status_code == 200
    assert _status(db, "reader@example.org") == "confirmed"
    # Subscribing again neither mails a confirmed address nor lets anyone change its preferences.
    client.post("/subscribe", data={"email": "reader@example.org", "frequency": "daily"})
    assert len(MemoryBackend.outbox) == 1
    with db.connect() as conn:
        sub = sstore.get_by_email(conn, "reader@example.org")
    assert sub["frequency"] == "weekly" and sub["topics"] == [{"kind": "category", "value": "cs.CL"},
                                                              {"kind": "query", "value": "diffusion"}]
    assert client.post("/subscribe/confirm/not-a-token").status_code == 404


def test_repeated_subscribe_requests_send_one_confirmation(client, db):
    for _ in range(5):
        r = client.post("/subscribe", data={"email": "target@example.org"})
        assert r.status_code == 200 and "confirmation link" in r.text  # same answer every time
    assert len(MemoryBackend.outbox) == 1


def test_a_second_request_for_a_pending_address_keeps_what_the_first_mail_promised(client, db):
    from dailypapers.store import subscriptions as sstore

    client.post("/subscribe", data={"email": "twice@example.org", "frequency": "weekly", "topics": "cat:cs.CL"})
    r = client.post("/subscribe", data={"email": "twice@example.org", "frequency": "daily", "topics": "graphs"})
    assert r.status_code == 200 and "a daily digest (weekdays) on graphs" in r.text  # echoes what was asked
    with db.connect() as conn:
        row = sstore.get_by_email(conn, "twice@example.org")
    assert row["frequency"] == "weekly" and row["topics"] == [{"kind": "category", "value": "cs.CL"}]
    assert len(MemoryBackend.outbox) == 1


@pytest.mark.parametrize("email", ["", "no-at-sign", "a@b", "eve@example.org\r\nBcc: x@example.org",
                                   "a b@example.org", "<a@example.org>"])
def test_bad_addresses_are_refused_with_the_field_named(client, email):
    r = client.post("/subscribe", data={"email": email})
    assert r.status_code == 422 and 'id="err-email"' in r.text  # the error sits beside the email field
    assert MemoryBackend.outbox == []


def test_bad_topics_are_refused(client):
    r = client.post("/subscribe", data={"email": "a@example.org", "topics": "cat:not a category"})
    assert r.status_code == 422 and 'id="err-topics"' in r.text
    # Only arXiv's taxonomy counts as a category; the form comes back with what was typed.
    r = client.post("/subscribe", data={"email": "a@example.org", "topics": "cat:notacategory; diffusion"})
    assert r.status_code == 422 and 'id="err-topics"' in r.text and "cat:notacategory; diffusion" in r.text


def test_one_click_unsubscribe_rfc8058(client, db, mail_settings):
    seed_papers(db, DAY, 30)
    sub = add_subscriber(db, "a@example.org")
    other = add_subscriber(db, "b@example.org")
    send_period(db, mail_settings, "daily", DAY)
    msg = next(m for m in MemoryBackend.outbox if m["To"] == "a@example.org")
    url = str(msg["List-Unsubscribe"]).strip()[1:-1]
    path = url.replace("http://testserver", "")
    page = client.get(path)
    assert page.status_code == 200 and "<button" in page.text
    assert _status(db, "a@example.org") == "confirmed"  # a GET changes nothing
    fresh = TestClient(client.app)  # no cookies, no CSRF token: what a mailbox provider sends
    for _ in range(2):  # idempotent
        r = fresh.post(path, content="List-Unsubscribe=One-Click",
                       headers={"Content-Type": "application/x-www-form-urlencoded"}, follow_redirects=False)
        assert r.status_code == 200
    assert _status(db, "a@example.org") == "unsubscribed"
    assert _status(db, "b@example.org") == "confirmed"
    assert fresh.post("/unsubscribe/wrong-token").status_code == 404
    # A stale confirmation link cannot undo the unsubscribe.
    assert client.post(f"/subscribe/confirm/{sub['token']}").status_code == 404
    assert _status(db, "a@example.org") == "unsubscribed"
    MemoryBackend.outbox.clear()
    send_period(db, mail_settings, "daily", date(2025, 3, 6))
    assert [m["To"] for m in MemoryBackend.outbox] == [other["email"]]


def test_bounce_webhook(client, db, mail_settings):
    for email in ("hard@example.org", "soft@example.org", "complaint@example.org"):
        add_subscriber(db, email)
    event = {"email": "hard@example.org", "type": "hard", "detail": "550 no such user"}
    assert client.post("/webhooks/bounce", json=event).status_code == 403
    assert client.post("/webhooks/bounce", json=event, headers={"X-Webhook-Secret": "nope"}).status_code == 403
    auth = {"Authorization": "Bearer hook-secret"}
    r = client.post("/webhooks/bounce", json=event, headers=auth)
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "suppressed"
    soft = {"email": "soft@example.org", "type": "soft"}
    for expected in ("confirmed", "confirmed", "suppressed"):  # mail_soft_bounce_limit = 3
        r = client.post("/webhooks/bounce", json={"events": [soft]}, headers={"X-Webhook-Secret": "hook-secret"})
        assert r.json()["results"][0]["status"] == expected
    r = client.post("/webhooks/bounce", json=[{"email": "complaint@example.org", "type": "complaint"},
                                              {"email": "stranger@example.org", "type": "hard"}], headers=auth)
    assert [x["status"] for x in r.json()["results"]] == ["suppressed", None]
    bad = client.post("/webhooks/bounce", json=[{"email": "x@example.org", "type": "bogus"}], headers=auth)
    assert bad.status_code == 400 and "events[0].type" in bad.json()["error"]
    assert client.post("/webhooks/bounce", content=b"{", headers=auth).status_code == 400
    for body in ([], {"events": []}, [1], None, [{"email": "x@example.org", "kind": "HARD"}, {"email": "nope"}]):
        r = client.post("/webhooks/bounce", json=body, headers=auth)
        assert r.status_code == 400 and r.json()["error"].split(":")[0] in ("body", "events[1].email", "events[1].type")
    assert _status(db, "x@example.org") is None  # a batch with one bad event records none of it
    # Suppressed addresses get nothing and cannot be re-subscribed through the form.
    client.post("/subscribe", data={"email": "hard@example.org"})
    assert _status(db, "hard@example.org") == "suppressed" and MemoryBackend.outbox == []
    disabled = TestClient(create_app(mail_settings.replace(mail_webhook_secret=""), db=db))
    assert disabled.post("/webhooks/bounce", json=event, headers=auth).status_code == 404


def test_preview_manage_and_admin_pages(client, db, mail_settings):
    seed_papers(db, DAY, 4)
    sub = add_subscriber(db, "a@example.org")
    r = client.get(f"/subscription/{sub['token']}/preview?date={DAY}")
    assert r.status_code == 200 and "Paper 0 on diffusion models" in r.text and "Trending today" in r.text
    assert client.get(f"/subscription/{sub['token']}/preview?date=2025-13-01").status_code == 400
    r = client.post(f"/subscription/{sub['token']}", data={"frequency": "weekly", "topics": "author:Grace Hopper"})
    assert r.status_code == 200 and "Saved" in r.text
    with db.connect() as conn:
        assert sstore.get_by_email(conn, "a@example.org")["frequency"] == "weekly"
    assert client.post(f"/subscription/{sub['token']}", data={"frequency": "hourly"}).status_code == 422
    assert client.get("/admin/mail").status_code == 403
    assert client.get("/admin/mail?token=anything").status_code == 403  # the mail_admin_token setting is gone
    assert client.get("/admin/mail/preview?email=a@example.org").status_code == 403
    send_period(db, mail_settings, "weekly", DAY)
    make_user(db, "root", role="admin")
    login(client, "root")
    r = client.get("/admin/mail")
    assert r.status_code == 200 and "weekly:2025-W10" in r.text and "a@example.org" in r.text
    r = client.get("/admin/mail/preview?email=a@example.org")
    assert r.status_code == 200 and "weekly digest" in r.text


def test_schedule_daily_on_weekdays_weekly_on_its_day(settings):
    s = settings.replace(digest_hour=7, digest_weekly_day="friday")
    assert due(s, datetime(2025, 3, 5, 6, 59)) == []
    assert due(s, datetime(2025, 3, 5, 7, 0)) == [("daily", date(2025, 3, 5))]
    assert due(s, datetime(2025, 3, 7, 9, 0)) == [("daily", date(2025, 3, 7)), ("weekly", date(2025, 3, 7))]
    assert due(s, datetime(2025, 3, 8, 9, 0)) == []  # Saturday


def test_scheduler_sends_each_due_period_once(db, settings):
    calls = []

    class Report:
        deferred = 0

        def summary(self):
            return "ok"

    def fake_send(db_, settings_, kind, day):
        calls.append((kind, day))
        return Report()

    clock = iter([datetime(2025, 3, 3, 6), datetime(2025, 3, 3, 8), datetime(2025, 3, 3, 9)])
    sched = DigestJob(db, settings, clock=lambda: next(clock), send=fake_send)
    assert sched.tick() == []
    assert sched.tick() == [("daily", date(2025, 3, 3)), ("weekly", date(2025, 3, 3))]
    assert sched.tick() == []
    assert calls == [("daily", date(2025, 3, 3)), ("weekly", date(2025, 3, 3))]


def test_serve_lifespan_starts_and_stops_the_scheduler(db, settings):
    app = create_app(settings.replace(digest_schedule_enabled=True, sync_in_serve=False, index_on_serve=False), db=db,
                     background_sync=True)
    with TestClient(app):
        assert list(app.state.jobs.states) == ["digests", "gists", "housekeeping"] and app.state.jobs.alive
    assert not app.state.jobs.alive
    off = create_app(settings.replace(digest_schedule_enabled=False, sync_in_serve=False, index_on_serve=False), db=db,
                     background_sync=True)
    with TestClient(off):
        assert "digests" not in off.state.jobs.states
    assert not hasattr(create_app(settings, db=db).state, "jobs")  # tests and embedders: never


def test_account_page_subscription_for_logged_in_users(client, db):
    from tests.community_support import csrf_from, login, make_user, use_verification_link, verification_link

    make_user(db, "alice")
    assert client.get("/account/subscription", follow_redirects=False).status_code == 303  # log in first
    assert login(client, "alice").status_code == 303
    page = client.get("/account/subscription")
    assert page.status_code == 200 and "alice@example.org" in page.text
    no_csrf = client.post("/account/subscription", data={"frequency": "weekly", "topics": "cat:cs.CL"})
    assert no_csrf.status_code == 403
    r = client.post("/account/subscription", data={"frequency": "weekly", "topics": "cat:cs.CL",
                                                   "csrf_token": csrf_from(page.text)})
    assert r.status_code == 403 and "Confirm your email address first" in r.text  # the address is not proven yet
    assert _status(db, "alice@example.org") is None
    client.post("/account/email/verify", data={"csrf_token": csrf_from(page.text)})
    [mail] = MemoryBackend.outbox
    assert "not verified yet" in client.get("/account").text
    assert use_verification_link(client, verification_link(mail)).status_code == 200
    page = client.get("/account/subscription")
    r = client.post("/account/subscription", data={"frequency": "weekly", "topics": "cat:cs.CL",
                                                   "csrf_token": csrf_from(page.text)})
    assert r.status_code == 200 and "Subscribed" in r.text
    assert _status(db, "alice@example.org") == "confirmed"  # the verified address is the opt-in: no second mail
    assert len(MemoryBackend.outbox) == 1
    page = client.get("/account/subscription")
    r = client.post("/account/subscription", data={"frequency": "daily", "topics": "author:Grace Hopper",
                                                   "csrf_token": csrf_from(page.text)})
    assert "Saved." in r.text
    with db.connect() as conn:
        sub = sstore.get_by_email(conn, "alice@example.org")
    assert sub["frequency"] == "daily" and sub["user_id"] is not None and sub["status"] == "confirmed"


def test_only_admins_see_the_mail_admin_page(client, db):
    make_user(db, "root", role="admin")
    make_user(db, "bob")
    login(client, "bob")
    assert client.get("/admin/mail").status_code == 403
    client.cookies.clear()
    login(client, "root")
    assert client.get("/admin/mail").status_code == 200
