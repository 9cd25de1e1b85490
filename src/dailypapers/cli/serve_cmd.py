"""`dailypapers serve`: the web server."""

from __future__ import annotations

from typing import Any

import click

from dailypapers.cli.common import AppContext, pass_app
from dailypapers.config import Settings


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
    uvicorn.Server(uvicorn_config(web, settings, host or settings.host, port or settings.port)).run()


def uvicorn_config(web: Any, settings: Settings, host: str, port: int) -> Any:
    """How `serve` runs uvicorn (tests start their real servers the same way).

    proxy_headers=False: the app applies X-Forwarded-* itself, from `trusted_proxies` only (web/security.py);
    uvicorn's own would trust 127.0.0.1 whatever the setting says and rewrite the client before the app looks.
    """
    import uvicorn

    return uvicorn.Config(web, host=host, port=port, log_level=settings.log_level.lower(), proxy_headers=False)


COMMANDS = [serve]
