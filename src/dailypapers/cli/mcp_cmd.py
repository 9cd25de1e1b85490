"""`dailypapers mcp`: the MCP server for AI assistants on standard input/output."""

from __future__ import annotations

import click

from dailypapers.cli.common import AppContext, pass_app


@click.command("mcp")
@pass_app
def mcp_cmd(app: AppContext) -> None:
    """Serve the hub's read-only MCP tools (search, daily lists, trending, papers, similar, authors) on stdio.

    Point an assistant at it, e.g. `{"command": "dailypapers", "args": ["mcp"]}`; `serve` offers the same tools
    over HTTP at /mcp.
    """
    from dailypapers.web.assistant import build_server

    build_server(app.database(), app.settings).run("stdio")


COMMANDS = [mcp_cmd]
