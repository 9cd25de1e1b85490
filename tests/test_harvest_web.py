"""The status page, the home page of an empty hub while backfilling or offline, and the scheduler in `serve`."""

import threading
import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from dailypapers.config import ConfigError, Settings
from dailypapers.harvest.scheduler import SyncJob, parse_sync_time, previous_slot
from dailypapers.store import harvest as store
from dailypapers.store.schema import harvest_runs
from dailypapers.web.app import create_app
from tests.community_support import login, make_user
from tests.harvest_helpers import build_server, replay_settings


def _client(db, settings, **kw):
    return TestClient(create_app(settings, db=db, **kw))


def _admin_client(db, settings, **kw):
    client = _client(db, settings, **kw)
    make_user(db, "boss", role="admin")
    assert login(client, "boss").status_code in (302, 303)
    return client


def test_status_needs_an_admin(db, settings):
    client = _client(db, settings)
    assert client.get("/api/harvest/status").status_code == 401
    assert client.get("/admin/status", follow_redirects=False).status_code in (302, 303, 401)
    make_user(db, "member1")
    assert login(client, "member1").status_code in (302, 303)
    assert client.get("/admin/status").status_code == 403


def test_status_page_shows_last_sync_and_its_error(db, settings):
    with db.write() as conn:
        ok = store.start_run(conn, "cli", backfill=True)
        store.add_to_run(conn, ok, papers_new=394, daily_added=4, records=388)
        store.finish_run(conn, ok)
    with db.write() as conn:
        bad = store.start_run(conn, "serve", backfill=False)
        store.finish_run(conn, bad, error="arXiv unreachable at https://oaipmh.arxiv.org/oai: cannot connect")
    client = _admin_client(db, settings)
    page = client.get("/admin/status")
    assert page.status_code == 200
    assert "FAILED: arXiv unreachable at https://oaipmh.arxiv.org/oai: cannot connect" in page.text
    assert "Last successful sync" in page.text and "394" in page.text
    data = client.get("/api/harvest/status").json()
    assert data["last"]["status"] == "failed" and data["last_ok"]["papers_new"] == 394


def test_empty_home_shows_backfill_progress(db, settings):
    with db.write() as conn:
        run = store.start_run(conn, "serve", backfill=True)
        store.update_run(conn, run, records=387, records_total=1440, papers_new=62)
    page = _client(db, settings).get("/")
    assert page.status_code == 200
    assert "Backfilling: 387 of about 1440 arXiv records read, 62 new papers so far" in page.text
    assert 'http-equiv="refresh"' in page.text


def test_empty_home_after_failed_sync_says_how_to_load_papers(db, settings):
    with db.write() as conn:
        run = store.start_run(conn, "serve", backfill=True)
        store.finish_run(conn, run, error="arXiv unreachable at https://oaipmh.arxiv.org/oai: cannot connect")
    page = _client(db, settings).get("/")
    assert "The last arXiv sync failed: arXiv unreachable" in page.text
    assert "dailypapers import FILE" in page.text and "arxiv-metadata-oai-snapshot.json" in page.text


def test_the_last_slot_is_the_last_sync_time_in_its_zone():
    at, zone = parse_sync_time(Settings(sync_time="00:30", sync_timezone="America/New_York"))
    # 03:00 UTC on 1 July is 23:00 EDT on 30 June -> the last 00:30 EDT was on 30 June = 04:30 UTC
    assert previous_slot(datetime(2026, 7, 1, 3, 0, tzinfo=UTC), at, zone) == datetime(2026, 6, 30, 4, 30, tzinfo=UTC)
    assert previous_slot(datetime(2026, 7, 1, 4, 30, tzinfo=UTC), at, zone) == datetime(2026, 7, 1, 4, 30, tzinfo=UTC)
    # in winter (EST) the same local time is an hour later in UTC
    assert previous_slot(datetime(2026, 1, 5, 12, 0, tzinfo=UTC), at, zone) == datetime(2026, 1, 5, 5, 30, tzinfo=UTC)
    assert previous_slot(datetime(2026, 7, 1, 3, 0, tzinfo=UTC), at, ZoneInfo("UTC")).date() == date(2026, 7, 1)
    with pytest.raises(ConfigError, match="sync_time"):
        parse_sync_time(Settings(sync_time="half past"))
    with pytest.raises(ConfigError, match="sync_timezone"):
        parse_sync_time(Settings(sync_timezone="Mars/Olympus"))


def test_sync_job_backfills_an_empty_database_at_once_and_only_then(db, settings):
    calls = []
    job = SyncJob(db, settings, sync=lambda *a, **k: calls.append(k))
    job(threading.Event())
    assert [(c["trigger"], c["takeover"]) for c in calls] == [("serve", True)]
    # A database that already has papers (an import) waits for the daily slot instead.
    from dailypapers.records import PaperRecord
    from dailypapers.store.papers import upsert_papers

    with db.write() as conn:
        upsert_papers(conn, [PaperRecord(arxiv_id="2501.00001", title="Imported")])
    calls.clear()
    SyncJob(db, settings, sync=lambda *a, **k: calls.append(k))(threading.Event())
    assert calls == []


def test_sync_job_decides_from_the_run_log_so_any_process_can_take_over(db, settings):
    from dailypapers.records import PaperRecord
    from dailypapers.store.papers import upsert_papers

    with db.write() as conn:
        upsert_papers(conn, [PaperRecord(arxiv_id="2501.00001", title="Imported")])
    s = settings.replace(sync_time="00:30", sync_timezone="UTC")
    clock = [datetime(2026, 7, 1, 0, 10, tzinfo=UTC)]
    job = SyncJob(db, s, now=lambda: clock[0])
    assert job.due() is None  # no run yet, the slot has not come
    clock[0] = datetime(2026, 7, 1, 0, 31, tzinfo=UTC)
    assert job.due() == "daily"
    with db.write() as conn:  # a process died mid-sync: still marked running, and its heartbeat is fresh
        run = store.start_run(conn, "serve", backfill=False)
        conn.execute(harvest_runs.update().where(harvest_runs.c.id == run).values(
            started_at=datetime(2026, 7, 1, 0, 30), host="elsewhere", pid=1))
    assert job.due() == "resume an interrupted sync"
    with db.write() as conn:  # taking over retires it however fresh it looks
        store.start_run(conn, "serve", backfill=False, retire_running=True)
        assert store.get_run(conn, run)["status"] == "interrupted"
    with db.write() as conn:
        conn.execute(harvest_runs.update().where(harvest_runs.c.status == "running").values(
            status="ok", finished_at=datetime(2026, 7, 1, 0, 40), started_at=datetime(2026, 7, 1, 0, 35)))
    assert job.due() is None  # today's sync is done
    clock[0] = datetime(2026, 7, 2, 0, 30, tzinfo=UTC)
    assert job.due() == "daily"


@pytest.mark.slow
def test_serve_backfills_in_the_background_while_pages_keep_answering(db, settings, shared_dir):
    server = build_server(shared_dir, None, ["cs"], with_503=False, delay_s=1.0)
    try:
        s = replay_settings(settings, server, ["cs"])
        with _admin_client(db, s.replace(index_on_serve=False), background_sync=True) as client:
            scheduler = client.app.state.jobs.states["arxiv-sync"]
            saw_progress = False
            deadline = time.monotonic() + 120  # generous: the suite runs in parallel workers on 2 cores
            while scheduler.run.runs == 0 and time.monotonic() < deadline:
                started = time.monotonic()
                page = client.get("/admin/status")
                # never blocked by the sync (a blocked page would wait for the backfill, tens of seconds; 2.5 s
                # allows for a loaded machine)
                assert page.status_code == 200 and time.monotonic() - started < 2.5
                saw_progress |= "Backfill in progress" in page.text
                time.sleep(0.2)
            assert scheduler.run.runs == 1 and scheduler.run.last_error is None
            assert saw_progress
            home = client.get("/")
            assert "Daily papers" in home.text and "2606.32040" in home.text
    finally:
        server.stop()


def test_new_on_arxiv_api(db, settings, shared_dir):
    from dailypapers.harvest.sync import run_sync
    from tests.arxiv_replay import FakeClock
    from tests.harvest_helpers import fake_client

    clock = FakeClock()
    server = build_server(shared_dir, clock, ["cs"], with_503=False)
    try:
        s = replay_settings(settings, server, ["cs"], daily_list_policy="curated")
        with fake_client(s, clock) as c:
            run_sync(db, s, client=c)
    finally:
        server.stop()
    client = _client(db, settings)
    new = client.get("/api/arxiv/announcements/2026-07-01").json()
    assert sorted(p["arxiv_id"] for p in new) == ["2606.32018", "2606.32033", "2606.32039", "2606.32040"]
    replaced = client.get("/api/arxiv/announcements/2026-07-01?types=replace").json()
    assert [(p["arxiv_id"], p["version"]) for p in replaced] == [("2606.32036", 2)]
    assert client.get("/api/arxiv/announcements/July").status_code == 400
    assert "unknown announce types" in client.get("/api/arxiv/announcements/2026-07-01?types=old").text
