"""`dailypapers library import USER FILE`: fill a reader's library from a reference manager's export."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dailypapers.cli.common import AppContext, pass_app


@click.group("library")
def library_group() -> None:
    """A reader's personal library."""


@library_group.command("import")
@click.argument("username")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def import_cmd(app: AppContext, username: str, file: Path) -> None:
    """Save into USERNAME's library every entry of FILE (BibTeX, RIS, CSL-JSON or arXiv ids/links, one per line)
    that matches a paper by arXiv id, DOI or exact title; list the others with the reason. Exit 1 if any entry
    did not match."""
    from dailypapers.library.formats import ReferenceFileError
    from dailypapers.library.service import import_references
    from dailypapers.store import users as user_store

    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{file}: cannot read: {exc}") from None
    db = app.database()
    with db.connect() as conn:
        user = user_store.find_by_username(conn, username)
    if user is None:
        raise click.ClickException(f"no user named {username!r}")
    try:
        result = import_references(db, user["id"], text)
    except ReferenceFileError as exc:
        raise click.ClickException(f"{file}: {exc}") from None
    click.echo(f"{file} ({result.format}): {len(result.saved)} saved, {len(result.already)} already in the library, "
               f"{len(result.unmatched)} not matched")
    for label, reason in result.unmatched:
        click.echo(f"  not matched: {label}: {reason}")
    if result.unmatched:
        sys.exit(1)


COMMANDS = [library_group]
