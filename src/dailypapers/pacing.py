"""Keeping requests apart in time: the one pacing rule behind arXiv's 3 s spacing and the mail send rate.

Clock and sleep are injectable so tests check spacing on a virtual clock instead of sleeping."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class Gate:
    """Serializes its holders and keeps them `spacing` seconds apart (from one `done()` to the next turn)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.clock = clock
        self.sleep = sleep
        self.lock = threading.Lock()
        self.last_end: float | None = None

    def wait_turn(self, spacing: float, at_least: float = 0.0) -> None:
        """Called with the lock held: sleep until both the spacing and `at_least` seconds from now are over."""
        now = self.clock()
        ready = now + at_least
        if self.last_end is not None:
            ready = max(ready, self.last_end + spacing)
        if ready > now:
            self.sleep(ready - now)

    def done(self) -> None:
        self.last_end = self.clock()

    def pace(self, spacing: float) -> None:
        """Wait for a turn `spacing` after the previous one began (for work that may then overlap)."""
        with self.lock:
            self.wait_turn(spacing)
            self.done()
