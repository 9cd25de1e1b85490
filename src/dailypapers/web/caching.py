"""Conditional responses and a small cache of rendered bodies.

A page's ETag is a digest of the data it shows (see `store.listing.fingerprint`), the URL and the request's
cookies (pages may differ per signed-in user), so it changes exactly when what the page shows changes:
no stale pages, no time-to-live. A matching `If-None-Match` gets 304; otherwise the body comes from an LRU cache
keyed by the same ETag, rendered only on a miss.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response

from dailypapers import __version__


class BodyCache:
    """A thread-safe LRU of rendered bodies keyed by ETag."""

    def __init__(self, max_entries: int = 512) -> None:
        self.max_entries = max_entries
        self._data: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            body = self._data.get(key)
            if body is not None:
                self._data.move_to_end(key)
            return body

    def put(self, key: str, body: bytes) -> None:
        if self.max_entries <= 0:
            return
        with self._lock:
            self._data[key] = body
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)


def etag_for(request: Request, data_fingerprint: str) -> str:
    h = hashlib.sha1(__version__.encode())
    h.update(data_fingerprint.encode())
    h.update(request.url.path.encode())
    h.update(request.url.query.encode())
    h.update(request.headers.get("cookie", "").encode())
    return f'"{h.hexdigest()[:24]}"'


def _matches(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if not header:
        return False
    candidates = {t.strip().removeprefix("W/") for t in header.split(",")}
    return etag in candidates or "*" in candidates


def conditional(request: Request, data_fingerprint: str, render: Callable[[], bytes], media_type: str,
                status_code: int = 200) -> Response:
    """304 when the client has this version, else the (cached or freshly rendered) body with its ETag."""
    etag = etag_for(request, data_fingerprint)
    headers = {"ETag": etag, "Cache-Control": "no-cache"}
    if _matches(request, etag):
        return Response(status_code=304, headers=headers)
    cache: BodyCache = request.app.state.body_cache
    body = cache.get(etag)
    if body is None:
        body = render()
        cache.put(etag, body)
    return Response(content=body, status_code=status_code, media_type=media_type, headers=headers)
