"""A real HTTP server on 127.0.0.1 that replays recorded arXiv responses, for the harvesting tests.

Routes match a path and query parameters; each route answers its replies in order and repeats the last one.
Every request is logged with the time on the test's clock (a virtual clock when the test injects one), and the
server counts requests in flight so tests can assert that no two ever overlapped.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ANY = object()
ABSENT = object()


@dataclass
class Reply:
    status: int = 200
    body: str = ""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/xml; charset=utf-8"})
    truncate_at: int | None = None  # send only this many bytes of the body, then close (Content-Length stays full)
    delay_s: float = 0.0  # real seconds to hold the request (for kill -9 tests)


@dataclass
class Route:
    path: str
    params: dict[str, object]
    replies: list[Reply]
    hits: int = 0

    def matches(self, path: str, query: dict[str, str]) -> bool:
        if path != self.path:
            return False
        for key, want in self.params.items():
            if want is ANY:
                if key not in query:
                    return False
            elif want is ABSENT:
                if key in query:
                    return False
            elif callable(want):
                if key not in query or not want(query[key]):
                    return False
            elif query.get(key) != want:
                return False
        return True


@dataclass
class LoggedRequest:
    at: float
    path: str
    query: dict[str, str]
    user_agent: str
    status: int


class ReplayServer:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self.routes: list[Route] = []
        self.log: list[LoggedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def add(self, path: str, replies: list[Reply] | Reply, **params: object) -> Route:
        route = Route(path, params, replies if isinstance(replies, list) else [replies])
        self.routes.append(route)
        return route

    def start(self) -> ReplayServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        done = False

        def finished() -> None:
            nonlocal done
            if not done:
                done = True
                with self._lock:
                    self.in_flight -= 1

        try:
            parts = urlsplit(h.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
            route = next((r for r in self.routes if r.matches(parts.path, query)), None)
            if route is None:
                reply = Reply(404, f"no recorded response for {h.path}", {"Content-Type": "text/plain"})
            else:
                reply = route.replies[min(route.hits, len(route.replies) - 1)]
                route.hits += 1
            with self._lock:
                self.log.append(LoggedRequest(self.clock(), parts.path, query, h.headers.get("User-Agent", ""),
                                              reply.status))
            if reply.delay_s:
                time.sleep(reply.delay_s)
            data = reply.body.encode("utf-8")
            h.send_response(reply.status)
            for k, v in reply.headers.items():
                h.send_header(k, v)
            h.send_header("Content-Length", str(len(data)))
            if reply.truncate_at is not None:
                h.send_header("Connection", "close")
            h.end_headers()
            # Done before the body goes out: once the client has it, its next request may arrive at any moment, and
            # counting this one as still in flight then would report an overlap that never happened.
            finished()
            h.wfile.write(data if reply.truncate_at is None else data[: reply.truncate_at])
            h.wfile.flush()
            if reply.truncate_at is not None:
                h.close_connection = True
        finally:
            finished()


class FakeClock:
    """A virtual monotonic clock: `sleep` advances it instantly; `sleeps` records every wait."""

    def __init__(self, start: float = 1000.0):
        self.now = start
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)
            self.now += max(0.0, seconds)


def api_reply(fixtures: Path, name_prefix: str) -> Reply:
    path = next((fixtures / "api").glob(f"{name_prefix}_s0_m100_*.json"))
    data = json.loads(path.read_text())
    return Reply(data["status_code"], data["body"], {"Content-Type": "application/atom+xml; charset=utf-8"})


def recorded_replies(fixtures: Path, name: str) -> list[Reply]:
    """Replies from a nock recording (`rawHeaders` is a flat [name, value, ...] list)."""
    out = []
    for exchange in json.loads((fixtures / "oai_pmh" / "recorded_http" / name).read_text()):
        raw = exchange.get("rawHeaders") or []
        headers = {raw[i]: raw[i + 1] for i in range(0, len(raw), 2)
                   if raw[i].lower() not in ("content-length", "transfer-encoding", "connection", "date")}
        out.append(Reply(exchange["status"], exchange["response"], headers))
    return out
