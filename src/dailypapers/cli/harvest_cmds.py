"""`dailypapers sync`, `dailypapers fetch` and `dailypapers status`: keeping up with arXiv."""

from __future__ import annotations

import sys

import click

from dailypapers.cli.common import AppContext, pass_app
from dailypapers.harvest.polite import polite_client
from dailypapers.harvest.status import harvest_status
from dailypapers.harvest.sync import SyncFailed, SyncStopped, run_sync, stop_when
from dailypapers.jobs.catalog import ARXIV_SYNC
from dailypapers.jobs.lease import LeaseBusy, held
from dailypapers.sources.arxiv_api import FETCH_ERRORS, fetch_papers
from dailypapers.store.harvest import SyncAlreadyRunning
from dailypapers.store.papers import upsert_papers


@click.command("sync")
@click.option("--backfill-days", type=click.IntRange(1, 3650), default=None,
              help="Days an empty database is filled with (setting: backfill_days).")
@click.option("--category", "categories", multiple=True,
              help="Harvest this category instead of the setting arxiv_categories (repeatable).")
@pass_app
def sync(app: AppContext, backfill_days: int | None, categories: tuple[str, ...]) -> None:
    """Harvest new and updated arXiv papers of the configured categories (for cron; `serve` does it daily).

    Picks up where the last sync stopped (an interrupted one resumes from its last page); on an empty
    database it backfills the last `backfill_days` days. Exits 1 with a one-line reason when arXiv cannot be
    reached or answers nonsense; what was stored before stays.
    """
    settings = app.settings
    if backfill_days:
        settings = settings.replace(backfill_days=backfill_days)
    if categories:
        settings = settings.replace(arxiv_categories=list(categories))
    db = app.database()
    try:
        # The same lease as the `arxiv-sync` job of serve and worker processes: one sync at a time on any host.
        with held(db, ARXIV_SYNC, settings) as lost:
            result = run_sync(db, settings, trigger="cli", takeover=True, on_page=stop_when(lost))
    except (SyncFailed, SyncAlreadyRunning, SyncStopped, LeaseBusy) as exc:
        click.echo(f"sync failed: {exc}", err=True)
        sys.exit(1)
    click.echo(result.line())


@click.command("fetch")
@click.argument("ids", nargs=-1, required=True)
@pass_app
def fetch(app: AppContext, ids: tuple[str, ...]) -> None:
    """Fetch papers by arXiv id or link from the arXiv API and store them (not put on a daily list)."""
    db = app.database()
    try:
        with polite_client(db, app.settings) as client:
            records = fetch_papers(list(ids), app.settings, client=client)
    except FETCH_ERRORS as exc:
        click.echo(f"fetch failed: {exc}", err=True)
        sys.exit(1)
    with db.write() as conn:
        result, _ = upsert_papers(conn, records.values())
    for arxiv_id, rec in records.items():
        click.echo(f"{arxiv_id}v{rec.version or '?'}  {rec.title}")
    click.echo(f"new: {result.new}, updated: {result.updated}, unchanged: {result.unchanged}")


@click.command("status")
@pass_app
def status(app: AppContext) -> None:
    """Show the last arXiv sync (when, how many papers, the error if it failed) and where each set stands."""
    state = harvest_status(app.database())
    for line in state.lines():
        click.echo(line)
    if state.failed:
        sys.exit(1)


COMMANDS = [sync, fetch, status]
