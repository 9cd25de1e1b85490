"""The `dailypapers` command line. Each command group lives in a module of its own under this package."""

from __future__ import annotations

import logging
import sys

import click

from dailypapers import __version__
from dailypapers.cli import common
from dailypapers.config import ConfigError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--config", "config_file", type=click.Path(dir_okay=False), envvar="DAILYPAPERS_CONFIG",
              help="TOML settings file (default: ./dailypapers.toml when present).")
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages.")
@click.version_option(__version__, prog_name="dailypapers")
@click.pass_context
def cli(ctx: click.Context, config_file: str | None, verbose: bool) -> None:
    """dailypapers: harvest arXiv, rank, search and share a daily reading list."""
    ctx.obj = common.AppContext(config_file=config_file, verbose=verbose)


def _register() -> None:
    from dailypapers.cli import (
        db_cmds,
        harvest_cmds,
        import_cmds,
        library_cmds,
        mail_cmds,
        mcp_cmd,
        recs_cmds,
        search_cmds,
        serve_cmd,
        user_cmds,
    )

    for module in (db_cmds, import_cmds, serve_cmd, search_cmds,
                   harvest_cmds, mail_cmds, user_cmds, recs_cmds, library_cmds, mcp_cmd):
        for command in module.COMMANDS:
            cli.add_command(command)


_register()


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        logging.getLogger("dailypapers").warning("interrupted")
        sys.exit(130)
