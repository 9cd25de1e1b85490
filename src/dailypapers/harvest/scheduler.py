"""The daily sync inside `dailypapers serve`: a background thread, never in the way of web requests.

It syncs once a day at `sync_time` in `sync_timezone` (after arXiv's announcement at 00:00 US Eastern), starts
the backfill at once when the server first starts on an empty database, and after a failed sync (arXiv down,
machine offline) tries again hourly until the next daily slot. Failures are logged and shown on the status
page; they never stop the server.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dailypapers.config import ConfigError, Settings
from dailypapers.harvest.sync import SyncFailed, run_sync
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


def next_run_after(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The first `at` o'clock in `zone` strictly after `now` (aware), as an aware UTC datetime."""
    local = now.astimezone(zone)
    candidate = datetime.combine(local.date(), at, tzinfo=zone)
    if candidate <= local:
        candidate = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=zone)
    return candidate.astimezone(UTC)


class SyncScheduler:
    def __init__(self, db: Database, settings: Settings, *, now: Callable[[], datetime] | None = None,
                 sync: Callable[..., object] = run_sync):
        self.db = db
        self.settings = settings
        self.at, self.zone = parse_sync_time(settings)
        self.now = now or (lambda: datetime.now(UTC))
        self.sync = sync
        self.runs = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="dailypapers-sync", daemon=True)

    def start(self) -> SyncScheduler:
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        # A sync in progress may be waiting on arXiv; the thread is a daemon, so the process need not wait for
        # it, and the next start marks that run as interrupted and resumes from its checkpoint.
        self._stop.set()
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _needs_backfill(self) -> bool:
        with self.db.connect() as conn:
            return count_papers(conn) == 0 and not store.all_checkpoints(conn)

    def _run_once(self, why: str) -> None:
        log.info("arXiv sync starting (%s)", why)
        try:
            # Progress goes to the log, not a tqdm bar drawn over the server's console.
            self.sync(self.db, self.settings, trigger="serve", progress_stream=_NOT_A_TTY)
            self.last_error = None
        except (SyncFailed, SyncAlreadyRunning) as exc:
            self.last_error = str(exc)
            log.warning("arXiv sync failed: %s", exc)
        except Exception as exc:  # a bug must not kill the scheduler; it is in the run log and the server log
            self.last_error = f"{type(exc).__name__}: {exc}"
            log.exception("arXiv sync crashed")
        self.runs += 1

    def _loop(self) -> None:
        try:
            if self._needs_backfill():
                self._run_once("empty database: backfill")
        except Exception:
            log.exception("cannot check the database for a first backfill")
        while not self._stop.is_set():
            now = self.now()
            due = next_run_after(now, self.at, self.zone)
            if self.last_error:
                due = min(due, now + RETRY_AFTER_FAILURE)
            log.info("next arXiv sync at %s", due.astimezone(self.zone).isoformat(timespec="minutes"))
            if self._stop.wait(max(0.0, (due - now).total_seconds())):
                return
            self._run_once("retry after failure" if self.last_error else "daily")


def attach_scheduler(app, db: Database, settings: Settings) -> None:
    """Run a SyncScheduler for the lifetime of `app` (as `app.state.sync_scheduler`)."""
    from dailypapers.web.background import run_beside

    parse_sync_time(settings)  # bad settings fail at startup, not in the thread
    run_beside(app, "sync_scheduler", lambda: SyncScheduler(db, settings).start(), lambda job: job.stop())
