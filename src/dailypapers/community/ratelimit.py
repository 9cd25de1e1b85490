"""Rate limits per account and per client IP, counted in the database so every worker process shares them.

A limit is written "N/period" (period: second, minute, hour, day, or a number of seconds like "5/300s").
Fixed windows: at most N events per key per window, so a burst across a window edge may reach 2N.
Accounts younger than `new_account_hours` get N divided by `new_account_rate_divisor`; an IP gets
N × `rate_ip_multiplier` for votes, comments and submissions (a lab shares one address), N for logins.
"""

from __future__ import annotations

import math
import random
import re
import time
from dataclasses import dataclass
from datetime import timedelta

from dailypapers.clock import utcnow
from dailypapers.config import ConfigError, Settings
from dailypapers.store import ratelimits as store
from dailypapers.store.db import Database

_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(?:(\d+)\s*s|(second|minute|hour|day)s?)\s*$")
ACTIONS = ("login", "vote", "comment", "submit")


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


class RateLimited(Exception):
    """Too many requests; `retry_after` seconds until the window that refused it ends."""

    def __init__(self, action: str, scope: str, limit: Limit, retry_after: int) -> None:
        super().__init__(f"rate limit: at most {limit.count} {action} requests per {limit.seconds} s per {scope}; "
                         f"retry in {retry_after} s")
        self.action, self.scope, self.limit, self.retry_after = action, scope, limit, retry_after


def parse_limit(name: str, spec: str) -> Limit:
    m = _SPEC.match(spec or "")
    if not m or int(m.group(1)) < 1:
        raise ConfigError(f"setting {name!r}: expected a limit like '5/minute' or '20/300s', got {spec!r}")
    seconds = int(m.group(2)) if m.group(2) else _PERIODS[m.group(3)]
    if seconds < 1:
        raise ConfigError(f"setting {name!r}: the period must be at least one second, got {spec!r}")
    return Limit(int(m.group(1)), seconds)


def limit_for(settings: Settings, action: str) -> Limit:
    if action not in ACTIONS:
        raise ValueError(f"unknown rate-limited action {action!r}")
    return parse_limit(f"rate_{action}", getattr(settings, f"rate_{action}"))


def check_settings(settings: Settings) -> None:
    for action in ACTIONS:
        limit_for(settings, action)
    for name in ("rate_ip_multiplier", "new_account_rate_divisor"):
        if getattr(settings, name) < 1:
            raise ConfigError(f"setting {name!r}: must be at least 1, got {getattr(settings, name)}")


def is_new_account(settings: Settings, user: dict | None) -> bool:
    created = (user or {}).get("created_at")
    return created is not None and utcnow() - created < timedelta(hours=settings.new_account_hours)


def check(db: Database, settings: Settings, action: str, *, account: str | None, ip: str | None,
          user: dict | None = None) -> None:
    """Count one `action` for the account (user id or login name) and the IP; raise RateLimited when over."""
    limit = limit_for(settings, action)
    now = time.time()
    account_limit = limit
    if is_new_account(settings, user):
        account_limit = Limit(max(1, limit.count // settings.new_account_rate_divisor), limit.seconds)
    ip_limit = limit if action == "login" else Limit(limit.count * settings.rate_ip_multiplier, limit.seconds)
    checks = [(scope, f"{action}:{scope[0]}:{key}", lim)
              for scope, key, lim in (("account", account, account_limit), ("IP address", ip, ip_limit)) if key]
    over = None
    with db.write() as conn:  # both counters in one short transaction
        for scope, key, lim in checks:
            window = int(now // lim.seconds) * lim.seconds
            if store.hit(conn, key, window) > lim.count and over is None:
                over = (scope, lim, max(1, math.ceil(window + lim.seconds - now)))
    if over is not None:
        raise RateLimited(action, *over)
    if random.random() < 0.002:  # old windows are dead weight; sweep them now and then
        purge(db)


def purge(db: Database, older_than_seconds: int = 2 * 86400) -> int:
    with db.write() as conn:
        return store.purge_before(conn, int(time.time()) - older_than_seconds)
