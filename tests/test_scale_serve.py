"""`serve --workers N`: the cause of the ~44 ms stall (connections accepted from uvicorn's own shared socket lacked
TCP_NODELAY) is gone, and several worker processes serve one database."""

from __future__ import annotations

import socket
import threading
import time

import httpx
import psutil
import pytest
import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from dailypapers.web.nodelay import NoDelayH11Protocol
from tests.processes import cli_env, start_serve


def _nodelay_seen_by(protocol: type[H11Protocol]) -> int:
    """Serve one request on a socket bound the way `uvicorn --workers` binds it; the connection's TCP_NODELAY."""
    seen: list[int] = []

    class Recording(protocol):  # type: ignore[misc, valid-type]
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            sock = transport.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    app = FastAPI()
    app.get("/")(lambda: {"ok": True})
    sock = socket.socket(family=socket.AF_INET)  # as uvicorn.Config.bind_socket does: proto 0
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, http=Recording, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not server.started:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert httpx.get(f"http://127.0.0.1:{sock.getsockname()[1]}/").json() == {"ok": True}
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
    return seen[0]


def test_connections_from_a_shared_socket_get_tcp_nodelay():
    assert _nodelay_seen_by(H11Protocol) == 0  # the cause: Nagle on, each response waits for a delayed ACK
    assert _nodelay_seen_by(NoDelayH11Protocol) == 1


@pytest.mark.slow
def test_serve_with_two_workers_serves_from_two_processes(db, database_url, tmp_path):
    served = start_serve(cli_env(database_url, jobs_in_serve="false"), "--workers", "2",
                         log_path=tmp_path / "serve.log")
    try:
        workers = psutil.Process(served.pid).children(recursive=True)
        deadline = time.monotonic() + 30
        while len([p for p in workers if "spawn_main" in " ".join(p.cmdline())]) < 2:  # uvicorn's worker processes
            assert time.monotonic() < deadline, [p.cmdline() for p in workers]
            time.sleep(0.2)
            workers = psutil.Process(served.pid).children(recursive=True)
        with httpx.Client() as client:
            assert all(client.get(served.url + "/healthz").json()["ok"] for _ in range(20))
    finally:
        served.stop()
