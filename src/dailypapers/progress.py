"""Progress for long jobs: a tqdm bar on a terminal, a periodic log line otherwise (cron, CI, systemd)."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

log = logging.getLogger("dailypapers.progress")


class Progress:
    def __init__(self, desc: str, total: int | None = None, unit: str = "papers", interval: float = 10.0,
                 stream: Any = None) -> None:
        self.desc, self.total, self.unit, self.interval = desc, total, unit, interval
        self.count = 0
        self.start = time.monotonic()
        self._last_log = self.start
        self._postfix = ""
        stream = stream or sys.stderr
        self._bar = None
        if hasattr(stream, "isatty") and stream.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, desc=desc, unit=f" {unit}", unit_scale=True, file=stream, dynamic_ncols=True)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.start
        return self.count / elapsed if elapsed > 0 else 0.0

    def update(self, n: int = 1, postfix: str | None = None) -> None:
        self.count += n
        if postfix is not None:
            self._postfix = postfix
        if self._bar is not None:
            self._bar.update(n)
            if postfix is not None:
                self._bar.set_postfix_str(postfix, refresh=False)
            return
        now = time.monotonic()
        if now - self._last_log >= self.interval:
            self._last_log = now
            self._log_line()

    def _log_line(self) -> None:
        eta = ""
        if self.total and self.rate > 0:
            eta = f", ETA {max(self.total - self.count, 0) / self.rate:.0f}s"
        of = f"/{self.total}" if self.total else ""
        extra = f" ({self._postfix})" if self._postfix else ""
        log.info("%s: %d%s %s, %.0f %s/s%s%s", self.desc, self.count, of, self.unit, self.rate, self.unit, eta, extra)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        else:
            self._log_line()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
