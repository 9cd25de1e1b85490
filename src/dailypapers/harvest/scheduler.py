"""When the arXiv sync is due: the `arxiv-sync` job of jobs/catalog.py, run by `serve` and `worker` processes.

It syncs once a day at `sync_time` in `sync_timezone` (after arXiv's announcement at 00:00 US Eastern), starts
the backfill at once on an empty database, resumes a sync whose process died, and after a failed sync (arXiv down,
machine offline) tries again hourly. Failures are logged and shown on the status page; they never stop the server.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dailypapers.config import ConfigError, Settings
from dailypapers.harvest.sync import SyncFailed, SyncStopped, run_sync, stop_when
from dailypapers.store import harvest as store
from dailypapers.store.db import Database
from dailypapers.store.harvest import SyncAlreadyRunning
from dailypapers.store.papers import count_papers

log = logging.getLogger(__name__)
RETRY_AFTER_FAILURE = timedelta(hours=1)
_NOT_A_TTY = io.StringIO()


def parse_sync_time(settings: Settings) -> tuple[time, ZoneInfo]:
    try:
        hours, minutes = settings.sync_time.strip().split(":")
        at = time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError(f"setting 'sync_time' must be HH:MM (24-hour), got {settings.sync_time!r}") from None
    try:
        zone = ZoneInfo(settings.sync_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"setting 'sync_timezone' is not a known time zone: {settings.sync_timezone!r}") from None
    return at, zone


def previous_slot(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The last `at` o'clock in `zone` at or before `now` (aware), as an aware UTC datetime."""
    local = now.astimezone(zone)
    candidate = datetime.combine(local.date(), at, tzinfo=zone)
    if candidate > local:
        candidate = datetime.combine(local.date() - timedelta(days=1), at, tzinfo=zone)
    return candidate.astimezone(UTC)


class SyncJob:
    """One pass of the arXiv sync job (jobs/catalog.py): decides from the run log whether a sync is due, runs it.

    Due: the backfill of an empty database; a sync that stopped midway (its process died: whoever holds the lease
    resumes it from its checkpoint); a failed one an hour later; and the daily sync once `sync_time` has passed
    since the last run started. The decision lives in the database, so any process can take the job over.
    """

    def __init__(self, db: Database, settings: Settings, *, now: Callable[[], datetime] | None = None,
                 sync: Callable[..., object] = run_sync):
        self.db = db
        self.settings = settings
        self.at, self.zone = parse_sync_time(settings)
        self.now = now or (lambda: datetime.now(UTC))
        self.sync = sync
        self.started = self.now()
        self.runs = 0
        self.last_error: str | None = None

    def due(self) -> str | None:
        """Why a sync should run now, or None."""
        now = self.now()
        with self.db.connect() as conn:
            if count_papers(conn) == 0 and not store.all_checkpoints(conn):
                return "empty database: backfill"
            runs = store.recent_runs(conn, limit=1)
        if not runs:  # papers came from an import: wait for the daily slot
            return "daily" if previous_slot(now, self.at, self.zone) > self.started else None
        last = runs[0]
        started = last["started_at"].replace(tzinfo=UTC)
        if last["status"] in ("running", "interrupted"):
            return "resume an interrupted sync"
        if last["status"] == "failed" and now - (last["finished_at"] or last["started_at"]).replace(tzinfo=UTC) \
                >= RETRY_AFTER_FAILURE:
            return "retry after failure"
        if started < previous_slot(now, self.at, self.zone):
            return "daily"
        return None

    def __call__(self, stop: threading.Event) -> None:
        why = self.due()
        if why is None:
            return
        log.info("arXiv sync starting (%s)", why)
        try:
            # Progress goes to the log, not a tqdm bar drawn over the server's console. Whoever holds the job's
            # lease is the only sync alive, so a run still marked running was left by a dead process.
            self.sync(self.db, self.settings, trigger="serve", progress_stream=_NOT_A_TTY, on_page=stop_when(stop),
                      takeover=True)
            self.last_error = None
        except (SyncFailed, SyncAlreadyRunning, SyncStopped) as exc:
            self.last_error = str(exc)
            log.warning("arXiv sync did not finish: %s", exc)
        finally:
            self.runs += 1
