"""One polite HTTP connection to arXiv, shared by every client in the process.

arXiv's terms of use ask for at most one request every 3 seconds and one connection at a time. Every client
(OAI-PMH, RSS, API) sends through `PoliteClient`, whose requests pass a single process-wide `Gate`: the gate
holds a lock for the whole exchange (so two requests never overlap) and waits until `spacing` seconds have
passed since the previous exchange ended. A gate given a `SharedSpacing` (the database's, harvest/polite.py) also
waits for every other process and host: the spacing holds across all of them. Clock and sleep are injectable so
tests check spacing and Retry-After on a virtual clock instead of sleeping.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Protocol

import httpx

from dailypapers import __version__
from dailypapers.config import Settings

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 300.0
MAX_RETRY_AFTER_S = 900.0
RETRY_STATUSES = {429, 500, 502, 503, 504}


class ArxivUnavailable(RuntimeError):
    """arXiv could not be reached or kept failing; the message is one line saying why."""


class SharedSpacing(Protocol):
    """Request spacing kept where every process sees it (one service, e.g. arXiv)."""

    def wait_turn(self, spacing: float) -> None:
        """Block until this process may send (`spacing` s after anyone's last request ended, none in flight)."""

    def done(self) -> None:
        """The request that `wait_turn` let through has ended."""


class Gate:
    """Serializes requests and keeps them `spacing` seconds apart (end of one to start of the next)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 shared: SharedSpacing | None = None):
        self.clock = clock
        self.sleep = sleep
        self.shared = shared
        self.lock = threading.Lock()
        self.last_end: float | None = None

    def wait_turn(self, spacing: float, at_least: float = 0.0) -> None:
        """Called with the lock held: sleep until both the spacing and `at_least` seconds from now are over."""
        now = self.clock()
        ready = now + at_least
        if self.last_end is not None:
            ready = max(ready, self.last_end + spacing)
        if ready > now:
            self.sleep(ready - now)
        if self.shared is not None:
            self.shared.wait_turn(spacing)

    def done(self) -> None:
        self.last_end = self.clock()
        if self.shared is not None:
            self.shared.done()


_GATE = Gate()


def default_gate() -> Gate:
    return _GATE


def user_agent(settings: Settings) -> str:
    contact = settings.arxiv_contact.strip()
    base = f"dailypapers/{__version__} (self-hosted daily papers hub; https://pypi.org/project/dailypapers/"
    return f"{base}; mailto:{contact})" if contact else base + ")"


@dataclass
class Response:
    url: str
    status_code: int
    text: str
    headers: dict[str, str]


def retry_after_seconds(value: str | None, now_epoch: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None when absent or unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now_epoch = time.time() if now_epoch is None else now_epoch
    return max(0.0, when.timestamp() - now_epoch)


class PoliteClient:
    """GET requests to arXiv through the shared gate, with retries and exponential backoff.

    Retries on timeouts, connection errors, truncated bodies, 429 and 5xx; honours Retry-After (arXiv's OAI-PMH
    answers 503 with Retry-After for flow control). Other 4xx come back to the caller, which knows what they mean.
    """

    def __init__(self, settings: Settings, gate: Gate | None = None, transport: httpx.BaseTransport | None = None):
        self.settings = settings
        self.gate = gate or _GATE
        self.spacing = float(settings.arxiv_request_spacing_s)
        self.max_retries = max(0, int(settings.arxiv_max_retries))
        # One connection at most: the gate already serializes, the pool limit makes it explicit.
        self._http = httpx.Client(
            headers={"User-Agent": user_agent(settings)},
            timeout=httpx.Timeout(settings.arxiv_timeout_s),
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            follow_redirects=True,
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, url: str, params: dict[str, str] | None = None) -> Response:
        wait = 0.0
        last_problem = ""
        for attempt in range(self.max_retries + 1):
            with self.gate.lock:
                self.gate.wait_turn(self.spacing, wait)
                try:
                    resp = self._http.get(url, params=params)
                    text = resp.text
                except httpx.TimeoutException:
                    last_problem = f"timed out after {self.settings.arxiv_timeout_s:g} s"
                    resp = None
                except httpx.TransportError as exc:
                    last_problem = _transport_problem(exc)
                    resp = None
                finally:
                    self.gate.done()
            if resp is not None:
                if resp.status_code not in RETRY_STATUSES:
                    return Response(str(resp.url), resp.status_code, text, dict(resp.headers))
                last_problem = f"HTTP {resp.status_code}"
                retry_after = retry_after_seconds(resp.headers.get("Retry-After"))
                if retry_after is not None and retry_after > MAX_RETRY_AFTER_S:
                    raise ArxivUnavailable(f"{_where(url)}: HTTP {resp.status_code}, asked to retry after "
                                           f"{retry_after:.0f} s; giving up")
            else:
                retry_after = None
            if attempt == self.max_retries:
                break
            backoff = min(MAX_BACKOFF_S, self.spacing * 2**attempt)
            wait = retry_after if retry_after is not None else backoff
            log.warning("%s: %s; retrying in %.0f s (attempt %d of %d)", _where(url), last_problem, wait,
                        attempt + 2, self.max_retries + 1)
        attempts = self.max_retries + 1
        raise ArxivUnavailable(f"{_where(url)}: {last_problem} (after {attempts} attempt{'s' if attempts > 1 else ''})")


def _where(url: str) -> str:
    return f"arXiv unreachable at {url}" if "://" in url else url


def _transport_problem(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({exc})"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"connection broken mid-response, body truncated ({exc})"
    return f"{type(exc).__name__}: {exc}"
