"""Computing the vectors of papers that lack one: `dailypapers index` and the `embeddings` job.

Papers are read in chunks, sorted by token length inside each chunk (a batch of similar lengths wastes no work on
padding), embedded in batches, and every batch is committed on its own, one batch being embedded while the previous
one is written. A kill -9 therefore loses at most the two batches in flight, and the next run starts from whatever
still has no vector.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from dailypapers.progress import Progress
from dailypapers.search.embedder import paper_text
from dailypapers.search.engine import state
from dailypapers.store import vectors as vector_store
from dailypapers.store.db import Database

log = logging.getLogger(__name__)


@dataclass
class IndexResult:
    embedded: int = 0
    seconds: float = 0.0
    remaining: int = 0

    @property
    def rate(self) -> float:
        return self.embedded / self.seconds if self.seconds > 0 else 0.0


def index_missing(db: Database, batch_size: int | None = None, limit: int | None = None, show_progress: bool = False,
                  stop: threading.Event | None = None) -> IndexResult:
    """Embed papers without a vector of the configured model; returns what was done."""
    embedder = state(db).embedder
    batch_size = batch_size or db.settings.index_batch_size
    with db.connect() as conn:
        total = vector_store.count_missing(conn, embedder.name)
    if limit is not None:
        total = min(total, limit)
    result = IndexResult()
    start = time.monotonic()
    progress = Progress("index", total=total) if show_progress else None
    if db.dialect == "postgresql":
        with db.write() as conn:
            if vector_store.uses_pgvector(conn):
                vector_store.ensure_hnsw_index(conn, embedder.dim)
    ahead = ThreadPoolExecutor(1, thread_name_prefix="index-embed")
    pending: tuple[list, Future[np.ndarray]] | None = None

    def save(batch: list, vectors: Future[np.ndarray]) -> None:
        vecs = vectors.result()
        with db.write() as conn:
            result.embedded += vector_store.save_vectors(conn, embedder.name, list(zip(batch, vecs, strict=True)))
        if progress is not None:
            progress.update(len(batch))

    try:
        with db.connect() as reader:
            chunks = list(vector_store.iter_missing(reader, embedder.name, chunk=max(batch_size * 32, 1024)))
        queued = 0
        for chunk in chunks:
            if limit is not None:
                chunk = chunk[: max(limit - queued, 0)]
            texts = [paper_text(p.title, p.abstract) for p in chunk]
            order: list[int] = (list(np.argsort(embedder.token_counts(texts))) if hasattr(embedder, "token_counts")
                                else list(range(len(chunk))))
            for s in range(0, len(order), batch_size):
                if stop is not None and stop.is_set():
                    break
                picked = order[s : s + batch_size]
                # The next batch is embedded while this thread writes the previous one: the write no longer leaves
                # the cores idle (bench/RESULTS.md, "Search, round four").
                vectors = ahead.submit(embedder.embed, [texts[i] for i in picked])
                if pending is not None:
                    save(*pending)
                pending = ([chunk[i] for i in picked], vectors)
                queued += len(picked)
            if (limit is not None and queued >= limit) or (stop is not None and stop.is_set()):
                break
        if pending is not None:  # on a stop too: it is embedded (or nearly), so keep it
            save(*pending)
    finally:
        ahead.shutdown(wait=True, cancel_futures=True)
        result.seconds = time.monotonic() - start
        if progress is not None:
            progress.close()
        with db.connect() as conn:
            result.remaining = vector_store.count_missing(conn, embedder.name)
    return result


def embed_pass(db: Database) -> Callable[[threading.Event], IndexResult]:
    """One pass of the `embeddings` job (jobs/catalog.py): embed every paper lacking a vector, in batches."""

    def run(stop: threading.Event) -> IndexResult:
        done = index_missing(db, stop=stop)
        if done.embedded:
            log.info("search index: embedded %d papers (%.1f/s), %d left", done.embedded, done.rate, done.remaining)
        return done

    return run
