"""`dailypapers serve` (the web server, with the background jobs unless told not to) and `dailypapers worker` (the
background jobs alone, for hosts that should not serve pages)."""

from __future__ import annotations

import os
import signal
import threading
from typing import Any

import click

from dailypapers.cli.common import AppContext, pass_app
from dailypapers.config import Settings


@click.command("serve")
@click.option("--host", default=None, help="Interface to listen on (setting: host).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (setting: port).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Server processes sharing the port (each with its own page cache and keyword index).")
@click.option("--jobs/--no-jobs", "jobs", default=None,
              help="Run the background jobs here too (setting: jobs_in_serve; they run once across all processes).")
@pass_app
def serve(app: AppContext, host: str | None, port: int | None, workers: int, jobs: bool | None) -> None:
    """Run the web server (upgrades the database schema first).

    It also runs the background jobs (arXiv sync, digests, embeddings, housekeeping; see `dailypapers worker`)
    unless `--no-jobs` or `jobs_in_serve = false`; with several processes or hosts each job still runs once.
    """
    # Imported here: FastAPI and the web app take ~0.75 s to import, which every other command (import, sync, ...)
    # would otherwise pay at start.
    import uvicorn

    settings = app.settings
    if jobs is not None:
        settings = settings.replace(jobs_in_serve=jobs)
    db = app.database()  # upgrades the schema once, before any worker starts
    options = uvicorn_options(settings, host or settings.host, port or settings.port)
    if workers == 1:
        from dailypapers.web.app import create_app

        uvicorn.run(create_app(settings, db=db, background_sync=True), **options)
        return
    # Worker processes build their own app from the same settings, passed down through the environment.
    db.dispose()
    if app.config_file:
        os.environ["DAILYPAPERS_CONFIG"] = os.path.abspath(app.config_file)
    os.environ["DAILYPAPERS_JOBS_IN_SERVE"] = "true" if settings.jobs_in_serve else "false"
    uvicorn.run("dailypapers.web.asgi:serve_app", factory=True, workers=workers, **options)


def uvicorn_options(settings: Settings, host: str, port: int) -> dict[str, Any]:
    """How `serve` runs uvicorn (tests start their real servers the same way).

    proxy_headers=False: the app applies X-Forwarded-* itself, from `trusted_proxies` only (web/security.py);
    uvicorn's own would trust 127.0.0.1 whatever the setting says and rewrite the client before the app looks.
    http=PROTOCOL: connections get TCP_NODELAY even from a shared worker socket (web/nodelay.py).
    """
    from dailypapers.web.nodelay import PROTOCOL

    return dict(host=host, port=port, log_level=settings.log_level.lower(), proxy_headers=False, http=PROTOCOL)


def uvicorn_config(web: Any, settings: Settings, host: str, port: int) -> Any:
    """A uvicorn.Config for `web` with serve's options (for tests that run a real server in a thread)."""
    import uvicorn

    return uvicorn.Config(web, **uvicorn_options(settings, host, port))


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one pass of every job whose lease is free, then exit.")
@pass_app
def worker(app: AppContext, once: bool) -> None:
    """Run the background jobs without serving pages (arXiv sync, digests, embeddings, housekeeping).

    Every job takes a lease in the database before each pass, so any number of `worker` and `serve` processes,
    on any hosts, run each job once; when the holder dies another takes over within a minute.
    """
    from dailypapers.jobs.catalog import JOBS, job_runner

    settings = app.settings
    runner = job_runner(app.database(), settings)
    if once:
        for job in JOBS:
            if job.name in runner.states:
                ran = runner.run_pass(job.name)
                click.echo(f"{job.name}: {'ran' if ran else 'held by another process'}")
        return
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    runner.start()
    click.echo(f"worker: running {', '.join(runner.states) or 'no jobs (all switched off)'}; Ctrl-C stops",
               err=True)
    done.wait()
    runner.stop()


COMMANDS = [serve, worker]
