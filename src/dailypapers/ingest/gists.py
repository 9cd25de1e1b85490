"""Fill the papers' TL;DR and keyphrases where they are missing or stale: after a bulk import, in `serve`'s
background, and as `dailypapers gist`. Resumable: each batch is one transaction."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TextIO

from dailypapers import gist
from dailypapers.progress import Progress
from dailypapers.store.db import Database
from dailypapers.store.gists import count_needing_gist, papers_needing_gist, save_gists
from dailypapers.store.papers import gist_values

log = logging.getLogger(__name__)


@dataclass
class GistResult:
    computed: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.computed / self.seconds if self.seconds else 0.0


def fill_gists(db: Database, everything: bool = False, batch_size: int = 500, progress_stream: TextIO | None = None,
               stop: threading.Event | None = None, show_progress: bool = True) -> GistResult:
    """Compute the gist of every paper lacking one (with `everything`, of every paper)."""
    result = GistResult()
    start = time.monotonic()
    with db.connect() as conn:
        total = None if everything else count_needing_gist(conn, gist.VERSION)
    if total == 0:
        return result
    last = 0
    progress = Progress("gist", unit="papers", total=total, stream=progress_stream) if show_progress else None
    try:
        while stop is None or not stop.is_set():
            with db.connect() as conn:
                rows = papers_needing_gist(conn, last, batch_size, gist.VERSION, everything)
            if not rows:
                break
            values = [{"_id": r.id, "_title": r.title, "_abstract": r.abstract, **gist_values(r.title, r.abstract)}
                      for r in rows]
            with db.write() as conn:
                save_gists(conn, values)
            last = rows[-1].id
            result.computed += len(rows)
            if progress is not None:
                progress.update(len(rows))
    finally:
        if progress is not None:
            progress.close()
        result.seconds = time.monotonic() - start
    return result


class GistWorker:
    """Background thread for `serve`: fills missing gists (papers imported with --no-gists, or stored before
    migration 0014), then checks again every `interval` seconds."""

    def __init__(self, db: Database, interval: float = 60.0) -> None:
        self.db = db
        self.interval = interval
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="dailypapers-gist", daemon=True)

    def start(self) -> GistWorker:
        self.thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self.stop_event.set()
        self.thread.join(timeout)

    def _run(self) -> None:
        while not self.stop_event.is_set():
            try:
                done = fill_gists(self.db, stop=self.stop_event, show_progress=False)
                if done.computed:
                    log.info("gist: %d papers got a TL;DR and keyphrases (%.0f/s)", done.computed, done.rate)
            except Exception:  # keep serving pages; say why in the log
                log.exception("gist worker failed; retrying in %.0fs", self.interval)
            self.stop_event.wait(self.interval)
