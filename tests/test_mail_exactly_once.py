"""Exactly-once delivery: a real sending process killed with SIGKILL mid-run, then rerun, against a real SMTP server."""

import collections
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from dailypapers.mail.backends import MemoryBackend
from dailypapers.mail.sender import send_period
from dailypapers.store import subscriptions as sstore
from dailypapers.store.schema import deliveries
from tests.mail_helpers import add_subscriber, seed_papers
from tests.smtp_sink import start_sink

ROOT = Path(__file__).resolve().parents[1]

DAY = date(2025, 3, 5)
CONNECTIONS = 2  # parallel SMTP connections of the sender: each may repeat one digest after a crash


def _send_process(settings, port: int, rate: float) -> subprocess.Popen:
    env = {**os.environ, "DAILYPAPERS_DATABASE_URL": settings.database_url, "DAILYPAPERS_SMTP_HOST": "127.0.0.1",
           "DAILYPAPERS_SMTP_PORT": str(port), "DAILYPAPERS_SMTP_SECURITY": "none",
           "DAILYPAPERS_MAIL_RATE": str(rate), "DAILYPAPERS_BASE_URL": "https://papers.example.org",
           "DAILYPAPERS_MAIL_CONNECTIONS": str(CONNECTIONS)}
    env.pop("DAILYPAPERS_CONFIG", None)
    return subprocess.Popen([sys.executable, "-m", "dailypapers", "digest", "send", "--period", "daily", "--date",
                             DAY.isoformat()], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_gives_everyone_exactly_one_digest(db, settings):
    seed_papers(db, DAY, 20)
    confirmed = [f"reader{i:03d}@example.org" for i in range(60)]
    for email in confirmed:
        add_subscriber(db, email)
    add_subscriber(db, "pending@example.org", confirmed=False)
    controller, handler = start_sink()
    try:
        proc = _send_process(settings, controller.port, rate=25)
        deadline = time.monotonic() + 60
        while handler.count < 15 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        at_kill = handler.count
        assert 15 <= at_kill < len(confirmed), f"the kill must land mid-run (had {at_kill})"
        with db.connect() as conn:
            sent_rows = conn.execute(sa.select(sa.func.count()).where(deliveries.c.status == "sent")).scalar()
        assert sent_rows < len(confirmed)

        rerun = _send_process(settings, controller.port, rate=0)
        out, _ = rerun.communicate(timeout=120)
        assert rerun.returncode == 0, out.decode()
    finally:
        controller.stop()
    per_address = collections.Counter(str(m["To"]) for m in handler.messages)
    assert set(per_address) == set(confirmed)  # everyone confirmed, nobody else
    duplicates = sum(n - 1 for n in per_address.values())
    assert duplicates <= CONNECTIONS, f"at most one duplicate per connection: {per_address.most_common(3)}"
    ids = collections.Counter(m["Message-ID"] for m in handler.messages)
    assert len(ids) == len(confirmed)  # a duplicate carries the same Message-ID, so receivers can drop it
    with db.connect() as conn:
        query = sa.select(deliveries.c.status, sa.func.count()).group_by(deliveries.c.status)
        statuses = dict(conn.execute(query).all())
    assert statuses == {"sent": len(confirmed)}

    # Running the period a third time sends nothing.
    controller, handler = start_sink()
    try:
        third = _send_process(settings, controller.port, rate=0)
        out, _ = third.communicate(timeout=60)
        assert third.returncode == 0 and handler.count == 0, out.decode()
        assert b"0 sent" in out
    finally:
        controller.stop()


def test_unsubscribing_mid_run_gets_nothing_further(db, settings):
    seed_papers(db, DAY, 5)
    subs = [add_subscriber(db, f"r{i:02d}@example.org") for i in range(20)]
    leaver = subs[-1]
    settings = settings.replace(mail_backend="memory", mail_rate=40)
    MemoryBackend.outbox.clear()
    result = {}
    worker = threading.Thread(target=lambda: result.update(report=send_period(db, settings, "daily", DAY)))
    worker.start()
    deadline = time.monotonic() + 30
    while len(MemoryBackend.outbox) < 5 and time.monotonic() < deadline:
        time.sleep(0.005)
    with db.write() as conn:
        assert sstore.unsubscribe(conn, leaver["token"], datetime(2025, 3, 5))["status"] == "unsubscribed"
    worker.join(60)
    sent_to = [str(m["To"]) for m in MemoryBackend.outbox]
    assert sent_to.index(subs[-2]["email"]) >= 5 and leaver["email"] not in sent_to
    assert result["report"].skipped == 1 and result["report"].sent == 19
    with db.connect() as conn:
        status = conn.execute(sa.select(deliveries.c.status).where(
            deliveries.c.subscriber_id == leaver["id"])).scalar()
    assert status == "skipped"


@pytest.mark.slow
def test_two_senders_at_once_share_the_period_without_duplicates(db, settings):
    seed_papers(db, DAY, 10)
    confirmed = [f"reader{i:03d}@example.org" for i in range(40)]
    for email in confirmed:
        add_subscriber(db, email)
    controller, handler = start_sink()
    try:
        procs = [_send_process(settings, controller.port, rate=40) for _ in range(2)]
        outputs = [p.communicate(timeout=120)[0].decode() for p in procs]
        assert all(p.returncode == 0 for p in procs), outputs
    finally:
        controller.stop()
    per_address = collections.Counter(str(m["To"]) for m in handler.messages)
    assert per_address == collections.Counter(confirmed)  # each exactly once
    sent = [int(out.split(" sent")[0].rsplit(" ", 1)[-1]) for out in outputs]
    assert sum(sent) == len(confirmed), outputs  # claims split the rows, whoever got there first
