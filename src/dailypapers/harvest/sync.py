"""`dailypapers sync`: harvest the configured categories from arXiv into the store.

1. OAI-PMH, one chain per archive set (`cs`, `stat`, ...), from the day after the last complete harvest (or
   `backfill_days` back on a first run). Each page is one transaction that also saves the resumption token, so a
   sync killed at any point resumes from the last committed page, and reruns merge into the same rows.
2. RSS: today's announcements (new, cross, replace, replace-cross), which decide today's daily list.

Every paper goes through `store.papers.upsert_papers`, so OAI-PMH, RSS, API look-ups and imported files all merge
into one row per versionless arXiv id.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from dailypapers.config import Settings
from dailypapers.harvest.announce import listing_day
from dailypapers.harvest.polite import polite_client
from dailypapers.progress import Progress
from dailypapers.records import DailyEntryRecord, PaperRecord
from dailypapers.sources import oai_pmh, rss
from dailypapers.sources.http import ArxivUnavailable, PoliteClient
from dailypapers.sources.oai_pmh import BadResumptionToken, OaiError, OaiRecord
from dailypapers.sources.xmlparse import SourceFormatError
from dailypapers.store import harvest as store
from dailypapers.store.daily import upsert_daily_entries
from dailypapers.store.db import Database
from dailypapers.store.papers import upsert_papers, utcnow

log = logging.getLogger(__name__)
DAILY_TYPES = ("new", "cross")  # announcements that make a paper "new in the categories" today


class SyncStopped(RuntimeError):
    """Raised from `on_page` when a sync must stop between pages; the run is logged as interrupted and resumes."""


def stop_when(event: threading.Event) -> Callable[[object], None]:
    """An `on_page` hook that stops the sync between pages once `event` is set (lease lost, process stopping)."""

    def check(_result: object) -> None:
        if event.is_set():
            raise SyncStopped("the sync lost its lease or its process is stopping; the next one resumes from here")

    return check


class SyncFailed(RuntimeError):
    """The sync stopped; the message is one line saying why (also stored in the run log)."""


@dataclass
class SyncResult:
    run_id: int
    backfill: bool
    pages: int = 0
    records: int = 0
    papers_new: int = 0
    papers_updated: int = 0
    deleted: int = 0
    announced: int = 0
    daily_added: int = 0
    sets: dict[str, str] = field(default_factory=dict)

    def line(self) -> str:
        kind = "backfill" if self.backfill else "sync"
        return (f"{kind} done: {self.records} records in {self.pages} pages, {self.papers_new} new papers, "
                f"{self.papers_updated} updated, {self.deleted} deleted upstream, {self.announced} announcements, "
                f"{self.daily_added} added to daily lists")


def category_matches(categories: list[str] | None, wanted: list[str]) -> bool:
    """`cs.LG` matches exactly; an archive name (`cs`, `hep-th`) matches all of its categories."""
    for cat in categories or []:
        for w in wanted:
            if cat == w or ("." not in w and cat.split(".", 1)[0] == w):
                return True
    return False


def plan_sets(categories: list[str]) -> list[str]:
    return list(dict.fromkeys(oai_pmh.archive_set(c) for c in categories))


def run_sync(db: Database, settings: Settings | None = None, *, client: PoliteClient | None = None,
             trigger: str = "cli", today: date | None = None, progress_stream=None,
             on_page: Callable[[SyncResult], None] | None = None, takeover: bool = False) -> SyncResult:
    """One sync from where the last one stopped. Raises SyncFailed (after logging the run as failed).

    `takeover`: the caller holds the sync job's lease, so a run still marked running belongs to a dead process."""
    settings = settings or db.settings
    today = today or datetime.now(UTC).date()
    sets = plan_sets(settings.arxiv_categories)
    with db.write() as conn:
        backfill = all(store.get_checkpoint(conn, s) is None for s in sets)
        run_id = store.start_run(conn, trigger, backfill, retire_running=takeover)
    result = SyncResult(run_id=run_id, backfill=backfill)
    own_client = client is None
    client = client or polite_client(db, settings)
    try:
        with Progress("backfill" if backfill else "sync", unit="records", stream=progress_stream) as progress:
            for set_spec in sets:
                _harvest_set(db, settings, client, set_spec, today, result, progress, on_page)
            _announcements(db, settings, client, result)
    except (ArxivUnavailable, SourceFormatError, OaiError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        with db.write() as conn:
            store.finish_run(conn, run_id, error=message)
        raise SyncFailed(message) from exc
    except SyncStopped as exc:
        with db.write() as conn:
            store.update_run(conn, run_id, status="interrupted", finished_at=utcnow(), error=str(exc))
        raise
    except BaseException as exc:  # KeyboardInterrupt, bugs: never leave the run looking alive
        with db.write() as conn:
            store.finish_run(conn, run_id, error=f"stopped: {type(exc).__name__}: {exc}"[:500])
        raise
    finally:
        if own_client:
            client.close()
    with db.write() as conn:
        store.finish_run(conn, run_id)
    log.info("%s", result.line())
    return result


def _harvest_set(db, settings, client, set_spec, today, result, progress, on_page) -> None:
    prefix = settings.arxiv_metadata_prefix
    window_start = today - timedelta(days=settings.backfill_days)
    with db.connect() as conn:
        cp = store.get_checkpoint(conn, set_spec)
    if cp and cp["token"] and cp["metadata_prefix"] == prefix:
        token, from_date, chain_max = cp["token"], cp["from_date"], cp["chain_max_datestamp"]
        log.info("set %s: resuming the harvest from %s at record %s", set_spec, from_date, cp["cursor"])
    else:
        token, chain_max = None, None
        from_date = cp["harvested_through"] if cp and cp["harvested_through"] else window_start
        with db.write() as conn:
            store.save_checkpoint(conn, set_spec, metadata_prefix=prefix, from_date=from_date, token=None,
                                  cursor=0, complete_size=None, chain_max_datestamp=None,
                                  harvested_through=cp["harvested_through"] if cp else None)
    # Papers first announced inside the harvested window go on daily lists; older ones only update.
    daily_from = min(from_date, window_start) if from_date else window_start
    while True:
        try:
            page = oai_pmh.list_records_page(client, settings.arxiv_oai_url, metadata_prefix=prefix,
                                             set_spec=set_spec, from_date=None if token else from_date,
                                             token=token)
        except BadResumptionToken as exc:
            with db.write() as conn:
                store.save_checkpoint(conn, set_spec, token=None, cursor=0)
            raise BadResumptionToken(exc.code, f"arXiv rejected the resumption token {token!r} for set "
                                     f"{set_spec} ({str(exc).split(': ', 2)[-1]}); nothing was changed, and the "
                                     f"next sync restarts this set from {from_date}", settings.arxiv_oai_url) from None
        kept = [r for r in page.records if r.deleted or (
            r.paper is not None and category_matches(r.paper.categories, settings.arxiv_categories))]
        stamps = [r.datestamp for r in page.records]
        if stamps:
            chain_max = max([*stamps, chain_max] if chain_max else stamps)
        done = page.token is None
        with db.write() as conn:
            _still_ours(conn, result.run_id)
            _store_records(conn, settings, kept, daily_from, result)
            values = {"token": page.token, "cursor": page.cursor, "complete_size": page.complete_size,
                      "chain_max_datestamp": chain_max, "from_date": from_date}
            if done:
                values["harvested_through"] = max(filter(None, [chain_max, from_date]))
                values["chain_max_datestamp"] = None
            store.save_checkpoint(conn, set_spec, **values)
            total = (page.complete_size or 0) if page.complete_size else None
            store.add_to_run(conn, result.run_id, pages=1, records=len(page.records))
            if total:
                store.update_run(conn, result.run_id, records_total=total)
        result.pages += 1
        result.records += len(page.records)
        progress.update(len(page.records), postfix=f"set {set_spec}, {result.papers_new} new")
        if on_page:
            on_page(result)
        if done:
            result.sets[set_spec] = f"harvested through {values['harvested_through']}"
            return
        token = page.token


def _still_ours(conn, run_id: int) -> None:
    """Refuse to write a page once another process took this sync over (it marked our run interrupted when it took
    the lease): a process that stalled past its lease never writes beside the one that resumed its work."""
    if store.run_status(conn, run_id, lock=True) != "running":
        raise SyncStopped("another process took this sync over; nothing more is written by this one")


def _store_records(conn, settings: Settings, records: list[OaiRecord], daily_from: date,
                   result: SyncResult) -> None:
    deleted = [r for r in records if r.deleted]
    papers = [r.paper for r in records if r.paper is not None]
    upserted, ids = upsert_papers(conn, papers)
    announcements = []
    for paper in papers:
        if paper.published_at is None or not _first_version(paper):
            continue
        day = listing_day(paper.published_at)
        if day >= daily_from:
            announcements.append(store.AnnouncementRow(paper.arxiv_id, day, "new", paper.published_at))
    counts = _apply_announcements(conn, settings, announcements, ids)
    store.add_to_run(conn, result.run_id, papers_new=upserted.new, papers_updated=upserted.updated,
                     deleted=len(deleted), announced=counts[0], daily_added=counts[1])
    result.papers_new += upserted.new
    result.papers_updated += upserted.updated
    result.deleted += len(deleted)
    result.announced += counts[0]
    result.daily_added += counts[1]


def _first_version(paper: PaperRecord) -> bool:
    if paper.version is not None:
        return paper.version == 1
    return paper.updated_at is None or paper.updated_at == paper.published_at


def _apply_announcements(conn, settings: Settings, rows: list[store.AnnouncementRow],
                         ids: dict[str, int]) -> tuple[int, int]:
    """Record announcements; under the `all` policy put new ones on their day's daily list (never moving a
    paper that is already on one, e.g. a community submission)."""
    announced = store.record_announcements(conn, rows, ids)
    if settings.daily_list_policy != "all":
        return announced, 0
    fresh = [r for r in rows if r.announce_type in DAILY_TYPES and r.arxiv_id in ids]
    listed = store.papers_with_daily_entry(conn, (ids[r.arxiv_id] for r in fresh))
    entries, seen = [], set()
    for r in fresh:
        if ids[r.arxiv_id] in listed or r.arxiv_id in seen:
            continue
        seen.add(r.arxiv_id)
        entries.append(DailyEntryRecord(arxiv_id=r.arxiv_id, day=r.day, submitted_at=r.announced_at,
                                        source="arxiv"))
    daily = upsert_daily_entries(conn, entries, ids)
    return announced, daily.new


def _announcements(db: Database, settings: Settings, client: PoliteClient, result: SyncResult) -> None:
    items = rss.fetch_announcements(client, settings.arxiv_rss_url, settings.arxiv_categories)
    if not items:
        log.info("the RSS feed lists no announcements today (weekend or holiday)")
        return
    rows = [store.AnnouncementRow(a.arxiv_id, a.day, a.announce_type, a.announced_at) for a in items]
    with db.write() as conn:
        _still_ours(conn, result.run_id)
        upserted, ids = upsert_papers(conn, [a.paper for a in items])
        announced, daily_added = _apply_announcements(conn, settings, rows, ids)
        store.add_to_run(conn, result.run_id, papers_new=upserted.new, papers_updated=upserted.updated,
                         announced=announced, daily_added=daily_added)
    result.papers_new += upserted.new
    result.papers_updated += upserted.updated
    result.announced += announced
    result.daily_added += daily_added
