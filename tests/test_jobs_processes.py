"""Two real `serve` processes on one database: kill -9 the one harvesting, the other takes the jobs over; one harvest,
one digest per subscriber. And arXiv's request spacing holds across two `dailypapers sync` processes."""

from __future__ import annotations

import email
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from dailypapers.store import harvest as harvest_store
from dailypapers.store.schema import deliveries, job_leases, subscribers
from tests.harvest_helpers import TOKEN, build_server, export_text
from tests.mail_helpers import add_subscriber
from tests.processes import cli_env, start_serve

LEASE_S = 5.0


def _replay_env(database_url, server, **extra):
    # The held page must outlast the wait for the kill (a timeout would end the sync first); a killed process's
    # in-flight mark then holds the survivor back for this timeout + 5 s.
    return cli_env(database_url, arxiv_oai_url=server.url + "/oai", arxiv_rss_url=server.url + "/rss",
                   arxiv_categories="cs", arxiv_max_retries=0, arxiv_timeout_s=30, **extra)


def _wait(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _harvesting_pid(db) -> int | None:
    with db.connect() as conn:
        running = harvest_store.running_run(conn)
        holder = conn.execute(sa.select(job_leases.c.holder).where(job_leases.c.name == "arxiv-sync")).scalar()
    if running is None:
        return None
    assert holder and int(holder.split(":")[1]) == running["pid"]  # the sync runs in the lease's holder
    return running["pid"]


@pytest.mark.slow
def test_kill_9_the_serve_process_that_harvests_and_the_other_takes_over(shared_dir, db, database_url, tmp_path):
    weekday = datetime.now(UTC).strftime("%A").lower()
    emails = [f"reader{i}@example.org" for i in range(4)]
    for address in emails:
        add_subscriber(db, address, frequency="weekly")
    server = build_server(shared_dir, None, ["cs"], with_503=False)
    server.routes[0].replies[0].delay_s = 60  # hold the second page, so the kill lands mid-harvest
    outbox = tmp_path / "outbox"
    env = _replay_env(database_url, server, job_lease_seconds=LEASE_S, index_on_serve="false",
                      digest_hour=0, digest_timezone="UTC", digest_weekly_day=weekday, mail_backend="file",
                      mail_file_dir=outbox)
    procs = [start_serve(env, log_path=tmp_path / f"serve{i}.log") for i in range(2)]
    try:
        _wait(lambda: any(r.query.get("resumptionToken") == TOKEN for r in server.log), 60, "the second page")
        holder = _wait(lambda: _harvesting_pid(db), 10, "the sync run")
        victim = next(p for p in procs if p.pid == holder)
        survivor = next(p for p in procs if p.pid != holder)
        victim.kill()
        killed_at = datetime.now(UTC).replace(tzinfo=None)
        server.routes[0].replies[0].delay_s = 0

        def finished():
            with db.connect() as conn:
                runs = harvest_store.recent_runs(conn)
            return runs if runs and runs[0]["status"] == "ok" else None

        runs = _wait(finished, 150, "the survivor to finish the harvest")
        assert [r["status"] for r in runs] == ["ok", "interrupted"]
        assert runs[0]["pid"] == survivor.pid and runs[1]["pid"] == victim.pid
        # Taken over within the lease and a third of it, plus the time a sync takes to start.
        assert (runs[0]["started_at"] - killed_at).total_seconds() < LEASE_S * 4 / 3 + 2
        resumed = [r for r in server.log if r.query.get("resumptionToken") == TOKEN]
        assert len(resumed) == 2  # the victim's request, then the survivor's resumption: no restart from page one
        assert export_text(db).count("\n") == 62  # one harvest: every cs paper and announcement once

        def digests_done():
            with db.connect() as conn:
                rows = conn.execute(sa.select(deliveries.c.subscriber_id, deliveries.c.status)).all()
            return rows if len(rows) == len(emails) and all(s != "queued" for _, s in rows) else None

        rows = _wait(digests_done, 60, "the weekly digest")
        with db.connect() as conn:
            ids = set(conn.execute(sa.select(subscribers.c.id)).scalars())
        assert sorted(r.subscriber_id for r in rows) == sorted(ids)  # one delivery per subscriber
        sent = [email.message_from_bytes(p.read_bytes()) for p in outbox.glob("*.eml")] if outbox.exists() else []
        assert len(sent) == sum(1 for _, s in rows if s == "sent")
        assert len({m["Message-ID"] for m in sent}) == len(sent) and len({m["To"] for m in sent}) == len(sent)
    finally:
        for p in procs:
            p.stop()
        server.stop()


@pytest.mark.slow
def test_two_sync_processes_back_to_back_keep_arxivs_spacing(shared_dir, db, database_url):
    server = build_server(shared_dir, None, ["cs"], with_503=False)
    env = _replay_env(database_url, server)
    try:
        for _ in range(2):
            done = subprocess.run([sys.executable, "-m", "dailypapers", "sync"], env=env, capture_output=True,
                                  text=True, timeout=120)
            assert done.returncode == 0, done.stderr
    finally:
        server.stop()
    times = [r.at for r in server.log]
    assert len(times) >= 5  # two pages and RSS, then the second process's requests
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 3.0 - 0.05, gaps  # measured start to start, which is at least end to start
