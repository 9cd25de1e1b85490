"""A named lease in the database (table `job_leases`): who runs a job now, renewed while the holder lives.

A holder that dies (kill -9, a lost host) stops renewing; its lease expires after `seconds` and the next process
that asks takes it. `held(db, name)` takes one for a one-off command (`dailypapers sync`, `digest send`) and keeps
it renewed from a thread until the command ends.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from dailypapers.config import ConfigError, Settings
from dailypapers.store import leases as store
from dailypapers.store.db import Database
from dailypapers.store.leases import holder_id

log = logging.getLogger(__name__)
MIN_LEASE_S = 2.0


class LeaseBusy(RuntimeError):
    """Another process holds the lease; the message names it."""


def lease_seconds(settings: Settings) -> float:
    seconds = float(settings.job_lease_seconds)
    if seconds < MIN_LEASE_S:
        raise ConfigError(f"setting 'job_lease_seconds' must be at least {MIN_LEASE_S:g}, got {seconds:g}")
    return seconds


class Lease:
    def __init__(self, db: Database, name: str, holder: str, seconds: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.db, self.name, self.holder, self.seconds, self.clock = db, name, holder, seconds, clock
        self.renewed_at = 0.0

    def take(self) -> bool:
        now = self.clock()
        with self.db.write() as conn:
            taken = store.take_lease(conn, self.name, self.holder, now, self.seconds)
            if not taken:
                current = store.lease_holder(conn, self.name)
                if store.holder_exited(current):
                    taken = store.take_lease(conn, self.name, self.holder, now, self.seconds, dead_holder=current)
        if taken:
            self.renewed_at = now
        return taken

    def renew(self) -> bool:
        """False once the lease is lost: renewal refused, or the database unreachable for longer than it lasts."""
        now = self.clock()
        try:
            with self.db.write() as conn:
                renewed = store.renew_lease(conn, self.name, self.holder, now, self.seconds)
        except Exception:
            log.warning("cannot renew lease %r", self.name, exc_info=True)
            return now - self.renewed_at < self.seconds * 2 / 3
        if renewed:
            self.renewed_at = now
        return renewed

    def release(self) -> None:
        try:
            with self.db.write() as conn:
                store.release_lease(conn, self.name, self.holder)
        except Exception:  # it expires by itself
            log.warning("cannot release lease %r", self.name, exc_info=True)

    def current_holder(self) -> str:
        with self.db.connect() as conn:
            return store.lease_holder(conn, self.name)


class Renewer:
    """Renews a lease every third of its length from a thread; sets `lost` when it cannot."""

    def __init__(self, lease: Lease, lost: threading.Event | None = None) -> None:
        self.lease = lease
        self.lost = lost or threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{lease.name}", daemon=True)

    def start(self) -> Renewer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.wait(self.lease.seconds / 3):
            if not self.lease.renew():
                log.error("lost lease %r; stopping that job", self.lease.name)
                self.lost.set()
                return


@contextmanager
def held(db: Database, name: str, settings: Settings | None = None) -> Iterator[threading.Event]:
    """Hold lease `name` for the block (raises LeaseBusy when another process has it); yields an event that is set
    if the lease is lost meanwhile, for the block to stop at its next safe point."""
    lease = Lease(db, name, holder_id(), lease_seconds(settings or db.settings))
    if not lease.take():
        raise LeaseBusy(f"job {name!r} is running in another process ({lease.current_holder()})")
    renewer = Renewer(lease).start()
    try:
        yield renewer.lost
    finally:
        renewer.stop()
        lease.release()
