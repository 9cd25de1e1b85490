"""Sending one digest period to every confirmed subscriber, exactly once.

1. Enqueue: one `deliveries` row per confirmed subscriber of that frequency (UNIQUE per period: reruns add none).
2. Claim a batch of queued rows with a lease (several senders can share a period without sharing rows).
3. Per row: re-read the subscriber (unsubscribed mid-run -> skipped), compose, hand to the backend, and commit
   `sent` right after the server accepted. A crash between the server's reply and that commit is the only way
   to a duplicate: at most one per sender. A rerun reclaims the rows a dead sender held.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from dailypapers.config import Settings
from dailypapers.mail.backends import MailBackend, PermanentMailError, TransientMailError, get_backend
from dailypapers.mail.compose import build_digest, digest_message, message_id, site_host
from dailypapers.mail.content import DigestContent, Period, period_for
from dailypapers.store import deliveries as dstore
from dailypapers.store import subscriptions as sstore
from dailypapers.store.db import Database

log = logging.getLogger(__name__)

HOST = socket.gethostname()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _dead(worker: str) -> bool:
    """A claim made by a process on this machine that no longer exists (killed sender)."""
    host, _, rest = worker.partition(":")
    pid_text = rest.partition(":")[0]
    if host != HOST or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


@dataclass
class SendReport:
    period: str
    enqueued: int = 0
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    deferred: int = 0
    compose_s: float = 0.0
    deliver_s: float = 0.0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.period}: {self.sent} sent, {self.failed} failed, {self.skipped} skipped, "
                f"{self.deferred} left queued (newly queued: {self.enqueued})")


class _RateLimiter:
    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.next_at = time.monotonic()

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if now < self.next_at:
            time.sleep(self.next_at - now)
        self.next_at = max(now, self.next_at) + self.interval


def send_period(db: Database, settings: Settings, kind: str, day: date, backend: MailBackend | None = None,
                batch_size: int = 100, progress=None) -> SendReport:
    """Send the `kind` (daily|weekly) digest of `day`; safe to rerun and to run after a crash."""
    period = period_for(kind, day)
    report = SendReport(period.key)
    with db.write() as conn:
        report.enqueued = dstore.enqueue(conn, period.key, kind, site_host(settings), _now())
    own_backend = backend is None
    backend = backend or get_backend(settings)
    worker = f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    content = DigestContent(db, period, settings.digest_trending_count, settings.digest_topic_count)
    limiter = _RateLimiter(settings.mail_rate)
    lease = timedelta(seconds=max(300.0, 3 * batch_size / settings.mail_rate if settings.mail_rate > 0 else 0))
    given_back: set[int] = set()
    try:
        while True:
            now = _now()
            with db.write() as conn:
                dead = [w for w in dstore.live_claimers(conn, period.key, now) if _dead(w)]
                rows = dstore.claim(conn, period.key, worker, now, now + lease, batch_size, dead, given_back)
            if not rows:
                break
            _send_batch(db, settings, backend, content, period, rows, report, limiter, given_back)
            if progress is not None:
                progress.update(len(rows))
    finally:
        if own_backend:
            backend.close()
    log.info("%s (compose %.1fs, deliver %.1fs)", report.summary(), report.compose_s, report.deliver_s)
    return report


def _send_batch(db: Database, settings: Settings, backend: MailBackend, content: DigestContent, period: Period,
                rows: list[dict], report: SendReport, limiter: _RateLimiter, given_back: set[int]) -> None:
    ids = [r["subscriber_id"] for r in rows]
    with db.connect() as conn:
        subs = {s["id"]: s for s in (sstore.get(conn, i) for i in ids) if s}
        history = dstore.history(conn, ids)
    for row in rows:
        sub = subs.get(row["subscriber_id"])
        # Fresh status right before sending: an unsubscribe or a bounce since the batch was claimed counts.
        with db.connect() as conn:
            status = sstore.status_of(conn, row["subscriber_id"])
        if sub is None or status != sstore.CONFIRMED:
            with db.write() as conn:
                dstore.mark_skipped(conn, row["id"], f"subscriber is {status or 'gone'}")
            report.skipped += 1
            continue
        started = time.perf_counter()
        last_sent_at, already = history.get(sub["id"], (None, set()))
        digest = build_digest(content, sub, already, last_sent_at, settings.site_name)
        if digest.empty:
            with db.write() as conn:
                dstore.mark_skipped(conn, row["id"], "nothing new to send")
            report.skipped += 1
            report.compose_s += time.perf_counter() - started
            continue
        message = digest_message(settings, digest, sub, row["message_id"])
        composed = time.perf_counter()
        report.compose_s += composed - started
        outcome, attempts, error = _deliver(backend, message, settings, row["attempts"], limiter)
        report.deliver_s += time.perf_counter() - composed
        with db.write() as conn:
            if outcome == "sent":
                dstore.mark_sent(conn, row["id"], _now(), digest.subject, digest.paper_ids, attempts)
            elif outcome == "failed":
                dstore.mark_failed(conn, row["id"], error, attempts)
            else:
                dstore.release(conn, row["id"], error, attempts)
        if outcome == "sent":
            report.sent += 1
        elif outcome == "failed":
            report.failed += 1
            report.errors.append(f"{sub['email']}: {error}")
        else:
            report.deferred += 1
            given_back.add(row["id"])
            report.errors.append(f"{sub['email']}: {error} (left queued)")


def _deliver(backend: MailBackend, message, settings: Settings, attempts: int,
             limiter: _RateLimiter) -> tuple[str, int, str]:
    delay = settings.mail_retry_backoff_s
    for try_no in range(max(1, settings.mail_retry_attempts)):
        limiter.wait()
        attempts += 1
        try:
            backend.send(message)
            return "sent", attempts, ""
        except PermanentMailError as exc:
            return "failed", attempts, str(exc)
        except TransientMailError as exc:
            error = str(exc)
            if try_no + 1 < settings.mail_retry_attempts:
                log.info("temporary failure for %s, retrying in %.1fs: %s", message["To"], delay, exc)
                time.sleep(delay)
                delay *= 2
    return "deferred", attempts, error


def preview(db: Database, settings: Settings, subscriber: dict, kind: str | None = None,
            day: date | None = None):
    """The digest `subscriber` would get next (nothing is recorded): (Digest, EmailMessage)."""
    kind = kind or subscriber["frequency"]
    period = period_for(kind, day or datetime.now(UTC).date())
    content = DigestContent(db, period, settings.digest_trending_count, settings.digest_topic_count)
    with db.connect() as conn:
        last_sent_at, already = dstore.history(conn, [subscriber["id"]])[subscriber["id"]]
    digest = build_digest(content, subscriber, already, last_sent_at, settings.site_name)
    return digest, digest_message(settings, digest, subscriber, message_id(period.key, subscriber["id"], settings))

