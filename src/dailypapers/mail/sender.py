"""Sending one digest period to every confirmed subscriber, exactly once.

1. Enqueue: one `deliveries` row per confirmed subscriber of that frequency (UNIQUE per period: reruns add none).
2. Claim a batch of queued rows with a lease (several senders can share a period without sharing rows).
3. Per row: re-read the subscriber (unsubscribed mid-run -> skipped), compose, hand to the backend, and commit
   `sent` right after the server accepted. A crash between the server's reply and that commit is the only way
   to a duplicate: at most one per SMTP connection (`mail_connections`). A rerun reclaims what a dead sender held.
"""

from __future__ import annotations

import logging
import os
import queue
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from dailypapers.clock import utcnow
from dailypapers.config import Settings
from dailypapers.mail.backends import (
    MailBackend,
    PermanentMailError,
    TransientMailError,
    backend_name,
    get_backend,
)
from dailypapers.mail.compose import build_digest, digest_message, message_id, parsed, site_host
from dailypapers.mail.content import DigestContent, Period, period_for
from dailypapers.processes import process_alive
from dailypapers.sources.http import Gate
from dailypapers.store import deliveries as dstore
from dailypapers.store import subscriptions as sstore
from dailypapers.store.db import Database

log = logging.getLogger(__name__)

HOST = socket.gethostname()


def _dead(worker: str) -> bool:
    """A claim made by a process on this machine that no longer exists (killed sender)."""
    host, _, rest = worker.partition(":")
    pid_text = rest.partition(":")[0]
    if host != HOST or not pid_text.isdigit():
        return False
    return not process_alive(int(pid_text))


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
    """Spaces sends `1/per_second` apart across every connection of a run."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.gate = Gate()  # arXiv's gate, spacing sends from the start of one to the start of the next

    def wait(self) -> None:
        if self.interval:
            with self.gate.lock:
                self.gate.wait_turn(self.interval)
                self.gate.done()


@dataclass
class _Run:
    db: Database
    settings: Settings
    period: Period
    report: SendReport
    limiter: _RateLimiter
    given_back: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    error: BaseException | None = None


def send_period(db: Database, settings: Settings, kind: str, day: date, backend: MailBackend | None = None,
                batch_size: int = 100, progress=None) -> SendReport:
    """Send the `kind` (daily|weekly) digest of `day`; safe to rerun and to run after a crash.

    This thread composes; `mail_connections` threads (each with its own SMTP connection) deliver, so composing the
    next digest overlaps with the server taking the last one. A `backend` given by the caller is used alone."""
    period = period_for(kind, day)
    report = SendReport(period.key)
    with db.write() as conn:
        report.enqueued = dstore.enqueue(conn, period.key, kind, site_host(settings), utcnow())
    if backend is not None:
        backends, own = [backend], False
    else:
        count = max(1, settings.mail_connections) if backend_name(settings) == "smtp" else 1
        backends, own = [get_backend(settings) for _ in range(count)], True
    run = _Run(db, settings, period, report, _RateLimiter(settings.mail_rate))
    work: queue.Queue = queue.Queue(maxsize=4 * len(backends))
    threads = [threading.Thread(target=_deliver_loop, args=(run, b, work), name=f"mail-{i}", daemon=True)
               for i, b in enumerate(backends)]
    for t in threads:
        t.start()
    worker = f"{HOST}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    content = DigestContent(db, period, settings.digest_trending_count, settings.digest_topic_count)
    lease = timedelta(seconds=max(300.0, 3 * batch_size / settings.mail_rate if settings.mail_rate > 0 else 0))
    try:
        while run.error is None:
            now = utcnow()
            with db.write() as conn:
                dead = [w for w in dstore.live_claimers(conn, period.key, now) if _dead(w)]
                with run.lock:
                    skip = set(run.given_back)
                rows = dstore.claim(conn, period.key, worker, now, now + lease, batch_size, dead, skip)
            if not rows:
                break
            _compose_batch(run, content, rows, work)
            if progress is not None:
                progress.update(len(rows))
    finally:
        for _ in threads:
            work.put(None)
        for t in threads:
            t.join()
        if own:
            for b in backends:
                b.close()
    if run.error is not None:
        raise run.error
    log.info("%s (compose %.1fs, deliver %.1fs)", report.summary(), report.compose_s, report.deliver_s)
    return report


def _compose_batch(run: _Run, content: DigestContent, rows: list[dict], work: queue.Queue) -> None:
    ids = [r["subscriber_id"] for r in rows]
    with run.db.connect() as conn:
        subs = {s["id"]: s for s in (sstore.get(conn, i) for i in ids) if s}
        history = dstore.history(conn, ids)
    for row in rows:
        if run.error is not None:
            return
        sub = subs.get(row["subscriber_id"])
        if sub is None or sub["status"] != sstore.CONFIRMED:
            _finish(run, row, "skipped", f"subscriber is {sub['status'] if sub else 'gone'}", row["attempts"])
            continue
        started = time.perf_counter()
        last_sent_at, already = history.get(sub["id"], (None, set()))
        digest = build_digest(content, sub, already, last_sent_at, run.settings.site_name)
        message = None if digest.empty else digest_message(run.settings, digest, sub, row["message_id"],
                                                           content=content)
        run.report.compose_s += time.perf_counter() - started
        if message is None:
            _finish(run, row, "skipped", "nothing new to send", row["attempts"])
            continue
        work.put((row, sub, digest, message))


def _deliver_loop(run: _Run, backend: MailBackend, work: queue.Queue) -> None:
    while True:
        item = work.get()
        if item is None:
            return
        if run.error is not None:
            continue  # drain: the run is stopping
        row, sub, digest, message = item
        try:
            # Fresh status right before sending: an unsubscribe or a bounce since the batch was claimed counts.
            with run.db.connect() as conn:
                status = sstore.status_of(conn, row["subscriber_id"])
            if status != sstore.CONFIRMED:
                _finish(run, row, "skipped", f"subscriber is {status or 'gone'}", row["attempts"])
                continue
            started = time.perf_counter()
            outcome, attempts, error = _deliver(backend, message, run.settings, row["attempts"], run.limiter)
            with run.lock:
                run.report.deliver_s += time.perf_counter() - started
            _finish(run, row, outcome, error, attempts, digest, sub["email"])
        except BaseException as exc:  # stop the run; send_period re-raises it
            run.error = run.error or exc


def _finish(run: _Run, row: dict, outcome: str, error: str, attempts: int, digest=None, email: str = "") -> None:
    """Record the outcome of one delivery in its own transaction, right away (that is the exactly-once promise)."""
    if outcome == "deferred":
        with run.lock:
            run.given_back.add(row["id"])
    with run.db.write() as conn:
        if outcome == "sent":
            dstore.mark_sent(conn, row["id"], utcnow(), digest.subject, digest.paper_ids, attempts)
        elif outcome == "failed":
            dstore.mark_failed(conn, row["id"], error, attempts)
        elif outcome == "skipped":
            dstore.mark_skipped(conn, row["id"], error)
        else:
            dstore.release(conn, row["id"], error, attempts)
    report = run.report
    with run.lock:
        if outcome == "sent":
            report.sent += 1
        elif outcome == "failed":
            report.failed += 1
            report.errors.append(f"{email}: {error}")
        elif outcome == "skipped":
            report.skipped += 1
        else:
            report.deferred += 1
            report.errors.append(f"{email}: {error} (left queued)")


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
    message = digest_message(settings, digest, subscriber, message_id(period.key, subscriber["id"], settings),
                             content=content)
    return digest, parsed(message)

