"""arXiv's one-request-per-3-seconds rule across every process and host sharing the database.

`DatabaseSpacing` keeps the end of the last request (and whether one is in flight) in the `shared_clocks` row
`arxiv`; each process's gate (sources/http.py) asks it before sending. Two `dailypapers sync` runs back to back,
or a `serve` on each of two hosts, therefore stay `arxiv_request_spacing_s` apart like requests of one process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from dailypapers.config import Settings
from dailypapers.sources.http import Gate, PoliteClient
from dailypapers.store import leases as store
from dailypapers.store.db import Database
from dailypapers.store.leases import holder_id

CLOCK_NAME = "arxiv"
POLL_S = 0.25  # how often to look again while another process's request is in flight


class DatabaseSpacing:
    def __init__(self, db: Database, flight_s: float, clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], None] = time.sleep, name: str = CLOCK_NAME) -> None:
        self.db, self.flight_s, self.clock, self.sleep, self.name = db, flight_s, clock, sleep, name
        self.holder = holder_id()

    def wait_turn(self, spacing: float) -> None:
        while True:
            with self.db.write() as conn:
                start = store.claim_request_slot(conn, self.name, self.holder, self.clock(), spacing, self.flight_s)
            if start is not None:
                break
            self.sleep(POLL_S)
        wait = start - self.clock()
        if wait > 0:
            self.sleep(wait)

    def done(self) -> None:
        with self.db.write() as conn:
            store.end_request(conn, self.name, self.holder, self.clock())


_gates: dict[str, Gate] = {}
_gates_lock = threading.Lock()


def shared_gate(db: Database, settings: Settings) -> Gate:
    """This process's gate for arXiv, spaced with every other process on the same database."""
    key = str(db.engine.url)
    with _gates_lock:
        if key not in _gates:
            # In flight at most one timeout plus a margin: a process killed mid-request holds the others no longer.
            _gates[key] = Gate(shared=DatabaseSpacing(db, flight_s=float(settings.arxiv_timeout_s) + 5.0))
        return _gates[key]


def polite_client(db: Database, settings: Settings) -> PoliteClient:
    return PoliteClient(settings, gate=shared_gate(db, settings))
