"""Sending digests on schedule from `serve`: a background thread started and stopped by the app's lifespan.

Daily digests go out on weekdays, weekly ones on `digest_weekly_day`, both once the local time (`digest_timezone`)
reaches `digest_hour`. Sending is idempotent per period, so a restart, or several `serve` processes, never repeat a
digest; a server that comes up after the hour still sends that day's.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dailypapers.config import ConfigError, Settings
from dailypapers.store.db import Database

log = logging.getLogger(__name__)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(name: str) -> int:
    key = name.strip().lower()
    for i, day in enumerate(WEEKDAYS):
        if key in (day, day[:3]):
            return i
    raise ConfigError(f"setting 'digest_weekly_day' must be a day of the week, got {name!r}")


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"setting 'digest_timezone': unknown time zone {name!r}") from None


def due(settings: Settings, local_now: datetime) -> list[tuple[str, date]]:
    """Which digests are due at `local_now` (local time in `digest_timezone`)."""
    if not 0 <= settings.digest_hour <= 23:
        raise ConfigError(f"setting 'digest_hour' must be 0 to 23, got {settings.digest_hour}")
    if local_now.hour < settings.digest_hour:
        return []
    today = local_now.date()
    out = []
    if today.weekday() < 5:
        out.append(("daily", today))
    if today.weekday() == _weekday(settings.digest_weekly_day):
        out.append(("weekly", today))
    return out


class DigestScheduler:
    """Checks every `poll_s` seconds what is due and sends it (each period once per process, once in all)."""

    def __init__(self, db: Database, settings: Settings, poll_s: float = 60.0, first_check_s: float = 30.0,
                 clock: Callable[[], datetime] | None = None, send: Callable | None = None) -> None:
        self.db, self.settings = db, settings
        self.zone = _zone(settings.digest_timezone)
        _weekday(settings.digest_weekly_day)
        self.poll_s, self.first_check_s = poll_s, first_check_s
        self.clock = clock or (lambda: datetime.now(self.zone))
        if send is None:
            from dailypapers.mail.sender import send_period

            send = send_period
        self.send = send
        self.done: set[tuple[str, date]] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="digest-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def tick(self) -> list[tuple[str, date]]:
        sent = []
        for kind, day in due(self.settings, self.clock()):
            if (kind, day) in self.done or self._stop.is_set():
                continue
            report = self.send(self.db, self.settings, kind, day)
            log.info("scheduled digest: %s", report.summary())
            if not report.deferred:
                self.done.add((kind, day))
            sent.append((kind, day))
        return sent

    def _run(self) -> None:
        # A short wait first, so a server that starts and stops at once (tests, `--help` probes) sends nothing.
        if self._stop.wait(self.first_check_s):
            return
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # keep serving pages whatever happens to one sending run
                log.exception("scheduled digest run failed; trying again in %.0fs", self.poll_s)
            self._stop.wait(self.poll_s)


def install(app, settings: Settings, db: Database) -> None:
    """Wrap the app's lifespan so the scheduler runs while the app serves (when `digest_schedule_enabled`)."""
    if not settings.digest_schedule_enabled:
        return
    from dailypapers.web.background import run_beside

    scheduler = DigestScheduler(db, settings)  # validates the settings now, not at 7 am

    def start() -> DigestScheduler:
        scheduler.start()
        return scheduler

    run_beside(app, "digest_scheduler", start, lambda job: job.stop())
