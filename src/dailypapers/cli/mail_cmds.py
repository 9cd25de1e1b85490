"""`dailypapers subscribers import|export` and `dailypapers digest send|preview`."""

from __future__ import annotations

import csv
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from dailypapers.cli.common import AppContext, pass_app
from dailypapers.clock import utcnow
from dailypapers.config import ConfigError
from dailypapers.mail.addresses import InvalidInput, format_topics, normalize_email
from dailypapers.mail.backends import MailError, get_backend
from dailypapers.mail.compose import confirmation_message
from dailypapers.mail.sender import preview, send_period
from dailypapers.mail.subscriber_csv import CSV_COLUMNS, UnreadableList, read_subscribers
from dailypapers.progress import Progress
from dailypapers.store import subscriptions as sstore


def local_today(timezone: str) -> date:
    try:
        return datetime.now(ZoneInfo(timezone)).date()
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"setting 'digest_timezone': unknown time zone {timezone!r}") from None


@click.group("subscribers")
def subscribers() -> None:
    """Move subscriber lists in and out (CSV with columns email, frequency, topics)."""


@subscribers.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--confirmed", is_flag=True,
              help="The addresses already opted in elsewhere: subscribe them without a confirmation mail.")
@pass_app
def import_subscribers(app: AppContext, csv_file: Path, confirmed: bool) -> None:
    """Import subscribers from CSV_FILE (header: email, frequency, topics; frequency daily|weekly; topics like
    `cat:cs.CL; author:Ada Lovelace; diffusion`). Without --confirmed each new address gets a confirmation mail and
    receives nothing before confirming. Known addresses get their preferences updated; an unsubscribed or
    suppressed address is never revived. Bad rows are reported with their line and skipped (exit status 1)."""
    try:
        with csv_file.open(newline="", encoding="utf-8-sig") as handle:
            listed = read_subscribers(handle)
    except OSError as exc:
        raise click.ClickException(f"{csv_file}: {exc.strerror}") from None
    except UnreadableList as exc:
        raise click.ClickException(f"{csv_file}: {exc}") from None
    for problem in listed.problems:
        click.echo(f"{csv_file}: {problem}", err=True)
    rows, errors = listed.rows, len(listed.problems)
    settings = app.settings
    db = app.database()
    with db.write() as conn:
        new, updated = sstore.import_rows(conn, rows, confirmed, utcnow())
        pending = [] if confirmed else sstore.pending_confirmations(conn, [r["email"] for r in rows])
    sent = 0
    if pending:
        backend = get_backend(settings)
        try:
            for sub in pending:
                try:
                    backend.send(confirmation_message(settings, sub))
                    sent += 1
                except MailError as exc:
                    click.echo(f"confirmation mail to {sub['email']} failed: {exc}", err=True)
        finally:
            backend.close()
    click.echo(f"{new} new, {updated} updated, {errors} rejected"
               + ("" if confirmed else f", {sent} confirmation mails sent"))
    if errors:
        sys.exit(1)


@subscribers.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="File to write (default: standard output).")
@click.option("--all", "include_all", is_flag=True, help="Include pending addresses too (never unsubscribed or "
              "suppressed ones).")
@pass_app
def export_subscribers(app: AppContext, output: Path | None, include_all: bool) -> None:
    """Write confirmed subscribers as CSV (email, frequency, topics), which `subscribers import` reads back."""
    statuses = (sstore.CONFIRMED, sstore.PENDING) if include_all else (sstore.CONFIRMED,)
    out = output.open("w", newline="", encoding="utf-8") if output else sys.stdout
    try:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        with app.database().connect() as conn:
            for sub in sstore.iter_all(conn, statuses):
                writer.writerow([sub["email"], sub["frequency"], format_topics(sub["topics"] or [])])
    finally:
        if output:
            out.close()


@click.group("digest")
def digest() -> None:
    """Send or preview the daily/weekly digests."""


@digest.command("send")
@click.option("--period", type=click.Choice(["daily", "weekly"]), required=True, help="Which digest.")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Sending day YYYY-MM-DD (default: today in digest_timezone).")
@pass_app
def send(app: AppContext, period: str, day: datetime | None) -> None:
    """Send the digest of a period to every confirmed subscriber of that frequency, exactly once: rerunning it, or
    running it again after a crash, sends only what is still missing. Exit status 1 when some failed or stay
    queued after temporary failures."""
    settings = app.settings
    sending_day = day.date() if day else local_today(settings.digest_timezone)
    progress = Progress(f"digest {period} {sending_day}", unit="digests")
    try:
        report = send_period(app.database(), settings, period, sending_day, progress=progress)
    finally:
        progress.close()
    for line in report.errors[:20]:
        click.echo(line, err=True)
    click.echo(report.summary())
    if report.failed or report.deferred:
        sys.exit(1)


@digest.command("preview")
@click.option("--email", required=True, help="Subscriber whose next digest to show.")
@click.option("--html", "as_html", is_flag=True, help="Print the HTML part instead of the plain text.")
@click.option("--period", type=click.Choice(["daily", "weekly"]), default=None,
              help="Which digest (default: the subscriber's frequency).")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Sending day YYYY-MM-DD (default: today).")
@pass_app
def preview_cmd(app: AppContext, email: str, as_html: bool, period: str | None, day: datetime | None) -> None:
    """Print the digest a subscriber would get next, without sending or recording anything."""
    try:
        address = normalize_email(email, "--email")
    except InvalidInput as exc:
        raise click.BadParameter(str(exc), param_hint="--email") from None
    db = app.database()
    with db.connect() as conn:
        sub = sstore.get_by_email(conn, address)
    if sub is None:
        raise click.ClickException(f"--email: {address} is not a subscriber")
    _, message = preview(db, app.settings, sub, period, day.date() if day else None)
    part = message.get_body(("html",) if as_html else ("plain",))
    click.echo(f"Subject: {message['Subject']}\n" if not as_html else "", nl=False)
    click.echo(part.get_content())


COMMANDS = [subscribers, digest]
