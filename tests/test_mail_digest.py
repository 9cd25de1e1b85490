from datetime import date
from email import message_from_bytes, policy

import sqlalchemy as sa

from dailypapers.mail.backends import MemoryBackend
from dailypapers.mail.sender import preview, send_period
from dailypapers.store.schema import deliveries
from tests.mail_helpers import add_subscriber, seed_papers
from tests.smtp_sink import start_sink

DAY = date(2025, 3, 5)  # a Wednesday


def _outbox():
    MemoryBackend.outbox.clear()
    return MemoryBackend.outbox


def test_digest_has_trending_then_topics_and_reruns_send_nothing(db, settings):
    seed_papers(db, DAY, 30)
    add_subscriber(db, "a@example.org", topics=[{"kind": "query", "value": "diffusion"},
                                                {"kind": "category", "value": "cs.RO"}])
    add_subscriber(db, "b@example.org")
    add_subscriber(db, "pending@example.org", confirmed=False)
    add_subscriber(db, "weekly@example.org", frequency="weekly")
    settings = settings.replace(mail_backend="memory", digest_trending_count=5, digest_topic_count=3)
    outbox = _outbox()
    report = send_period(db, settings, "daily", DAY)
    assert (report.enqueued, report.sent) == (2, 2)
    assert sorted(m["To"] for m in outbox) == ["a@example.org", "b@example.org"]
    msg = next(m for m in outbox if m["To"] == "a@example.org")
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert text.index("Trending today") < text.index("“diffusion”") < text.index("Category cs.RO")
    assert "Paper 0 on diffusion models" in text  # most upvoted first
    assert 'style="' in html and "http://testserver/papers/2511.00001" in html
    # Topic sections never repeat a paper shown above them.
    titles = [line for line in text.splitlines() if line.startswith("* ")]
    assert len(titles) == len(set(titles))
    assert "Wed 05 Mar 2025" in msg["Subject"]
    assert msg["Message-ID"].startswith("<digest.daily.2025-03-05.")

    again = send_period(db, settings, "daily", DAY)
    assert (again.enqueued, again.sent) == (0, 0)
    assert len(outbox) == 2


def test_next_digest_never_repeats_a_paper(db, settings):
    seed_papers(db, DAY, 12)
    add_subscriber(db, "a@example.org", topics=[{"kind": "author", "value": "Grace Hopper"}])
    settings = settings.replace(mail_backend="memory", digest_trending_count=4, digest_topic_count=4)
    outbox = _outbox()
    send_period(db, settings, "daily", DAY)
    send_period(db, settings, "daily", date(2025, 3, 6))
    assert len(outbox) == 2
    with db.connect() as conn:
        rows = conn.execute(sa.select(deliveries.c.paper_ids).order_by(deliveries.c.id)).scalars().all()
    assert len(rows[0]) == 8 and len(rows[1]) == 4  # 12 papers in all, none twice
    assert not set(rows[0]) & set(rows[1])


def test_preview_records_nothing(db, settings):
    seed_papers(db, DAY, 5)
    sub = add_subscriber(db, "a@example.org")
    digest, msg = preview(db, settings, sub, day=DAY)
    assert len(digest.paper_ids) == 5
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    with db.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(deliveries)).scalar() == 0


def test_headers_rfc2047_and_no_injection(db, settings, tmp_path):
    seed_papers(db, DAY, 3)
    add_subscriber(db, "eve@example.org", name="Évè Ünïcode\r\nBcc: victim@example.com")
    settings = settings.replace(mail_backend="file", mail_file_dir=str(tmp_path / "out"),
                                site_name="Papiers du jour — Café", mail_from="Café Papiers <digest@example.org>")
    send_period(db, settings, "daily", DAY)
    [eml] = (tmp_path / "out").glob("*.eml")
    raw = eml.read_bytes()  # exactly what goes over the wire
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"Bcc" not in head and b"victim" not in head
    assert b"=?utf-8?" in head  # RFC 2047 for name and subject
    assert all(b < 128 for b in head)
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["To"].addresses[0].display_name == "Évè Ünïcode Bcc: victim@example.com"
    assert parsed["To"].addresses[0].addr_spec == "eve@example.org"
    assert parsed["From"].addresses[0].display_name == "Café Papiers"
    assert parsed["Subject"].startswith("Papiers du jour — Café daily digest")
    unsub = str(parsed["List-Unsubscribe"]).strip()  # a long header is folded after the colon
    assert unsub.startswith("<http://testserver/unsubscribe/") and len(unsub) > 50
    assert parsed["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert parsed["List-Id"] == "Papiers du jour — Café digest <digest.testserver>"
    assert parsed["Date"] and parsed["Message-ID"]
    assert b"\nTo: =?utf-8?" in raw and b"<eve@example.org>" in raw
    assert parsed.get_body(("html",)).get_content().startswith("<!DOCTYPE html>")


def test_4xx_retried_5xx_recorded_not_retried(db, settings):
    seed_papers(db, DAY, 3)
    for name in ("a", "b", "c"):
        add_subscriber(db, f"{name}@example.org")
    controller, handler = start_sink()
    try:
        settings = settings.replace(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none",
                                    mail_retry_backoff_s=0.01, mail_retry_attempts=3)
        # a: two 4xx then accepted; b: 5xx, recorded; c: accepted.
        handler.fail_for = {"a@example.org": ["451 4.3.0 busy", "421 4.7.0 later"],
                            "b@example.org": ["550 5.1.1 unknown user"]}
        report = send_period(db, settings, "daily", DAY)
        assert (report.sent, report.failed) == (2, 1)
        assert sorted(m["To"] for m in handler.messages) == ["a@example.org", "c@example.org"]
        with db.connect() as conn:
            rows = {r.subscriber_id: r for r in conn.execute(sa.select(deliveries))}
        statuses = sorted((r.status, r.attempts) for r in rows.values())
        assert statuses == [("failed", 1), ("sent", 1), ("sent", 3)]
        assert "550" in next(r.error for r in rows.values() if r.status == "failed")
        # A rerun does not retry the permanent failure.
        assert send_period(db, settings, "daily", DAY).sent == 0
        assert len(handler.messages) == 2
    finally:
        controller.stop()


def test_4xx_until_attempts_run_out_leaves_it_queued_for_the_next_run(db, settings):
    seed_papers(db, DAY, 3)
    add_subscriber(db, "a@example.org")
    controller, handler = start_sink()
    try:
        settings = settings.replace(smtp_host="127.0.0.1", smtp_port=controller.port, smtp_security="none",
                                    mail_retry_backoff_s=0.01, mail_retry_attempts=2)
        handler.fail_next = ["451 busy", "451 busy"]
        report = send_period(db, settings, "daily", DAY)
        assert (report.sent, report.deferred) == (0, 1)
        assert send_period(db, settings, "daily", DAY).sent == 1
        assert len(handler.messages) == 1
    finally:
        controller.stop()
