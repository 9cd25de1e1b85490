"""Runs the catalog's jobs in threads of this process, each pass under its job's lease.

Every `every_s` seconds a job's thread asks for the lease; the process that gets it runs one pass (which decides
from the database whether anything is due and does it) while a thread renews the lease, then lets it go. Passes
are written to be resumable, so when a holder dies mid-pass the lease expires after `job_lease_seconds` and the
next process to ask (within a third of that) takes over where the database says the work stopped.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from dailypapers.config import Settings
from dailypapers.jobs.lease import Lease, Renewer, holder_id, lease_seconds
from dailypapers.store.db import Database

log = logging.getLogger(__name__)

Pass = Callable[[threading.Event], object]


@dataclass(frozen=True)
class Job:
    name: str  # also the name of its lease
    what: str
    when: str
    every_s: float  # how often a pass runs (somewhere) while nothing fails
    make: Callable[[Database, Settings], Pass]  # builds the pass (and checks its settings) at start-up
    enabled: Callable[[Settings], bool] = lambda s: True
    first_after_leases: float = 0.0  # wait this many lease lengths after start before the first try


@dataclass
class JobState:
    job: Job
    run: Pass
    runs: int = 0  # passes this process ran
    last_error: str | None = None
    stop: threading.Event = field(default_factory=threading.Event)  # set to end the pass in progress


class JobRunner:
    def __init__(self, db: Database, settings: Settings, jobs: list[Job], *,
                 clock: Callable[[], float] = time.time) -> None:
        self.db, self.settings, self.clock = db, settings, clock
        self.holder = holder_id()
        self.lease_s = lease_seconds(settings)
        self.states = {job.name: JobState(job, job.make(db, settings)) for job in jobs if job.enabled(settings)}
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> JobRunner:
        for state in self.states.values():
            thread = threading.Thread(target=self._loop, args=(state,), name=f"job-{state.job.name}", daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("background jobs in this process: %s", ", ".join(self.states) or "none")
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        for state in self.states.values():
            state.stop.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    @property
    def alive(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def run_pass(self, name: str) -> bool:
        """One pass of job `name` now, if its lease is free; True when it ran (tests, `dailypapers worker --once`)."""
        return self._try_pass(self.states[name])

    def _loop(self, state: JobState) -> None:
        if self._stopping.wait(state.job.first_after_leases * self.lease_s):
            return
        while not self._stopping.is_set():
            ran = self._try_pass(state)
            # Not our turn: ask again soon, so a dead holder's work is taken over within a lease and a third.
            self._stopping.wait(state.job.every_s if ran else min(state.job.every_s, self.lease_s / 3))

    def _try_pass(self, state: JobState) -> bool:
        lease = Lease(self.db, state.job.name, self.holder, self.lease_s, self.clock)
        try:
            if not lease.take():
                return False
        except Exception:
            log.warning("cannot ask for the lease of job %r", state.job.name, exc_info=True)
            return False
        if self._stopping.is_set():
            lease.release()
            return False
        state.stop.clear()
        renewer = Renewer(lease, state.stop).start()
        try:
            state.run(state.stop)
            state.last_error = None
        except Exception as exc:  # a failing job must not stop the others, nor the server
            state.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("job %r failed; trying again in %.0f s", state.job.name, state.job.every_s)
        finally:
            state.runs += 1
            renewer.stop()
            lease.release()
        return True
