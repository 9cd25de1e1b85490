"""`dailypapers serve`: the web server."""

from __future__ import annotations

import click

from dailypapers.cli.common import AppContext, pass_app


@click.command("serve")
@click.option("--host", default=None, help="Interface to listen on (setting: host).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (setting: port).")
@pass_app
def serve(app: AppContext, host: str | None, port: int | None) -> None:
    """Run the web server (upgrades the database schema first).

    Unless `sync_in_serve` is off, it also syncs with arXiv daily at `sync_time` in a background thread, and
    starts the backfill at once on an empty database.
    """
    # Imported here: FastAPI and the web app take ~0.75 s to import, which every other command (import, sync, ...)
    # would otherwise pay at start.
    import uvicorn

    from dailypapers.web.app import create_app

    settings = app.settings
    db = app.database()
    web = create_app(settings, db=db, background_sync=True)
    uvicorn.run(web, host=host or settings.host, port=port or settings.port, log_level=settings.log_level.lower(),
                proxy_headers=True)


COMMANDS = [serve]
