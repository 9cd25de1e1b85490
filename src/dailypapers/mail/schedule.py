"""When digests are due: the `digests` job of jobs/catalog.py, run by `serve` and `worker` processes.

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


class DigestJob:
    """One pass of the `digests` job (jobs/catalog.py): sends whatever period is due and not yet sent from here.

    `done` only saves work: sending is idempotent per period (the deliveries table), so a process that takes the job
    over sends exactly the digests still missing, and never one twice."""

    def __init__(self, db: Database, settings: Settings, clock: Callable[[], datetime] | None = None,
                 send: Callable | None = None) -> None:
        self.db, self.settings = db, settings
        self.zone = _zone(settings.digest_timezone)
        _weekday(settings.digest_weekly_day)
        due(settings, datetime.now(self.zone))  # a bad digest_hour fails at start-up, not at 7 am
        self.clock = clock or (lambda: datetime.now(self.zone))
        if send is None:
            from dailypapers.mail.sender import send_period

            send = send_period
        self.send = send
        self.done: set[tuple[str, date]] = set()

    def __call__(self, stop: threading.Event) -> list[tuple[str, date]]:
        return self.tick(stop)

    def tick(self, stop: threading.Event | None = None) -> list[tuple[str, date]]:
        sent = []
        for kind, day in due(self.settings, self.clock()):
            if (kind, day) in self.done or (stop is not None and stop.is_set()):
                continue
            report = self.send(self.db, self.settings, kind, day)
            log.info("scheduled digest: %s", report.summary())
            if not report.deferred:
                self.done.add((kind, day))
            sent.append((kind, day))
        return sent
