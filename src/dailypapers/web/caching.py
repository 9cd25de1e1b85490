"""Conditional responses and a cache of rendered pages that never serves stale data.

`PageCacheMiddleware` reads the store's data version (`store.version.DataVersion`, a cheap token that changes on
every commit) at the start of each GET. Views that render through `conditional()` store their body under the
request's URL and Cookie header (pages may differ per signed-in user) together with that version; a later GET of the
same URL and cookies with the same data version is answered from memory before routing, without touching the data.
Requests with an `Authorization` header bypass the cache both ways (never served from it, never stored in it): what
a page shows may depend on who asks, and the cookie is not the only way to say it.
ETags are digests of what the page shows, so they agree across worker processes; a matching `If-None-Match`
gets 304. Time-dependent pages (trending) also give their entries an expiry.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from dailypapers import __version__


@dataclass(frozen=True)
class Entry:
    version: str
    etag: str
    body: bytes
    media_type: str
    expires: float | None = None


class PageCache:
    """A thread-safe LRU of rendered pages keyed by URL and cookies."""

    def __init__(self, max_entries: int = 256) -> None:
        self.max_entries = max_entries
        self._data: OrderedDict[str, Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        with self._lock:
            entry = self._data.get(key)
            if entry is not None:
                self._data.move_to_end(key)
            return entry

    def put(self, key: str, entry: Entry) -> None:
        if self.max_entries <= 0:
            return
        with self._lock:
            self._data[key] = entry
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)


def _key(path: str, query: bytes | str, cookie: bytes | str) -> str:
    q = query.decode("latin-1") if isinstance(query, bytes) else query
    c = cookie.decode("latin-1") if isinstance(cookie, bytes) else cookie
    return f"{path}?{q}\x00{c}"


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    candidates = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in candidates or "*" in candidates


class PageCacheMiddleware:
    def __init__(self, app: ASGIApp, cache: PageCache, version: Callable[[], str]) -> None:
        self.app = app
        self.cache = cache
        self.version = version
        # Single flight: after a commit empties the cache, concurrent GETs of one page wait for the first to
        # render it instead of all rendering it at once.
        self._inflight: dict[str, asyncio.Event] = {}

    def _fresh(self, key: str, version: str) -> Entry | None:
        entry = self.cache.get(key)
        if entry is None or entry.version != version or (entry.expires is not None and entry.expires < time.time()):
            return None
        return entry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] != "GET" or self.cache.max_entries <= 0
                or scope["path"].startswith("/static/") or _has_header(scope, b"authorization")):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        version = self.version()
        scope.setdefault("state", {})["data_version"] = version
        key = _key(scope["path"], scope.get("query_string", b""), headers.get(b"cookie", b""))
        entry = self._fresh(key, version)
        if entry is None and (pending := self._inflight.get(key)) is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(pending.wait(), timeout=10)
            entry = self._fresh(key, version)
        if entry is None:
            done = self._inflight.setdefault(key, asyncio.Event())
            try:
                await self.app(scope, receive, send)
            finally:
                if self._inflight.get(key) is done:
                    del self._inflight[key]
                done.set()
            return
        inm = headers.get(b"if-none-match", b"").decode("latin-1")
        if _etag_matches(inm, entry.etag):
            response = Response(status_code=304, headers=_headers(entry.etag))
        else:
            response = Response(entry.body, media_type=entry.media_type, headers=_headers(entry.etag))
        await response(scope, receive, send)


def _has_header(scope: Scope, name: bytes) -> bool:
    return any(key.lower() == name for key, _ in scope["headers"])


def _headers(etag: str) -> dict[str, str]:
    return {"ETag": etag, "Cache-Control": "no-cache"}


def etag_for(request: Request, data_fingerprint: str) -> str:
    h = hashlib.sha1(__version__.encode())
    for part in (data_fingerprint, request.url.path, request.url.query, request.headers.get("cookie", ""),
                 request.headers.get("authorization", "")):
        h.update(part.encode())
        h.update(b"\x00")
    return f'"{h.hexdigest()[:24]}"'


def conditional(request: Request, data_fingerprint: str, render: Callable[[], bytes], media_type: str,
                status_code: int = 200, max_age_s: float | None = None) -> Response:
    """304 when the client has this version, else the rendered body with its ETag; remembered for the next GET."""
    etag = etag_for(request, data_fingerprint)
    if _etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=_headers(etag))
    body = render()
    version = getattr(request.state, "data_version", None)
    if version is not None and status_code == 200:
        key = _key(request.url.path, request.url.query, request.headers.get("cookie", ""))
        expires = time.time() + max_age_s if max_age_s else None
        request.app.state.page_cache.put(key, Entry(version, etag, body, media_type, expires))
    return Response(content=body, status_code=status_code, media_type=media_type, headers=_headers(etag))
