"""Rate limits per account and per client IP, counted in the database so every worker process shares them.

A limit is written "N/period" (period: second, minute, hour, day, or a number of seconds like "5/300s").
Fixed windows: at most N events per key per window, so a burst across a window edge may reach 2N.
Accounts younger than `new_account_hours` get N divided by `new_account_rate_divisor`; an IP gets
N × `rate_ip_multiplier` for votes, comments, submissions and subscriptions (a lab shares one address), N for
sign-ups and resets; logins have their own buckets (`check_login`).
"""

from __future__ import annotations

import math
import random
import time
from datetime import timedelta

from dailypapers.clock import utcnow
from dailypapers.config import Limit, Settings, parse_limit
from dailypapers.errors import DomainError
from dailypapers.store import ratelimits as store
from dailypapers.store.db import Database

ACTIONS = ("login", "vote", "comment", "submit", "subscribe")


class RateLimited(DomainError):
    """Too many requests; `retry_after` seconds until the window that refused it ends."""

    def __init__(self, action: str, scope: str, limit: Limit, retry_after: int) -> None:
        super().__init__(429, f"rate limit: at most {limit.count} {action} requests per {limit.seconds} s per "
                              f"{scope}; retry in {retry_after} s",
                         headers={"Retry-After": str(retry_after)}, details={"retryAfter": retry_after})
        self.action, self.scope, self.limit, self.retry_after = action, scope, limit, retry_after


def limit_for(settings: Settings, action: str) -> Limit:
    if action not in ACTIONS:
        raise ValueError(f"unknown rate-limited action {action!r}")
    return parse_limit(f"rate_{action}", getattr(settings, f"rate_{action}"))


def is_new_account(settings: Settings, user: dict | None) -> bool:
    created = (user or {}).get("created_at")
    return created is not None and utcnow() - created < timedelta(hours=settings.new_account_hours)


def check(db: Database, settings: Settings, action: str, *, account: str | None, ip: str | None,
          user: dict | None = None, bucket: str | None = None) -> None:
    """Count one `action` for the account (user id or login name) and the IP; raise RateLimited when over.

    `bucket` names the counters when one limit guards several forms (sign-ups, resets, … all use `rate_login`)."""
    limit = limit_for(settings, action)
    account_limit = limit
    if is_new_account(settings, user):
        account_limit = Limit(max(1, limit.count // settings.new_account_rate_divisor), limit.seconds)
    ip_limit = limit if action == "login" else Limit(limit.count * settings.rate_ip_multiplier, limit.seconds)
    name = bucket or action
    _count(db, action, [(scope, f"{name}:{scope[0]}:{key}", lim)
                        for scope, key, lim in (("account", account, account_limit), ("IP address", ip, ip_limit))
                        if key], stop_at_first=False)


def check_login(db: Database, settings: Settings, *, account: str, ip: str | None) -> None:
    """Count one login attempt at `account` (the account's id, so every spelling of it shares the counters).

    Three buckets, in order: this IP at this account (`rate_login`), this account from everywhere and this IP at
    every account (each `rate_ip_multiplier` times that). Counting stops at the first full bucket, so an attacker
    refused at their own IP-and-account bucket uses up nothing of the account's: the owner, from another address,
    still logs in."""
    limit = limit_for(settings, "login")
    wide = Limit(limit.count * settings.rate_ip_multiplier, limit.seconds)
    checks = [("account from this IP address", f"login:ia:{ip}|{account}", limit), ("account", f"login:a:{account}",
                                                                                    wide)]
    if ip:
        checks.append(("IP address", f"login:i:{ip}", wide))
    _count(db, "login", checks, stop_at_first=True)


def _count(db: Database, action: str, checks: list[tuple[str, str, Limit]], stop_at_first: bool) -> None:
    now = time.time()
    over = None
    with db.write() as conn:  # every counter in one short transaction
        for scope, key, lim in checks:
            window = int(now // lim.seconds) * lim.seconds
            if store.hit(conn, key, window) > lim.count and over is None:
                over = (scope, lim, max(1, math.ceil(window + lim.seconds - now)))
                if stop_at_first:
                    break
    if over is not None:
        raise RateLimited(action, *over)
    if random.random() < 0.002:  # old windows are dead weight; sweep them now and then
        purge(db)


def purge(db: Database, older_than_seconds: int = 2 * 86400) -> int:
    with db.write() as conn:
        return store.purge_before(conn, int(time.time()) - older_than_seconds)
