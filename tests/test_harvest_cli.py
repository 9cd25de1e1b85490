"""`dailypapers sync`, `fetch` and `status` as a user runs them (real subprocesses, real local servers)."""

import os
import re
import subprocess
import sys

import pytest

from dailypapers.harvest.announce import listing_day
from dailypapers.harvest.sync import run_sync
from dailypapers.store.listing import ListFilter, Period, list_entries
from tests.arxiv_replay import FakeClock, ReplayServer, Reply, api_reply
from tests.harvest_helpers import TOKEN, build_server, fake_client, oai_last_page, replay_settings


def _run(args, env):
    return subprocess.run([sys.executable, "-m", "dailypapers", *args], env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def cli_env(database_url):
    env = dict(os.environ, DAILYPAPERS_DATABASE_URL=database_url, DAILYPAPERS_LOG_LEVEL="WARNING",
               DAILYPAPERS_ARXIV_MAX_RETRIES="0")
    env.pop("DAILYPAPERS_CONFIG", None)
    return env


def test_offline_sync_exits_1_with_one_line_and_status_shows_it(cli_env):
    env = dict(cli_env, DAILYPAPERS_ARXIV_OAI_URL="http://127.0.0.1:9/oai",
               DAILYPAPERS_ARXIV_RSS_URL="http://127.0.0.1:9/rss")
    r = _run(["sync"], env)
    assert r.returncode == 1
    assert r.stderr.strip().count("\n") == 0, r.stderr
    assert r.stderr.startswith("sync failed: arXiv unreachable at http://127.0.0.1:9/oai")
    assert "cannot connect" in r.stderr
    s = _run(["status"], env)
    assert s.returncode == 1
    assert "papers in the database: 0" in s.stdout and "FAILED: arXiv unreachable" in s.stdout


@pytest.mark.slow
def test_fetch_stores_papers_by_id(cli_env, shared_dir):
    server = ReplayServer().start()
    server.add("/api/query", api_reply(shared_dir / "fixtures" / "arxiv", "id_1605.08386"), id_list="1605.08386")
    server.add("/api/query", api_reply(shared_dir / "fixtures" / "arxiv", "id_0000.0000"), id_list="0000.0000")
    try:
        env = dict(cli_env, DAILYPAPERS_ARXIV_API_URL=server.url + "/api/query")
        r = _run(["fetch", "https://arxiv.org/abs/1605.08386"], env)
        assert r.returncode == 0, r.stderr
        assert "1605.08386v1" in r.stdout and "new: 1, updated: 0, unchanged: 0" in r.stdout
        bad = _run(["fetch", "0000.0000"], env)
        assert bad.returncode == 1 and "fetch failed: arXiv does not know 0000.0000" in bad.stderr
        assert "unchanged: 1" in _run(["fetch", "1605.08386"], env).stdout
    finally:
        server.stop()


def test_status_after_a_sync(cli_env, shared_dir, db, settings):
    clock = FakeClock()
    server = build_server(shared_dir, clock, ["cs"], with_503=False)
    try:
        s = replay_settings(settings, server, ["cs"])
        with fake_client(s, clock) as client:
            run_sync(db, s, client=client)
    finally:
        server.stop()
    r = _run(["status"], cli_env)
    assert r.returncode == 0, r.stderr
    assert "last backfill:" in r.stdout and "ok: 62 new papers" in r.stdout
    # the fixture's records are older than the backfill window, so the window's start is the next `from`
    assert re.search(r"set cs \(arXivRaw\): harvested through \d{4}-\d\d-\d\d, idle", r.stdout), r.stdout


def test_backfill_puts_recent_first_versions_on_their_listing_day(db, settings, shared_dir):
    """Without RSS for past days, a v1 paper in the backfill window goes on the day arXiv listed it."""
    page = oai_last_page().replace("Mon, 14 Apr 2008 21:02:00 GMT", "Mon, 29 Jun 2026 13:00:00 GMT")
    clock = FakeClock()
    server = build_server(shared_dir, clock, ["cs"], with_503=False, rss_name="weekend_empty.xml")
    server.routes[0].replies = [Reply(200, page)]
    try:
        s = replay_settings(settings, server, ["cs"])
        with fake_client(s, clock) as client:
            run_sync(db, s, client=client, today=__import__("datetime").date(2026, 7, 1))
    finally:
        server.stop()
    day = listing_day(__import__("datetime").datetime(2026, 6, 29, 13, 0))
    assert day.isoformat() == "2026-06-30"
    with db.connect() as conn:
        assert [p["arxiv_id"] for p in list_entries(conn, ListFilter(Period.day(day))).rows] == ["0804.2273"]
    assert TOKEN  # the chain went through the token page that carries this record
