"""Every recurring background job, in one place: what it does, when, and the lease that makes it run once.

| job (= lease) | what | when |
|---|---|---|
| `arxiv-sync` | harvest arXiv (backfill, daily sync, resume, retry) | checked every minute; due at `sync_time` |
| `digests` | send the daily and weekly digests | checked every minute; due at `digest_hour` |
| `embeddings` | embed papers that lack a search vector | every 30 s |
| `gists` | compute the TL;DR and keyphrases of papers stored without them | every minute |
| `housekeeping` | delete expired sessions, old rate-limit counters and old text-log entries | hourly |

`serve` (unless `jobs_in_serve = false` or `--no-jobs`) and `dailypapers worker` run them through `JobRunner`;
each pass happens in whichever process holds the job's lease, so any number of processes and hosts can run them.
The per-feature settings (`sync_in_serve`, `digest_schedule_enabled`, `index_on_serve`) switch a job off.
"""

from __future__ import annotations

import logging
import threading

from dailypapers.config import Settings
from dailypapers.jobs.runner import Job, JobRunner, Pass
from dailypapers.store.db import Database

log = logging.getLogger(__name__)

ARXIV_SYNC = "arxiv-sync"
DIGESTS = "digests"
EMBEDDINGS = "embeddings"
GISTS = "gists"
HOUSEKEEPING = "housekeeping"


def _sync(db: Database, settings: Settings) -> Pass:
    from dailypapers.harvest.scheduler import SyncJob

    return SyncJob(db, settings)


def _digests(db: Database, settings: Settings) -> Pass:
    from dailypapers.mail.schedule import DigestJob

    return DigestJob(db, settings)


def _embeddings(db: Database, settings: Settings) -> Pass:
    from dailypapers.search.indexer import embed_pass

    return embed_pass(db)


def _gists(db: Database, settings: Settings) -> Pass:
    from dailypapers.ingest.gists import fill_gists

    def run(stop: threading.Event) -> None:
        done = fill_gists(db, stop=stop, show_progress=False)
        if done.computed:
            log.info("gists: %d papers got a TL;DR and keyphrases (%.0f/s)", done.computed, done.rate)

    return run


def _housekeeping(db: Database, settings: Settings) -> Pass:
    from dailypapers.community import ratelimit
    from dailypapers.store import text_log
    from dailypapers.store.sessions import purge_expired_sessions

    def run(stop: threading.Event) -> None:
        with db.write() as conn:
            sessions = purge_expired_sessions(conn)
            entries = text_log.prune(conn)
        counters = ratelimit.purge(db)
        if sessions or counters or entries:
            log.info("housekeeping: deleted %d expired sessions, %d old rate-limit counters, %d old text-log entries",
                     sessions, counters, entries)

    return run


JOBS: list[Job] = [
    Job(ARXIV_SYNC, "harvest arXiv: backfill, daily sync, resume an interrupted one, retry a failed one",
        "due daily at sync_time (sync_timezone); checked every minute", every_s=60.0, make=_sync,
        enabled=lambda s: s.sync_in_serve),
    # A first wait (30 s by default): a process started and stopped at once (tests, probes) sends nothing.
    Job(DIGESTS, "send the daily and weekly digests, each once per subscriber",
        "due at digest_hour (digest_timezone) on weekdays / digest_weekly_day; checked every minute", every_s=60.0,
        make=_digests, enabled=lambda s: s.digest_schedule_enabled, first_after_leases=1.0),
    Job(EMBEDDINGS, "embed papers that have no search vector yet", "every 30 s", every_s=30.0, make=_embeddings,
        enabled=lambda s: s.index_on_serve),
    # Papers imported with --no-gists or stored before migration 0014; a pass stops when its lease is lost.
    Job(GISTS, "compute the TL;DR and keyphrases of papers stored without them", "every minute", every_s=60.0,
        make=_gists),
    Job(HOUSEKEEPING, "delete expired sessions, old rate-limit counters and old text-log entries", "hourly",
        every_s=3600.0,
        make=_housekeeping),
]


def job_runner(db: Database, settings: Settings, jobs: list[Job] | None = None) -> JobRunner:
    """A runner for the catalog's jobs that `settings` switch on (not started)."""
    return JobRunner(db, settings, JOBS if jobs is None else jobs)
