"""Fill the papers' TL;DR and keyphrases where they are missing or stale: after a bulk import, in `serve`'s
background, and as `dailypapers gist`. Resumable: each batch is one transaction."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
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


def _gist_of(text: tuple[str, str]) -> dict:
    return gist_values(*text)


def default_workers() -> int:
    """Worker processes for a bulk gist pass: every core, up to 4 (the extractors are pure Python, CPU-bound)."""
    return max(1, min(4, os.cpu_count() or 1))


def fill_gists(db: Database, everything: bool = False, batch_size: int = 2000, progress_stream: TextIO | None = None,
               stop: threading.Event | None = None, show_progress: bool = True, workers: int = 1) -> GistResult:
    """Compute the gist of every paper lacking one (with `everything`, of every paper), in `workers` processes."""
    with db.connect() as conn:
        total = None if everything else count_needing_gist(conn, gist.VERSION)
    if total == 0:
        return GistResult()
    with ExitStack() as stack:
        pool = None
        if workers > 1 and (total is None or total > 1000):
            # fork, like the importer's reader: `python -m dailypapers` would run the CLI again in a spawned child
            context = multiprocessing.get_context("fork")
            pool = stack.enter_context(ProcessPoolExecutor(workers, mp_context=context))
        return _fill(db, everything, batch_size, progress_stream, stop, show_progress, pool, total)


def _fill(db: Database, everything: bool, batch_size: int, progress_stream: TextIO | None,
          stop: threading.Event | None, show_progress: bool, pool: ProcessPoolExecutor | None,
          total: int | None) -> GistResult:
    result = GistResult()
    start = time.monotonic()
    last = 0
    progress = Progress("gist", unit="papers", total=total, stream=progress_stream) if show_progress else None
    try:
        while stop is None or not stop.is_set():
            with db.connect() as conn:
                rows = papers_needing_gist(conn, last, batch_size, gist.VERSION, everything)
            if not rows:
                break
            texts = [(r.title, r.abstract) for r in rows]
            gists = pool.map(_gist_of, texts, chunksize=50) if pool else map(_gist_of, texts)
            values = [{"_id": r.id, "_title": r.title, "_abstract": r.abstract, **g}
                      for r, g in zip(rows, gists, strict=True)]
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
