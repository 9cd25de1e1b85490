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


@db_group.command("copy")
@click.argument("target_url")
@pass_app
def copy(app: AppContext, target_url: str) -> None:
    """Copy every table (papers, users, sessions, votes, comments, subscriptions, deliveries, vectors, ...) of this
    database into the empty database at TARGET_URL, e.g. from SQLite to postgresql+psycopg://user:pass@host/db.

    Stop the servers first (or they keep writing to the old database). The target gets the current schema first;
    a target that already holds rows is refused. Then point `database_url` at the target.
    """
    from dailypapers.store.copy import CopyRefused, copy_database
    from dailypapers.store.db import Database

    source = app.database()
    target = Database(app.settings.replace(database_url=target_url))
    target.upgrade()
    try:
        copied = copy_database(source.engine, target.engine,
                               progress=lambda table, n: click.echo(f"{table}: {n} rows", err=True))
    except CopyRefused as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        target.dispose()
    click.echo(f"copied {sum(copied.values())} rows in {len(copied)} tables to "
               f"{target.engine.url.render_as_string(hide_password=True)}")


COMMANDS = [db_group]
