"""`dailypapers import` and `dailypapers export`."""

from __future__ import annotations

import sys

import click

from dailypapers.cli.common import AppContext, pass_app
from dailypapers.ingest.export import export_lines
from dailypapers.ingest.gists import default_workers, fill_gists
from dailypapers.ingest.importer import import_files

FORMATS_HELP = (
    "Formats (detected from content, plain or gzip): the Kaggle arXiv snapshot "
    "(arxiv-metadata-oai-snapshot.json, JSON Lines), Hugging Face daily-papers items (a JSON array or "
    "JSON Lines, as /api/daily_papers returns them), and dailypapers' own export."
)


@click.command("import", help="Import papers from FILEs. " + FORMATS_HELP)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=str))
@click.option("--batch-size", type=click.IntRange(1, 100_000), default=None, help="Papers per transaction.")
@click.option("--max-errors", type=click.IntRange(0), default=50, show_default=True,
              help="How many rejected records to list (all are counted).")
@click.option("--no-gists", is_flag=True,
              help="Leave TL;DRs and keyphrases to `dailypapers gist` or `serve` (the import itself is ~10x faster).")
@pass_app
def import_cmd(app: AppContext, files: tuple[str, ...], batch_size: int | None, max_errors: int,
               no_gists: bool) -> None:
    db = app.database()
    shown = 0

    def on_reject(rejection) -> None:
        nonlocal shown
        if shown < max_errors:
            click.echo(f"rejected: {rejection}", err=True)
        shown += 1

    summary = import_files(db, files, batch_size=batch_size, on_reject=on_reject, gists=not no_gists)
    for path, fmt in summary.formats.items():
        click.echo(f"{path}: {fmt}")
    for line in summary.lines():
        click.echo(line)
    for error in summary.file_errors:
        click.echo(f"error: {error}", err=True)
    if shown > max_errors:
        click.echo(f"… and {shown - max_errors} more rejected records", err=True)
    if summary.file_errors:
        sys.exit(2)
    if summary.rejected:
        sys.exit(1)


@click.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default="-",
              help="File to write (default: standard output).")
@pass_app
def export_cmd(app: AppContext, output: str) -> None:
    """Write every paper as JSON Lines that `dailypapers import` reads back losslessly."""
    db = app.database()
    if output == "-":
        count = export_lines(db, sys.stdout)
    else:
        with open(output, "w", encoding="utf-8") as out:
            count = export_lines(db, out)
    click.echo(f"exported {count} papers", err=True)


@click.command("gist")
@click.option("--all", "everything", is_flag=True, help="Recompute every paper's, not only missing or stale ones.")
@pass_app
def gist_cmd(app: AppContext, everything: bool) -> None:
    """Compute the extractive TL;DR and keyphrases of papers that lack them (resumable; `serve` does it too)."""
    result = fill_gists(app.database(), everything=everything, workers=default_workers())
    click.echo(f"TL;DR and keyphrases: {result.computed} papers in {result.seconds:.1f} s ({result.rate:.0f}/s)")


COMMANDS = [import_cmd, export_cmd, gist_cmd]
