"""Issue 11 availability figures, each against a baseline in the same run, on real uvicorn servers:

Each server is a process of its own, run as `dailypapers serve` runs it; the clients are this process.
1. /healthz and page latency during a burst of 40 submissions of unknown papers while arXiv hangs: the app as it
   is (look-ups off the request threads) against a baseline route added to the same app that submits the old way
   (the blocking look-up inside the request, `submissions.submit` in the thread pool).
2. Server memory while 8 API clients each stream a 50 MB comment: with the body cap (default 1 MiB) against the
   same app with the cap raised to 1 GB (as before: a JSON body is read whole before anything else is checked).

Usage: .venv/bin/python bench/security_bench.py   (prints a Markdown table; takes about a minute)
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import uvicorn
from fastapi import Request

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.arxiv_replay import ANY, ReplayServer, Reply  # noqa: E402
from tests.community_support import add_paper, make_user  # noqa: E402

from dailypapers.cli.serve_cmd import uvicorn_config  # noqa: E402
from dailypapers.community import accounts, submissions  # noqa: E402
from dailypapers.config import Settings  # noqa: E402
from dailypapers.store.db import Database  # noqa: E402
from dailypapers.web.app import create_app  # noqa: E402
from dailypapers.web.auth import require_user  # noqa: E402

BURST = 40
PORT = 8150  # this helper's port range
JOIN_S = 30


def _burst(base: str, path: str, token: str) -> tuple[list[float], list[float]]:
    """Fire BURST submissions, probe /healthz and a page while they run; (probe latencies, submission latencies)."""
    subs: list[float] = []

    def submit(i: int) -> None:
        start = time.monotonic()
        with contextlib.suppress(httpx.HTTPError):
            httpx.post(base + path, json={"paper_id": f"2611.{20000 + i}"},
                       headers={"Authorization": f"Bearer {token}"}, timeout=120)
        subs.append(time.monotonic() - start)

    threads = [threading.Thread(target=submit, args=(i,), daemon=True) for i in range(BURST)]
    for t in threads:
        t.start()
    time.sleep(2.0)  # let the whole burst reach the server (a loaded machine starts 40 clients slowly)
    probes = []
    for _ in range(5):
        for probe in ("/healthz", "/papers/2611.00001"):
            start = time.monotonic()
            try:
                httpx.get(base + probe, timeout=30)
                probes.append(time.monotonic() - start)
            except httpx.HTTPError:
                probes.append(30.0)
    deadline = time.monotonic() + JOIN_S
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    return probes, list(subs)


def serve(port: int, db_url: str, arxiv_url: str, cap: int) -> None:
    """The server process: the app as `serve` runs it, plus the baseline route that submits the pre-fix way."""
    settings = Settings(database_url=db_url, arxiv_api_url=arxiv_url, arxiv_timeout_s=15.0, arxiv_max_retries=0,
                        rate_submit="10000/hour", rate_subscribe="10000/hour", submissions_per_day=10000,
                        max_body_bytes=cap, log_level="ERROR")
    db = Database(settings)
    app = create_app(settings, db=db)

    @app.post("/bench/blocking-submit")
    def blocking_submit(request: Request) -> dict:  # the pre-fix path: arXiv looked up inside the request
        user = require_user(request)
        try:
            submissions.submit(db, settings, user, "2611.29999", None)
        except submissions.SubmissionRefused as exc:
            return {"refused": exc.message}
        return {}

    uvicorn.Server(uvicorn_config(app, settings, "127.0.0.1", port)).run()


@contextlib.contextmanager
def server_process(port: int, db_url: str, arxiv_url: str, cap: int = 1_048_576) -> Iterator[psutil.Process]:
    proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port), db_url, arxiv_url, str(cap)])
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("bench server did not start") from None
            time.sleep(0.2)
    try:
        yield psutil.Process(proc.pid)
    finally:
        proc.kill()
        proc.wait()


def submissions_case(tmp: Path) -> list[str]:
    arxiv = ReplayServer().start()
    arxiv.add("/api/query", Reply(200, "", delay_s=60), id_list=ANY)
    url = f"sqlite:///{tmp / 'subs.db'}"
    db = Database(Settings(database_url=url))
    db.upgrade()
    add_paper(db, "2611.00001")
    token = accounts.create_api_token(db, make_user(db, "bench")["id"], "bench")
    rows = []
    # A fresh server per case: the baseline's look-ups keep its gate and thread pool busy for minutes after.
    for port, (label, path) in enumerate((("baseline: look-up inside the request", "/bench/blocking-submit"),
                                          ("now: look-up queue, short wait", "/api/papers/submit")), start=PORT):
        with server_process(port, url, arxiv.url + "/api/query"):
            probes, subs = _burst(f"http://127.0.0.1:{port}", path, token)
        waiting = BURST - len(subs)
        rows.append(f"| {label} | {statistics.median(probes):.2f} s | {max(probes):.2f} s | "
                    f"{statistics.median(subs) if subs else float('nan'):.1f} s | "
                    f"{max(subs) if subs else float('nan'):.1f} s | {waiting} still waiting after {JOIN_S} s |")
    arxiv.stop()
    return rows


def _stream_body(base: str, size: int, token: str) -> None:
    host, port = base.removeprefix("http://").split(":")
    chunk = b"x" * 65536
    try:
        with socket.create_connection((host, int(port)), timeout=60) as sock:
            sock.sendall(f"POST /api/papers/2611.00001/comments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                         f"{token}\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
                         '{"body": "'.encode())
            sent = 10
            while sent < size:
                sock.sendall(chunk[: min(len(chunk), size - sent)])
                sent += len(chunk)
            sock.recv(1024)
    except OSError:
        pass  # the capped server closes the connection after its 413


def memory_case(tmp: Path) -> list[str]:
    rows = []
    url = f"sqlite:///{tmp / 'mem.db'}"
    db = Database(Settings(database_url=url))
    db.upgrade()
    add_paper(db, "2611.00001")
    token = accounts.create_api_token(db, make_user(db, "writer")["id"], "bench")
    for port, (label, cap) in enumerate((("baseline: cap raised to 1 GB", 2**30),
                                         ("now: max_body_bytes = 1 MiB", 1_048_576)), start=PORT + 2):
        with server_process(port, url, "http://127.0.0.1:9/", cap) as server:
            before = peak = server.memory_info().rss
            threads = [threading.Thread(target=_stream_body, args=(f"http://127.0.0.1:{port}", 50 * 2**20, token),
                                        daemon=True) for _ in range(8)]
            start = time.monotonic()
            for t in threads:
                t.start()
            while any(t.is_alive() for t in threads):
                peak = max(peak, server.memory_info().rss)
                time.sleep(0.02)
            took = time.monotonic() - start
        rows.append(f"| {label} | {before / 2**20:.0f} MB | {peak / 2**20:.0f} MB | +{(peak - before) / 2**20:.0f} MB "
                    f"| {took:.1f} s |")
    return rows


def main() -> None:
    if sys.argv[1:2] == ["--serve"]:
        serve(int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5]))
        return
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        print(f"load: {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
        print("\n| 40 submissions while arXiv hangs | probe p50 | probe max | submission p50 | submission max | |")
        print("|---|---|---|---|---|---|")
        print("\n".join(submissions_case(tmp)))
        print("\n| 8 × 50 MB JSON bodies (server RSS) | RSS before | RSS peak | growth | all answered in |")
        print("|---|---|---|---|---|")
        print("\n".join(memory_case(tmp)))


if __name__ == "__main__":
    main()
