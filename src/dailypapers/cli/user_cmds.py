"""`dailypapers user …`: create accounts (the first admin), change roles, list and suspend users."""

from __future__ import annotations

import sys

import click

from dailypapers.cli.common import AppContext, pass_app
from dailypapers.community import accounts, moderation
from dailypapers.roles import ROLES
from dailypapers.store import users as user_store


@click.group("user")
def user_group() -> None:
    """Manage accounts and roles (admin, moderator, member)."""


@user_group.command("create")
@click.argument("email")
@click.option("--username", help="Login name (default: the part of EMAIL before '@').")
@click.option("--role", type=click.Choice(ROLES), default="member", show_default=True,
              help="What the account may do.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of standard input "
                                                     "instead of prompting.")
@pass_app
def create(app: AppContext, email: str, username: str | None, role: str, password_stdin: bool) -> None:
    """Create an account with EMAIL, e.g. `dailypapers user create me@example.org --role admin`."""
    username = username or email.split("@", 1)[0]
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user_id = accounts.register(app.database(), username, email, password, role=role)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"created user {username} (id {user_id}, role {role})")


@user_group.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@pass_app
def set_role(app: AppContext, username: str, role: str) -> None:
    """Give USERNAME the role ROLE."""
    try:
        moderation.set_role(app.database(), None, username, role)
    except moderation.ModerationError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{username} is now {role}")


@user_group.command("list")
@pass_app
def list_users(app: AppContext) -> None:
    """List accounts: id, username, email, role, state."""
    with app.database().connect() as conn:
        for u in user_store.list_users(conn, limit=100_000):
            state = "suspended" if u["suspended_at"] else "active"
            click.echo(f"{u['id']}\t{u['username']}\t{u['email'] or '-'}\t{u['role']}\t{state}")


@user_group.command("suspend")
@click.argument("username")
@click.option("--undo", is_flag=True, help="Lift the suspension instead.")
@pass_app
def suspend(app: AppContext, username: str, undo: bool) -> None:
    """Suspend USERNAME (ends their sessions and revokes their API tokens; they cannot log in)."""
    with app.database().write() as conn:
        user = user_store.find_by_username(conn, username)
        if user is None:
            raise click.ClickException(f"no user {username!r}")
        user_store.set_suspended(conn, user["id"], not undo)
        if not undo:
            moderation.end_access(conn, user["id"])
    click.echo(f"{username} {'restored' if undo else 'suspended'}")


COMMANDS = [user_group]
