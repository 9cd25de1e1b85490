"""Background jobs run once across processes: leases in the database, the runner, and kill -9 of the holder."""

from __future__ import annotations

import threading
import time

import pytest

from dailypapers.config import ConfigError
from dailypapers.jobs.catalog import JOBS, job_runner
from dailypapers.jobs.lease import Lease, LeaseBusy, held
from dailypapers.jobs.runner import Job, JobRunner
from dailypapers.store import leases as store


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_lease_has_one_holder_until_it_expires(db):
    clock = Clock()
    a = Lease(db, "arxiv-sync", "host-a:1:x", 30.0, clock)
    b = Lease(db, "arxiv-sync", "host-b:2:y", 30.0, clock)
    assert a.take() and not b.take()
    clock.now += 20
    assert a.renew() and not b.take()  # renewed: good for 30 s from now
    clock.now += 29
    assert not b.take()
    clock.now += 2  # the holder stopped renewing (killed): the lease is free
    assert b.take() and not a.renew() and not a.take()
    b.release()
    assert a.take()  # released: free at once
    assert Lease(db, "digests", "host-b:2:y", 30.0, clock).take()  # leases are per job


def test_held_refuses_a_second_holder_and_names_the_first(db):
    with held(db, "arxiv-sync") as lost:
        with pytest.raises(LeaseBusy, match="arxiv-sync.*running in another process"), held(db, "arxiv-sync"):
            pass
        assert not lost.is_set()
    with held(db, "arxiv-sync"):  # given back at the end of the block
        pass
    short = db.settings.replace(job_lease_seconds=0.5)
    with pytest.raises(ConfigError, match="job_lease_seconds"), held(db, "x", short):
        pass


def test_two_runners_never_run_one_job_at_the_same_time(db, settings):
    """Two runners (as two processes would) on one database: each pass runs alone, and both get turns."""
    active, most, passes = [0], [0], []
    lock = threading.Lock()

    def make(_db, _settings):
        def run(stop: threading.Event) -> None:
            with lock:
                active[0] += 1
                most[0] = max(most[0], active[0])
            time.sleep(0.05)
            with lock:
                active[0] -= 1
                passes.append(threading.current_thread().ident)

        return run

    job = Job("test-job", "count", "constantly", every_s=0.01, make=make)
    s = settings.replace(job_lease_seconds=3.0)
    runners = [JobRunner(db, s, [job]).start(), JobRunner(db, s, [job]).start()]
    time.sleep(3)
    for r in runners:
        r.stop()
    assert most[0] == 1
    assert len(passes) >= 10 and len(set(passes)) == 2
    assert not any(r.alive for r in runners)


def test_a_lost_lease_stops_the_pass_in_progress(db, settings):
    seen = threading.Event()

    def make(_db, _settings):
        def run(stop: threading.Event) -> None:
            with db.write() as conn:  # someone else took the lease (this process was paused past its expiry)
                conn.execute(store.job_leases.update().values(holder="other", expires_at=time.time() + 60))
            if stop.wait(10):
                seen.set()

        return run

    runner = JobRunner(db, settings.replace(job_lease_seconds=2.0), [Job("j", "w", "w", 60.0, make)])
    assert runner.run_pass("j")
    assert seen.is_set()  # the renewer saw the lease gone within a third of its length and stopped the pass


def test_the_catalog_lists_every_job_once_and_settings_switch_them_off(db, settings):
    assert [j.name for j in JOBS] == ["arxiv-sync", "digests", "embeddings", "gists", "housekeeping"]
    assert all(j.what and j.when for j in JOBS)
    off = settings.replace(sync_in_serve=False, digest_schedule_enabled=False, index_on_serve=False)
    assert list(job_runner(db, off).states) == ["gists", "housekeeping"]


def test_a_lease_of_an_exited_process_on_this_host_is_free_at_once(db):
    import os
    import socket
    import subprocess
    import sys

    exited = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = f"{socket.gethostname()}:{exited.stdout.strip()}:deadbeef"
    with db.write() as conn:
        assert store.take_lease(conn, "arxiv-sync", dead, time.time(), 30.0)
    assert Lease(db, "arxiv-sync", store.holder_id(), 30.0).take()  # same host, pid gone: taken at once
    alive = Lease(db, "digests", f"{socket.gethostname()}:{os.getpid()}:cafe", 30.0)
    assert alive.take() and not Lease(db, "digests", store.holder_id(), 30.0).take()  # a live one is respected
    elsewhere = Lease(db, "housekeeping", f"other-host:{exited.stdout.strip()}:x", 30.0)
    assert elsewhere.take() and not Lease(db, "housekeeping", store.holder_id(), 30.0).take()  # no pid check there


def test_a_sync_that_was_taken_over_writes_no_further_page(shared_dir, db, settings):
    """A process that stalled past its lease finds its run retired by the one that took over, and stops."""
    from dailypapers.harvest.sync import SyncStopped, run_sync
    from dailypapers.store import harvest as harvest_store
    from tests.arxiv_replay import FakeClock
    from tests.harvest_helpers import TOKEN, build_server, fake_client, replay_settings

    clock = FakeClock()
    server = build_server(shared_dir, clock, ["cs"], with_503=False)
    taken_over = []

    def take_over(_result) -> None:
        if not taken_over:
            with db.write() as conn:
                taken_over.append(harvest_store.start_run(conn, "serve", backfill=False, retire_running=True))

    try:
        s = replay_settings(settings, server, ["cs"])
        with fake_client(s, clock) as client, pytest.raises(SyncStopped, match="took this sync over"):
            run_sync(db, s, client=client, on_page=take_over)
    finally:
        server.stop()
    with db.connect() as conn:
        assert harvest_store.get_checkpoint(conn, "cs")["token"] == TOKEN  # page two was never written
        runs = {r["id"]: r["status"] for r in harvest_store.recent_runs(conn)}
    assert runs[taken_over[0]] == "running" and sorted(runs.values()) == ["interrupted", "running"]
