"""A `dailypapers sync` killed with SIGKILL mid-harvest, then rerun, ends with the same database as a clean run."""

import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from dailypapers.config import Settings
from dailypapers.harvest.sync import run_sync
from dailypapers.store import harvest as harvest_store
from dailypapers.store.db import Database
from tests.arxiv_replay import FakeClock
from tests.harvest_helpers import TOKEN, build_server, export_text, fake_client, replay_settings


def _env(database_url, server):
    env = dict(os.environ, DAILYPAPERS_DATABASE_URL=database_url, DAILYPAPERS_LOG_LEVEL="WARNING",
               DAILYPAPERS_ARXIV_OAI_URL=server.url + "/oai", DAILYPAPERS_ARXIV_RSS_URL=server.url + "/rss",
               DAILYPAPERS_ARXIV_CATEGORIES="cs", DAILYPAPERS_ARXIV_MAX_RETRIES="0")
    env.pop("DAILYPAPERS_CONFIG", None)
    return env


@pytest.mark.slow
def test_kill_9_mid_harvest_then_rerun_gives_the_clean_database(shared_dir, db, database_url, tmp_path):
    server = build_server(shared_dir, None, ["cs"], with_503=False)
    token_route = server.routes[0]
    token_route.replies[0].delay_s = 60  # hold the second page so the kill lands mid-chain
    try:
        proc = subprocess.Popen([sys.executable, "-m", "dailypapers", "sync"], env=_env(database_url, server),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not any(r.query.get("resumptionToken") == TOKEN for r in server.log):
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the sync never asked for the second page"
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with db.connect() as conn:
            cp = harvest_store.get_checkpoint(conn, "cs")
        assert cp["token"] == TOKEN  # page one committed, with the token to resume from
        token_route.replies[0].delay_s = 0
        seen = len(server.log)
        rerun = subprocess.run([sys.executable, "-m", "dailypapers", "sync"], env=_env(database_url, server),
                               capture_output=True, text=True, timeout=120)
        assert rerun.returncode == 0, rerun.stderr
        assert server.log[seen].query.get("resumptionToken") == TOKEN  # resumed, did not start over
        interrupted = export_text(db)
        with db.connect() as conn:
            runs = harvest_store.recent_runs(conn)
        assert [r["status"] for r in runs] == ["ok", "interrupted"]
    finally:
        server.stop()
    # The same harvest, uninterrupted, on a fresh database.
    clock = FakeClock()
    clean_server = build_server(shared_dir, clock, ["cs"], with_503=False)
    clean_db = Database(Settings(database_url=f"sqlite:///{tmp_path / 'clean.db'}"))
    clean_db.upgrade()
    try:
        s = replay_settings(clean_db.settings, clean_server, ["cs"])
        with fake_client(s, clock) as client:
            run_sync(clean_db, s, client=client)
        clean = export_text(clean_db)
    finally:
        clean_server.stop()
    assert _announcements(db) == _announcements(clean_db)
    assert interrupted.count("\n") == 62  # cs papers of both pages + the RSS announcements
    assert interrupted == clean
    clean_db.dispose()


def _announcements(database) -> list[tuple]:
    with database.connect() as conn:
        return sorted((r[0], str(r[1]), r[2]) for r in conn.execute(sa.text(
            "SELECT p.arxiv_id, a.day, a.announce_type FROM arxiv_announcements a JOIN papers p ON p.id = a.paper_id")))
