"""`dailypapers db …`: schema management."""

from __future__ import annotations

import click

from dailypapers.cli.common import AppContext, pass_app


@click.group("db")
def db_group() -> None:
    """Database schema management."""


@db_group.command("upgrade")
@pass_app
def upgrade(app: AppContext) -> None:
    """Apply every pending schema migration (serve and the other commands do this themselves)."""
    db = app.database(upgrade=False)
    applied = db.upgrade()
    click.echo(f"applied: {', '.join(applied)}" if applied else "schema is up to date")


@db_group.command("status")
@pass_app
def status(app: AppContext) -> None:
    """Show the database URL and any migrations not yet applied."""
    db = app.database(upgrade=False)
    pending = db.pending_revisions()
    click.echo(f"database: {db.engine.url.render_as_string(hide_password=True)}")
    click.echo(f"pending migrations: {', '.join(pending)}" if pending else "schema is up to date")


COMMANDS = [db_group]
