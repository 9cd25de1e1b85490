"""A real uvicorn server on 127.0.0.1 in a thread, for tests that speak HTTP (API clients, the browser)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI

from dailypapers.cli.serve_cmd import uvicorn_config
from dailypapers.config import Settings


@contextmanager
def running(app: FastAPI, settings: Settings | None = None) -> Iterator[str]:
    """Serve `app`; with `settings`, configured exactly as `dailypapers serve` runs it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    if settings is not None:
        config = uvicorn_config(app, settings.replace(log_level="WARNING"), "127.0.0.1", port)
    else:
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
