"""arXiv look-ups for submissions, off the request threads.

Every request to arXiv passes one process-wide gate (one at a time, 3 s apart, with retries), so a look-up can
take from seconds to about a minute while arXiv is slow or down. Requests must not wait that long: the web app
asks this queue, waits `submission_lookup_wait_s` at most, and otherwise tells the user the submission is pending.
One daemon thread works through the queue (the gate would serialize more threads anyway); a look-up already queued
for the same id is shared. A submission still pending when the server stops is dropped (the user submits again).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future

from dailypapers.community import submissions
from dailypapers.config import Settings
from dailypapers.records import PaperRecord
from dailypapers.store.db import Database

log = logging.getLogger(__name__)
MAX_QUEUED = 200  # at up to a minute each while arXiv is down, more would only be answered hours later

Lookup = Future  # resolves to the PaperRecord, or raises SubmissionRefused


Fetch = Callable[[str, Settings, Database], PaperRecord | None]


class LookupQueue:
    def __init__(self, fetch: Fetch = submissions.fetch_from_arxiv) -> None:
        self._fetch = fetch
        self._queue: queue.Queue[tuple[str, Settings, Database, Future] | None] = queue.Queue()
        self._waiting: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._thread = threading.Thread(target=self._work, name="arxiv-lookups", daemon=True)
        self._thread.start()

    def lookup(self, arxiv_id: str, settings: Settings, db: Database) -> Future:
        """The (possibly shared) look-up of `arxiv_id`; refuses at once when too many already wait for arXiv."""
        with self._lock:
            if arxiv_id in self._waiting:
                return self._waiting[arxiv_id]
            if self._closed or len(self._waiting) >= MAX_QUEUED:
                raise submissions.SubmissionRefused(
                    "metadata", f"arXiv is unreachable and {len(self._waiting)} submissions already wait for it; "
                                "try again later")
            future: Future = Future()
            self._waiting[arxiv_id] = future
        self._queue.put((arxiv_id, settings, db, future))
        return future

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            arxiv_id, settings, db, future = item
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(self._fetch(arxiv_id, settings, db))
                except Exception as exc:  # handed to whoever waits on the future
                    future.set_exception(exc)
            with self._lock:
                self._waiting.pop(arxiv_id, None)

    def close(self) -> None:
        """Stop: cancel what has not started (the one running ends with its own timeout, in a daemon thread)."""
        with self._lock:
            self._closed = True
            for future in self._waiting.values():
                future.cancel()
        self._queue.put(None)


def finish_when_found(db: Database, settings: Settings, user: dict, prepared: submissions.Prepared,
                      lookup: Future) -> None:
    """Complete a pending submission once its look-up ends (in the look-up thread); refusals are only logged,
    since nobody waits for them any more."""

    def done(f: Future) -> None:
        if f.cancelled():
            log.warning("pending submission of arXiv:%s by %s dropped at shutdown", prepared.arxiv_id,
                        user["username"])
            return
        try:
            added = submissions.complete(db, settings, user, prepared, f.result())
        except submissions.SubmissionRefused as exc:
            log.warning("pending submission of arXiv:%s by %s refused: %s", prepared.arxiv_id, user["username"],
                        exc.message)
        except Exception:
            log.exception("pending submission of arXiv:%s failed", prepared.arxiv_id)
        else:
            log.info("pending submission of arXiv:%s by %s added to %s", added.arxiv_id, user["username"],
                     added.day)

    lookup.add_done_callback(done)
